/**
 * Same-origin check for the WebSocket upgrade (browsers always send `Origin` on a
 * WebSocket handshake, RFC 6455 §4.1; a cross-site page cannot forge it). Accepted: an
 * Origin whose host (and port) equals the request's `Host`, or one in the allow-list.
 *
 * Both sides go through WHATWG URL parsing, so case, default ports (`:443` on https)
 * and IDNs (a Unicode `Host` vs the punycode `Origin` browsers send) compare equal
 * when they denote the same host. `null` (sandboxed frames, `file:`), non-http(s)
 * schemes, userinfo/paths and a missing header are refused; on a request known to be
 * https, an `http:` Origin is refused too (a downgraded page must not drive the app).
 */
import type { IncomingMessage } from "node:http";
import { canonicalOrigin } from "./cors.ts";

/** A compiled allow-list; `"*"` in the list allows every origin (not recommended). */
export class OriginPolicy {
  readonly any: boolean;
  readonly #allowed: ReadonlySet<string>;

  /** Throws `RangeError` on an entry that is not an exact http(s) origin. */
  constructor(allow: readonly string[] = []) {
    const set = new Set<string>();
    let any = false;
    for (const a of allow) {
      if (a === "*") {
        any = true;
        continue;
      }
      const c = canonicalOrigin(a);
      if (c === undefined) throw new RangeError(`allowedOrigins: not an http(s) origin: ${a}`);
      set.add(c);
    }
    this.any = any;
    this.#allowed = set;
  }

  /** True when `origin` (already canonical) is on the list. */
  has(origin: string): boolean {
    return this.any || this.#allowed.has(origin);
  }
}

/** `host` (a Host header) as WHATWG URL serialises it under `scheme`, or undefined. */
function normalHost(host: string, scheme: string): string | undefined {
  if (host === "" || /[/?#@\\\s]/.test(host)) return undefined;
  try {
    return new URL(`${scheme}//${host}`).host;
  } catch {
    return undefined;
  }
}

/**
 * True when the upgrade request's Origin is acceptable. `https`: the request arrived
 * over TLS (or a trusted proxy said so).
 * @example isOriginAllowed(req, new OriginPolicy(["https://app.example.com"]), true)
 */
export function isOriginAllowed(
  req: IncomingMessage,
  allow: OriginPolicy | readonly string[],
  https = false,
): boolean {
  const policy = allow instanceof OriginPolicy ? allow : new OriginPolicy(allow);
  const origin = req.headers.origin;
  if (typeof origin !== "string" || origin === "" || origin === "null") return false;
  const canonical = canonicalOrigin(origin);
  if (canonical === undefined) return false;
  if (policy.has(canonical)) return true;
  const url = new URL(canonical);
  if (https && url.protocol === "http:") return false;
  const host = req.headers.host;
  if (typeof host !== "string") return false;
  return normalHost(host, url.protocol) === url.host;
}
