/**
 * The HTTP upgrade handler for `/_vango/ws`. Before anything is upgraded it refuses,
 * with a plain HTTP response carrying the registry status and a JSON coded body:
 * upgrades during shutdown (503), cross-origin or Origin-less upgrades (403
 * `origin_forbidden`, unless `devMode`), and clients over a socket cap (429
 * `connection_limited` per IP/user, 503 `too_many_connections` globally). Then it hands
 * the socket to `ws` (`noServer`, `maxPayload`) and wraps it in a {@link Connection}.
 *
 * A message over `maxPayload` is cut off by `ws` itself, which closes with 1009
 * (`ERRORS.payload_too_large.close`) and an empty reason before any error frame could
 * be sent; the server logs it as `payload_too_large`.
 *
 * App code and message handling never escape as uncaught exceptions: a throwing
 * `userOf` refuses the upgrade (500 `internal_error`), and a throw while handling a
 * message fails only that socket (fatal `internal_error`).
 */
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { WS_PATH } from "../../protocol/constants.ts";
import { ErrorCode as E, type ErrorCode } from "../../protocol/errors.ts";
import { errorResponse } from "../core/http-error.ts";
import type { Logger } from "../core/logger.ts";
import type { Transport } from "../core/transport.ts";
import { clientIp } from "../security/client-ip.ts";
import type { ReleaseConnection } from "../security/connection-limiter.ts";
import { readSessionCookie } from "../security/cookies.ts";
import { isOriginAllowed, type OriginPolicy } from "../security/origin.ts";
import type { Security } from "../security/security.ts";
import { isHttps } from "../security/security-headers.ts";
import { Connection, type ConnectionHost } from "./connection.ts";
import { WsTransport } from "./ws-transport.ts";

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

/** What the upgrade handler needs (narrowed from the assembled runtime). */
export interface UpgradeHost {
  readonly devMode: boolean;
  readonly logger: Logger;
  readonly security: Security;
  readonly connectionHost: ConnectionHost;
  /** Max bytes of one incoming message. */
  readonly maxPayload: number;
  /** Counts `payload_too_large` cut-offs (the app's metrics, when on). */
  readonly metrics: { websocketError(code: string): void } | undefined;
  /** Wraps each socket's transport (counts coded errors into the metrics). */
  wrapTransport(t: Transport): Transport;
  /** True once shutdown began: no new sockets. */
  closing(): boolean;
}

export interface UpgradeHandler {
  (req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The underlying `ws` server (closed by `app.close()`). */
  readonly wss: WebSocketServer;
}

/**
 * Builds the app's `upgrade(req, socket, head)`. Requests for other paths are answered
 * 404 and closed; mount other WebSocket endpoints before it if you need them.
 * @example server.on("upgrade", createUpgradeHandler(runtime));
 */
export function createUpgradeHandler(host: UpgradeHost): UpgradeHandler {
  const rt = host;
  const sec = host.security;
  const origins = sec.origins;
  const trustProxy = sec.trustProxy;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: host.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const handler = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on("error", onSocketError);
    const refused = checkUpgrade(rt, req, origins, trustProxy);
    if (refused !== undefined) {
      refuse(socket, refused, req);
      return;
    }
    let release: ReleaseConnection | undefined;
    if (sec.connections !== undefined) {
      let user: string | undefined;
      try {
        user = sec.userOf?.(req);
      } catch (err) {
        // App code runs inside the server's 'upgrade' event: a throw here would be uncaught.
        rt.logger.error({ err, code: E.internal_error }, "userOf failed");
        refuse(socket, E.internal_error, req);
        return;
      }
      const slot = sec.connections.tryAcquire(clientIp(req, { trustProxy }), user);
      if (typeof slot === "string") {
        rt.logger.warn({ code: slot, ip: clientIp(req, { trustProxy }) }, "upgrade refused");
        refuse(socket, slot, req);
        return;
      }
      release = slot;
      // 'close' fires once the socket is gone, upgraded or not (ws may abort a bad handshake).
      socket.once("close", slot);
    }
    // Read before the callback: a closure that touched `req` would keep the whole
    // request alive for the socket's lifetime (~1.1 KB per session, measured). The
    // connection holds it only until the handshake (a rebuilt page needs its headers).
    const cookieSid = readSessionCookie(req.headers.cookie, rt.devMode);
    wss.handleUpgrade(req, socket, head, (ws, upgradeReq) => {
      const t = rt.wrapTransport(new WsTransport(ws, socket));
      const conn = new Connection(host.connectionHost, t, cookieSid, upgradeReq);
      (ws as ListenedSocket)[LISTENED] = new Listened(rt, conn, release);
      // Without an 'error' listener, a frame over maxPayload would crash the process.
      ws.on("error", onWsError);
      ws.on("message", onWsMessage);
      ws.on("pong", onWsPong);
      ws.on("close", onWsClose);
    });
  };
  return Object.assign(handler, { wss });
}

function checkUpgrade(
  rt: UpgradeHost,
  req: IncomingMessage,
  origins: OriginPolicy,
  trustProxy: Security["trustProxy"],
): ErrorCode | undefined {
  const path = (req.url ?? "/").split("?", 1)[0];
  if (path !== WS_PATH) return E.not_found;
  if (rt.closing()) return E.server_shutdown;
  if (!rt.devMode && !isOriginAllowed(req, origins, isHttps(req, trustProxy !== false))) {
    return E.origin_forbidden;
  }
  return undefined;
}

/**
 * What a socket's listeners need, kept on the socket: the listeners are four functions
 * shared by every socket (ws calls them with the socket as `this`), not four closures
 * and their scope per connection (measured in bench/session-heap).
 */
class Listened {
  readonly rt: UpgradeHost;
  readonly conn: Connection;
  readonly release: ReleaseConnection | undefined;

  constructor(rt: UpgradeHost, conn: Connection, release: ReleaseConnection | undefined) {
    this.rt = rt;
    this.conn = conn;
    this.release = release;
  }
}

const LISTENED: unique symbol = Symbol("vango.listened");
type ListenedSocket = WebSocket & { [LISTENED]: Listened };

function onWsError(this: WebSocket, err: Error & { code?: string }): void {
  const { rt, conn } = (this as ListenedSocket)[LISTENED];
  if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
    rt.metrics?.websocketError(E.payload_too_large);
    rt.logger.warn(
      { code: E.payload_too_large, session_id: conn.session?.id },
      "message over maxPayload",
    );
  } else rt.logger.debug({ err, session_id: conn.session?.id }, "websocket error");
}

function onWsMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const { rt, conn } = (this as ListenedSocket)[LISTENED];
  // ws emits from the socket's data handler: an escaping error would be uncaught
  // and take down every session of the process, not just this connection.
  try {
    if (isBinary) conn.onMessage(toBytes(data));
    else conn.onText();
  } catch (err) {
    rt.logger.error(
      { err, code: E.internal_error, session_id: conn.session?.id },
      "message handling failed",
    );
    conn.fail(E.internal_error);
  }
}

function onWsPong(this: WebSocket): void {
  (this as ListenedSocket)[LISTENED].conn.alive = true;
}

function onWsClose(this: WebSocket): void {
  const l = (this as ListenedSocket)[LISTENED];
  l.release?.();
  l.conn.onClose();
}

function onSocketError(): void {
  // Raw socket errors before/while upgrading (resets) are routine; the socket is gone.
}

/** Answers the upgrade request with a coded HTTP error (the same refusal as the HTTP side). */
function refuse(socket: Duplex, code: ErrorCode, req: IncomingMessage): void {
  const r = errorResponse(code, req.headers.accept, req.method);
  let head = `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? "Error"}\r\nConnection: close\r\n`;
  if (r.status === 429 || r.status === 503) head += "Retry-After: 1\r\n";
  for (const [k, v] of Object.entries(r.headers)) head += `${k}: ${v}\r\n`;
  socket.end(`${head}\r\n${r.body ?? ""}`);
}
