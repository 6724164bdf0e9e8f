/**
 * The HTTP guard in front of the app's request handling, in order: security headers
 * (with a fresh CSP nonce per response), CORS (answers preflights), rate limits (429),
 * then the CSRF check of unsafe methods (403; 413/408 when a form body to search for the
 * token is too large or too slow, 499 when the client hung up meanwhile) — before the
 * method and the route are looked at, so an unsafe request without a valid token is
 * `csrf_invalid` on any path.
 * The guard decides; the HTTP handler writes the refusal through the one refusal path
 * (`core/http-error.ts`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Refusal } from "../core/http-error.ts";
import { type CsrfSigner, checkCsrf } from "./csrf.ts";

import type { Security } from "./security.ts";
import { createNonce } from "./security-headers.ts";

const nonces = new WeakMap<ServerResponse, string>();

/**
 * The CSP nonce of this response (put it on the page's `<script>` tags), or `undefined`
 * when security headers are off.
 */
export function responseNonce(res: ServerResponse): string | undefined {
  return nonces.get(res);
}

function exempt(path: string, prefixes: readonly string[]): boolean {
  for (let i = 0; i < prefixes.length; i++) if (path.startsWith(prefixes[i]!)) return true;
  return false;
}

/**
 * Runs the guard: `undefined` when the app should handle the request, `"answered"`
 * when the guard answered it itself (a CORS preflight), else the refusal to send.
 * @example
 * const verdict = await guardRequest(security, csrf, req, res, path);
 * if (verdict === "answered") return;
 * if (verdict !== undefined) return sendRefusal(res, verdict);
 */
export async function guardRequest(
  sec: Security,
  signer: CsrfSigner,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<Refusal | "answered" | undefined> {
  if (sec.headers !== undefined) {
    const nonce = createNonce();
    nonces.set(res, nonce);
    sec.headers(req, res, nonce);
  }
  const cors = sec.cors?.(req, res);
  if (cors !== undefined) return cors;
  if (sec.rateLimit !== undefined) {
    const limited = await sec.rateLimit(req, res);
    if (limited !== undefined) return limited;
  }
  const csrf = sec.csrf;
  if (csrf !== undefined && !exempt(path, csrf.exemptPaths)) {
    const outcome = await checkCsrf(req, signer, sec.devMode, csrf.form);
    if (outcome === "ok") return undefined;
    // The rest of an oversized or stalled body was never read: close rather than drain it.
    if (outcome === "payload_too_large" || outcome === "request_timeout") {
      return { code: outcome, headers: CLOSE };
    }
    return { code: outcome };
  }
  return undefined;
}

const CLOSE = Object.freeze({ connection: "close" });
