/**
 * The server's side of the WebSocket opening handshake (RFC 6455 §4.2). An upgrade
 * request is checked as `ws` checked it — a GET, `Upgrade: websocket`, a `Connection`
 * header with the `upgrade` token, a `Sec-WebSocket-Key` of 16 base64-encoded bytes,
 * `Sec-WebSocket-Version: 13` — and refused with a plain HTTP error otherwise, after which
 * the socket is closed. An accepted one is answered `101 Switching Protocols` with the key's
 * `Sec-WebSocket-Accept`. No extension (permessage-deflate) and no subprotocol is ever
 * accepted: the offers are ignored, which the RFC allows, and frames then carry no RSV bit.
 */
import { hash } from "node:crypto";
import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** Appended to the client's key before hashing (RFC 6455 §1.3). */
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** 16 bytes in base64: 22 characters and the padding. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** Why an upgrade request is not a WebSocket handshake this server accepts. */
export interface HandshakeRefusal {
  /** 405 (not a GET), 426 (another protocol version) or 400. */
  readonly status: number;
  /** The response body. */
  readonly message: string;
}

/**
 * The refusal for an upgrade request that is not a valid WebSocket handshake, or
 * `undefined` for a valid one.
 * @example handshakeRefusal(req); // { status: 400, message: "Missing or invalid Sec-WebSocket-Key header" }
 */
export function handshakeRefusal(req: IncomingMessage): HandshakeRefusal | undefined {
  const h = req.headers;
  if (req.method !== "GET") return { status: 405, message: "Invalid HTTP method" };
  if (h.upgrade === undefined || h.upgrade.toLowerCase() !== "websocket") {
    return { status: 400, message: "Invalid Upgrade header" };
  }
  if (!hasToken(h.connection, "upgrade")) {
    return { status: 400, message: "Invalid Connection header" };
  }
  const key = h["sec-websocket-key"];
  if (key === undefined || !KEY.test(key)) {
    return { status: 400, message: "Missing or invalid Sec-WebSocket-Key header" };
  }
  const version = h["sec-websocket-version"];
  if (version === undefined) {
    return { status: 400, message: "Missing Sec-WebSocket-Version header" };
  }
  if (version !== "13") {
    return { status: 426, message: "Unsupported Sec-WebSocket-Version header" };
  }
  return undefined;
}

/**
 * Writes `refusal` as the response and closes the socket once it is sent. Every refusal
 * names the one version this server speaks (RFC 6455 §4.4).
 * @example refuseHandshake(socket, { status: 405, message: "Invalid HTTP method" });
 */
export function refuseHandshake(socket: Duplex, refusal: HandshakeRefusal): void {
  const { status, message } = refusal;
  socket.once("finish", socket.destroy);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n` +
      "Connection: close\r\n" +
      "Content-Type: text/plain; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(message)}\r\n` +
      "Sec-WebSocket-Version: 13\r\n\r\n" +
      message,
  );
}

/**
 * The `Sec-WebSocket-Accept` value for a client's key: base64(SHA-1(key + GUID)).
 * @example acceptKey("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 */
export function acceptKey(key: string): string {
  return hash("sha1", key + GUID, "base64");
}

/**
 * The `101 Switching Protocols` response head that accepts a handshake with `key`.
 * @example socket.write(switchingProtocols(req.headers["sec-websocket-key"]!));
 */
export function switchingProtocols(key: string): string {
  return (
    "HTTP/1.1 101 Switching Protocols\r\n" +
    "Upgrade: websocket\r\n" +
    "Connection: Upgrade\r\n" +
    `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`
  );
}

/** Whether a comma-separated header value holds `token` (compared case-insensitively). */
function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  for (const part of value.split(",")) if (part.trim().toLowerCase() === token) return true;
  return false;
}
