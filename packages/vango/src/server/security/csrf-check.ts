/**
 * The double-submit CSRF check for unsafe HTTP methods (POST, PUT, PATCH, DELETE).
 * The request must carry the session cookie (HttpOnly, SameSite=Lax) and, in the
 * `X-CSRF-Token` header or an urlencoded form field `_csrf`, the token
 * `HMAC(secret, sid)` — which the page exposes in its boot data and in the JS-readable
 * `vango_csrf` cookie. A cross-site page can make the browser send the cookie but can
 * neither read the token nor compute the HMAC; the comparison is constant-time
 * (`CsrfSigner.verify`). A token minted for another session fails, since it is bound to
 * the sid.
 *
 * Reading `_csrf` consumes an urlencoded body: it is kept and handed to the app through
 * {@link formBody}. Other bodies (JSON, multipart) must use the header.
 */
import type { IncomingMessage } from "node:http";
import { isTokenShaped } from "../core/tokens.ts";
import { readSessionCookie } from "./cookies.ts";
import type { CsrfSigner } from "./csrf.ts";

/** Methods that change state and so need the token. */
export const UNSAFE_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Request header carrying the token. */
export const CSRF_HEADER = "x-csrf-token";
/** Urlencoded form field carrying the token. */
export const CSRF_FIELD = "_csrf";

const bodies = new WeakMap<IncomingMessage, Buffer>();

/**
 * The urlencoded body the CSRF check had to read to find `_csrf` (the stream is then
 * drained), or `undefined` when it did not read it.
 * @example const form = new URLSearchParams((formBody(req) ?? "").toString());
 */
export function formBody(req: IncomingMessage): Buffer | undefined {
  return bodies.get(req);
}

/** Outcome of the check: ok, refused, or the body was larger than allowed. */
export type CsrfOutcome = "ok" | "csrf_invalid" | "payload_too_large";

function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > max) {
        req.off("data", onData);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks, size)));
    req.once("error", reject);
  });
}

/**
 * Checks one unsafe request. Safe methods are not checked (they must not change state).
 * @example
 * if ((await checkCsrf(req, signer, false, 65536)) !== "ok") sendError(res, ErrorCode.csrf_invalid);
 */
export async function checkCsrf(
  req: IncomingMessage,
  signer: CsrfSigner,
  devMode: boolean,
  maxFormBytes: number,
): Promise<CsrfOutcome> {
  if (!UNSAFE_METHODS.has(req.method ?? "")) return "ok";
  const sid = readSessionCookie(req.headers.cookie, devMode);
  if (sid === undefined || !isTokenShaped(sid)) return "csrf_invalid";
  let token: string | undefined;
  const header = req.headers[CSRF_HEADER];
  if (typeof header === "string") token = header;
  else {
    const type = req.headers["content-type"] ?? "";
    if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      return "csrf_invalid";
    }
    const body = await readBody(req, maxFormBytes);
    if (body === undefined) return "payload_too_large";
    bodies.set(req, body);
    token = new URLSearchParams(body.toString("latin1")).get(CSRF_FIELD) ?? undefined;
  }
  if (token === undefined) return "csrf_invalid";
  return signer.verify(sid, token) === undefined ? "csrf_invalid" : "ok";
}
