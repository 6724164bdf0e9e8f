/**
 * The HTTP upgrade handler for `/_vango/ws`: refuses cross-origin upgrades (403,
 * `origin_forbidden`) and upgrades during shutdown (503), then hands the socket to `ws`
 * (`noServer`, `maxPayload`) and wraps it in a {@link Connection}.
 */
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { ErrorCode as E, ERRORS, type ErrorCode } from "../protocol/errors.ts";
import { Connection } from "./connection.ts";
import { readCookie, SESSION_COOKIE } from "./cookies.ts";
import { isOriginAllowed } from "./origin.ts";
import { WS_PATH } from "./page-response.ts";
import type { Runtime } from "./runtime.ts";
import type { Transport } from "./transport.ts";

/** `ws` WebSocket as a session transport. */
class WsTransport implements Transport {
  readonly #ws: WebSocket;
  constructor(ws: WebSocket) {
    this.#ws = ws;
  }
  send(data: Uint8Array): void {
    if (this.#ws.readyState === 1) this.#ws.send(data, { binary: true });
  }
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }
  close(code: number, reason: string): void {
    if (this.#ws.readyState < 2) this.#ws.close(code, reason);
  }
  ping(): void {
    if (this.#ws.readyState === 1) this.#ws.ping();
  }
  terminate(): void {
    this.#ws.terminate();
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
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
export function createUpgradeHandler(rt: Runtime): UpgradeHandler {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: rt.limits.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const handler = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on("error", onSocketError);
    const refused = checkUpgrade(rt, req);
    if (refused !== undefined) {
      refuse(socket, refused);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const t = new WsTransport(ws);
      const conn = new Connection(rt, t, readCookie(req.headers.cookie, SESSION_COOKIE));
      // Without an 'error' listener, a frame over maxPayload would crash the process.
      ws.on("error", (err) => {
        rt.logger.debug({ err, session_id: conn.session?.id }, "websocket error");
      });
      ws.on("message", (data, isBinary) => {
        if (isBinary) conn.onMessage(toBytes(data));
        else conn.onText();
      });
      ws.on("pong", () => {
        conn.alive = true;
      });
      ws.on("close", () => conn.onClose());
    });
  };
  return Object.assign(handler, { wss });
}

function checkUpgrade(rt: Runtime, req: IncomingMessage): ErrorCode | undefined {
  const path = (req.url ?? "/").split("?", 1)[0];
  if (path !== WS_PATH) return E.not_found;
  if (rt.closing) return E.server_shutdown;
  if (!rt.devMode && !isOriginAllowed(req, rt.allowedOrigins)) return E.origin_forbidden;
  return undefined;
}

function onSocketError(): void {
  // Raw socket errors before/while upgrading (resets) are routine; the socket is gone.
}

function refuse(socket: Duplex, code: ErrorCode): void {
  const info = ERRORS[code];
  const body = code;
  socket.end(
    `HTTP/1.1 ${info.status} ${STATUS_CODES[info.status] ?? "Error"}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nX-Vango-Error: ${code}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
