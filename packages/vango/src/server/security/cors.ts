/**
 * CORS with an exact allow-list of origins. Allowed origins are echoed (never `*`, so
 * credentials can be enabled), every response carries `Vary: Origin` so caches never
 * serve one origin's answer to another, and preflights are answered here. Written in
 * place of the `cors` package (not a dependency) because the whole policy is ~100 lines
 * and refusals must carry registry error codes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode } from "../../protocol/errors.ts";
import type { Refusal } from "../core/http-error.ts";

export interface CorsOptions {
  /** Exact origins (`https://app.example.com`, with port when not default). */
  origins: readonly string[];
  /** Methods allowed cross-origin (default GET, HEAD, POST, PUT, PATCH, DELETE). */
  methods?: readonly string[];
  /** Request headers allowed (default Content-Type, Authorization, X-CSRF-Token, X-Request-Id). */
  allowedHeaders?: readonly string[];
  /** Response headers readable by the page (default X-Request-Id, Retry-After, RateLimit-*). */
  exposedHeaders?: readonly string[];
  /** Send `Access-Control-Allow-Credentials: true` (default false). */
  credentials?: boolean;
  /** Preflight cache lifetime in seconds (default 600). */
  maxAgeSeconds?: number;
}

/**
 * `"answered"`: a preflight was answered (204), the caller stops there; a refusal: a
 * preflight the allow-list refuses; `undefined`: go on (the CORS headers are set).
 */
export type CorsHandler = (
  req: IncomingMessage,
  res: ServerResponse,
) => "answered" | Refusal | undefined;

/** Appends tokens to the `Vary` header without duplicating existing ones. */
export function appendVary(res: ServerResponse, ...fields: string[]): void {
  const prev = res.getHeader("vary");
  const current = prev === undefined ? "" : String(prev);
  if (current.trim() === "*") return;
  const have = new Set(
    current
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== ""),
  );
  let out = current.trim();
  for (const f of fields) {
    if (have.has(f.toLowerCase())) continue;
    have.add(f.toLowerCase());
    out = out === "" ? f : `${out}, ${f}`;
  }
  res.setHeader("vary", out);
}

/**
 * Serialised origin of `value` as a browser sends it (lower-case host, punycode, default
 * port dropped), or `undefined` when `value` is not a bare http(s) origin.
 */
export function canonicalOrigin(value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return undefined;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
  if (u.username !== "" || u.password !== "" || u.pathname !== "/") return undefined;
  if (u.search !== "" || u.hash !== "" || value.includes("?") || value.includes("#")) {
    return undefined;
  }
  return u.origin;
}

/**
 * Builds the CORS handler.
 * @example
 * const corsCheck = cors({ origins: ["https://admin.example.com"], credentials: true });
 * const outcome = corsCheck(req, res); // "answered" (preflight), a refusal, or undefined
 */
export function cors(options: CorsOptions): CorsHandler {
  const origins = new Set<string>();
  for (const o of options.origins) {
    const c = canonicalOrigin(o);
    if (c === undefined) throw new RangeError(`cors: not an exact http(s) origin: ${o}`);
    origins.add(c);
  }
  const methods = (options.methods ?? ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]).map((m) =>
    m.toUpperCase(),
  );
  const allowed = (
    options.allowedHeaders ?? ["Content-Type", "Authorization", "X-CSRF-Token", "X-Request-Id"]
  ).map((h) => h.toLowerCase());
  const allowedSet = new Set(allowed);
  const methodsValue = methods.join(", ");
  const headersValue = allowed.join(", ");
  const exposed = (
    options.exposedHeaders ?? [
      "X-Request-Id",
      "Retry-After",
      "RateLimit-Limit",
      "RateLimit-Remaining",
      "RateLimit-Reset",
      "RateLimit-Policy",
    ]
  ).join(", ");
  const credentials = options.credentials ?? false;
  const maxAge = String(options.maxAgeSeconds ?? 600);

  return (req, res) => {
    const origin = req.headers.origin;
    const requestMethod = req.headers["access-control-request-method"];
    const preflight =
      req.method === "OPTIONS" && origin !== undefined && requestMethod !== undefined;
    if (preflight) {
      appendVary(res, "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers");
    } else {
      appendVary(res, "Origin");
    }
    // Exact string match: the browser sends the serialised origin, so no parsing needed.
    const ok = origin !== undefined && origins.has(origin);
    if (!preflight) {
      if (ok) {
        res.setHeader("access-control-allow-origin", origin);
        if (credentials) res.setHeader("access-control-allow-credentials", "true");
        if (exposed !== "") res.setHeader("access-control-expose-headers", exposed);
      }
      return undefined;
    }
    if (!ok) return { code: ErrorCode.origin_forbidden };
    if (!methods.includes(String(requestMethod).toUpperCase())) {
      return { code: ErrorCode.method_not_allowed, headers: { allow: methodsValue } };
    }
    const asked = req.headers["access-control-request-headers"];
    if (asked !== undefined) {
      for (const h of String(asked).split(",")) {
        const name = h.trim().toLowerCase();
        if (name !== "" && !allowedSet.has(name)) return { code: ErrorCode.forbidden };
      }
    }
    res.setHeader("access-control-allow-origin", origin);
    if (credentials) res.setHeader("access-control-allow-credentials", "true");
    res.setHeader("access-control-allow-methods", methodsValue);
    if (headersValue !== "") res.setHeader("access-control-allow-headers", headersValue);
    res.setHeader("access-control-max-age", maxAge);
    res.writeHead(204, { "content-length": "0" });
    res.end();
    return "answered";
  };
}
