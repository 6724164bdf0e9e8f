/**
 * Same-origin check for the WebSocket upgrade (browsers always send `Origin` on a
 * WebSocket handshake, RFC 6455 §4.1; a cross-site page cannot forge it). Accepted:
 * an Origin whose host equals the request's Host header, or one listed in `allow`.
 */
import type { IncomingMessage } from "node:http";

/**
 * True when the upgrade request's Origin is acceptable.
 * @example isOriginAllowed(req, ["https://app.example.com"])
 */
export function isOriginAllowed(req: IncomingMessage, allow: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== "string" || origin === "" || origin === "null") return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const normalized = url.origin;
  for (const a of allow) if (a === normalized) return true;
  const host = req.headers.host;
  return typeof host === "string" && host.toLowerCase() === url.host;
}
