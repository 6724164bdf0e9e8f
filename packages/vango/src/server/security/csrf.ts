/**
 * CSRF token bound to the session id: `base64url(HMAC-SHA256(secret, "csrf:" + sid))`.
 * The page carries it in its boot JSON; the WebSocket handshake must present it. A
 * cross-site page can neither read the boot JSON nor compute the HMAC, and the
 * comparison is constant-time.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

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
