/**
 * The HTTP upgrade handler for `/_vango/ws`. Before anything is upgraded it refuses,
 * with a plain HTTP response carrying the registry status and a JSON coded body:
 * upgrades during shutdown (503), cross-origin or Origin-less upgrades (403
 * `origin_forbidden`, unless `devMode`), and clients over a socket cap (429
 * `connection_limited` per IP/user, 503 `too_many_connections` globally). A request that
 * is not a valid WebSocket handshake gets the handshake's own HTTP error (400, 405, 426).
 * Then it answers 101, makes the socket a {@link ServerWebSocket} (`maxPayload`) and
 * wraps it in a {@link Connection}.
 *
 * A message over `maxPayload` is cut off by the frame reader as soon as its length is
 * known, which closes with 1009 (`ERRORS.payload_too_large.close`) and an empty reason
 * before any error frame could be sent; the server logs it as `payload_too_large`.
 *
 * App code and message handling never escape as uncaught exceptions: a throwing
 * `userOf` refuses the upgrade (500 `internal_error`), and a throw while handling a
 * message fails only that socket (fatal `internal_error`).
 */
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
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
import { MESSAGE_TOO_BIG, type WebSocketError } from "./frame-reader.ts";
import { handshakeRefusal, refuseHandshake, switchingProtocols } from "./opening-handshake.ts";
import { ServerWebSocket, type WebSocketHandler } from "./server-websocket.ts";
import { WsTransport } from "./ws-transport.ts";

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

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

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
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on("error", onSocketError);
    const refused = checkUpgrade(rt, req, origins, trustProxy);
    if (refused !== undefined) {
      refuse(socket, refused, req);
      return;
    }
    const invalid = handshakeRefusal(req);
    if (invalid !== undefined) {
      refuseHandshake(socket, invalid);
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
      // Given back by the WebSocket's close (`Listened.onClose`), or below if it never
      // opens. Not a 'close' listener of its own: a socket's third one grows the
      // listener array to 19 slots, ~250 B of every session with the once-wrapper.
      release = slot;
    }
    // The client hung up while the request was read: nothing to answer.
    if (!socket.readable || !socket.writable) {
      release?.();
      socket.destroy();
      return;
    }
    try {
      socket.write(switchingProtocols(req.headers["sec-websocket-key"]!));
      // From here the WebSocket handles the socket's errors.
      socket.off("error", onSocketError);
      const ws = new ServerWebSocket(socket, host.maxPayload);
      const t = rt.wrapTransport(new WsTransport(ws));
      // The connection holds the request only until the handshake (a rebuilt page needs
      // its headers); nothing else made per socket keeps it.
      const conn = new Connection(
        host.connectionHost,
        t,
        readSessionCookie(req.headers.cookie, rt.devMode),
        req,
      );
      ws.open(new Listened(rt, conn, release), head);
    } catch (err) {
      // Inside the server's 'upgrade' event a throw would be uncaught: this socket goes.
      rt.logger.error({ err, code: E.internal_error }, "upgrade failed");
      release?.();
      socket.destroy();
    }
  };
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
 * Routes one WebSocket's events to its connection: one object per socket whose methods
 * are shared by every socket (the WebSocket calls them with it as `this`), not closures
 * and their scope per connection (measured in bench/session-heap).
 */
class Listened implements WebSocketHandler {
  readonly rt: UpgradeHost;
  readonly conn: Connection;
  readonly release: ReleaseConnection | undefined;

  constructor(rt: UpgradeHost, conn: Connection, release: ReleaseConnection | undefined) {
    this.rt = rt;
    this.conn = conn;
    this.release = release;
  }

  onMessage(data: Uint8Array, binary: boolean): void {
    const { rt, conn } = this;
    // Called from the socket's data handler: an escaping error would be uncaught and
    // take down every session of the process, not just this connection.
    try {
      if (binary) conn.onMessage(data);
      else conn.onText();
    } catch (err) {
      rt.logger.error(
        { err, code: E.internal_error, session_id: conn.session?.id },
        "message handling failed",
      );
      conn.fail(E.internal_error);
    }
  }

  onPong(): void {
    this.conn.alive = true;
  }

  onError(err: WebSocketError): void {
    const { rt, conn } = this;
    if (err.code === MESSAGE_TOO_BIG) {
      rt.metrics?.websocketError(E.payload_too_large);
      rt.logger.warn(
        { code: E.payload_too_large, session_id: conn.session?.id },
        "message over maxPayload",
      );
    } else rt.logger.debug({ err, session_id: conn.session?.id }, "websocket error");
  }

  onClose(): void {
    this.release?.();
    this.conn.onClose();
  }
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
