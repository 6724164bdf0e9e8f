/**
 * CSRF protection, for the WebSocket handshake and for unsafe HTTP methods.
 *
 * The token is bound to the session id: `base64url(HMAC-SHA256(secret, "csrf:" + sid))`.
 * The page carries it in its boot JSON (and in every form Vango renders); the handshake
 * must present it. A cross-site page can neither read it nor compute the HMAC, and the
 * comparison is constant-time.
 *
 * Unsafe HTTP methods (POST, PUT, PATCH, DELETE) get the double-submit check: the
 * request must carry the session cookie (HttpOnly, SameSite=Lax) and, in the
 * `X-CSRF-Token` header or an urlencoded form field `_csrf`, the token — which the page
 * exposes in its boot data, its forms and the JS-readable `vango_csrf` cookie. A token
 * minted for another session fails, since it is bound to the sid.
 *
 * Reading `_csrf` consumes an urlencoded body: it is kept and handed to the app through
 * {@link formBody}. Other bodies (JSON, multipart) must use the header. The read is
 * bounded in size and in time — a client that announces a body and sends it slowly (or
 * never) gets `request_timeout` rather than holding the connection for whatever the
 * server's own request timeout is (Node's: 300 s) — and a client that hangs up while
 * it is read is `client_closed_request`, an outcome, not a server error.
 */

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isTokenShaped } from "../core/tokens.ts";
import { readSessionCookie } from "./cookies.ts";

declare const verifiedBrand: unique symbol;
/** A CSRF token that passed {@link CsrfSigner.verify}. */
export type VerifiedCsrf = string & { readonly [verifiedBrand]: true };

export class CsrfSigner {
  readonly #secret: Buffer;

  /** `secret` of at least 16 bytes; omitted = a random per-process secret. */
  constructor(secret?: string | Uint8Array) {
    if (secret === undefined) this.#secret = randomBytes(32);
    else {
      const buf = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
      if (buf.length < 16) throw new RangeError("secret must be at least 16 bytes");
      this.#secret = buf;
    }
  }

  /**
   * The token for session `sid`.
   * @example new CsrfSigner("0123456789abcdef").sign("sid1").length // 43
   */
  sign(sid: string): string {
    return createHmac("sha256", this.#secret).update("csrf:").update(sid).digest("base64url");
  }

  /** Returns the token branded as verified when it matches `sid`, else `undefined`. */
  verify(sid: string, token: string): VerifiedCsrf | undefined {
    const expected = Buffer.from(this.sign(sid), "utf8");
    const given = Buffer.from(token, "utf8");
    if (given.length !== expected.length) return undefined;
    return timingSafeEqual(expected, given) ? (token as VerifiedCsrf) : undefined;
  }
}

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

/** Outcome of the check: ok, or the code to refuse the request with. */
export type CsrfOutcome =
  | "ok"
  | "csrf_invalid"
  | "payload_too_large"
  | "request_timeout"
  | "client_closed_request";

/** How the CSRF check may read a form body. */
export interface FormReadLimits {
  /** Largest urlencoded body read to find `_csrf`. */
  readonly maxBytes: number;
  /** Ms the whole body may take to arrive. */
  readonly timeoutMs: number;
}

/** A read body, or why there is none. */
export type BodyRead = Buffer | "payload_too_large" | "request_timeout" | "client_closed_request";

/**
 * Reads a small body within `limits` (bytes and time); what the CSRF check and page
 * actions use for urlencoded forms.
 * @example const body = await readBody(req, { maxBytes: 65536, timeoutMs: 10_000 });
 */
export function readBody(req: IncomingMessage, limits: FormReadLimits): Promise<BodyRead> {
  if (req.destroyed) return Promise.resolve("client_closed_request");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (r: BodyRead): void => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      req.off("error", onError);
      resolve(r);
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limits.maxBytes) {
        // The refusal closes the connection: draining a lying Content-Length could take forever.
        req.pause();
        done("payload_too_large");
        return;
      }
      chunks.push(c);
    };
    const onEnd = (): void => done(Buffer.concat(chunks, size));
    // 'close' before 'end' (and the 'aborted' error before it): the client hung up.
    const onClose = (): void => done("client_closed_request");
    // Any other stream error also means no body will come; the socket is already gone.
    const onError = (): void => done("client_closed_request");
    const timer = setTimeout(() => {
      req.pause();
      done("request_timeout");
    }, limits.timeoutMs);
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("close", onClose);
    req.once("error", onError);
  });
}

/**
 * Checks one unsafe request. Safe methods are not checked (they must not change state).
 * @example
 * const outcome = await checkCsrf(req, signer, false, { maxBytes: 65536, timeoutMs: 10_000 });
 * if (outcome !== "ok") sendError(res, outcome);
 */
export async function checkCsrf(
  req: IncomingMessage,
  signer: CsrfSigner,
  devMode: boolean,
  form: FormReadLimits,
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
    const body = await readBody(req, form);
    if (!Buffer.isBuffer(body)) return body;
    bodies.set(req, body);
    token = new URLSearchParams(body.toString("latin1")).get(CSRF_FIELD) ?? undefined;
  }
  if (token === undefined) return "csrf_invalid";
  return signer.verify(sid, token) === undefined ? "csrf_invalid" : "ok";
}
