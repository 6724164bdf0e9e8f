/**
 * The HTTP guard in front of the app's request handling, in order: security headers
 * (with a fresh CSP nonce per response), CORS (answers preflights), rate limits (429),
 * then the CSRF check of unsafe methods (403). Refusals are coded JSON errors
 * (`{"error":{"code","message"}}`) with the registry's status.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode as E } from "../../protocol/errors.ts";
import { sendError } from "../http/send-error.ts";
import type { CsrfSigner } from "./csrf.ts";
import { checkCsrf } from "./csrf-check.ts";
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
 * Runs the guard; resolves `false` when it already answered the request (refusal or
 * preflight), `true` when the app should handle it.
 * @example if (!(await guardRequest(security, csrf, req, res, path))) return;
 */
export async function guardRequest(
  sec: Security,
  signer: CsrfSigner,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  if (sec.headers !== undefined) {
    const nonce = createNonce();
    nonces.set(res, nonce);
    sec.headers(req, res, nonce);
  }
  if (sec.cors?.(req, res) === true) return false;
  if (sec.rateLimit !== undefined && !(await sec.rateLimit(req, res))) return false;
  const csrf = sec.csrf;
  if (csrf !== undefined && !exempt(path, csrf.exemptPaths)) {
    const outcome = await checkCsrf(req, signer, sec.devMode, csrf.maxFormBytes);
    if (outcome !== "ok") {
      sendError(res, outcome === "payload_too_large" ? E.payload_too_large : E.csrf_invalid);
      return false;
    }
  }
  return true;
}
