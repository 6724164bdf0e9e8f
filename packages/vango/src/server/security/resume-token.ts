/**
 * Resume tokens any instance can verify: `<key>.<path>.<mac>`, where `key` names the
 * session (and its checkpoint in the session store), `path` is the page's URL path and
 * query (base64url), and `mac = HMAC-SHA256(secret, "resume\0" key "\0" sid "\0" path)`
 * (128 bits). A token is only good with the session cookie it was issued for, so it
 * cannot be moved to another browser; with the shared `VANGO_SECRET`, an instance that
 * never saw the session can check it and rebuild the page — from its checkpoint, or from
 * the URL when the page was served elsewhere and no checkpoint exists yet.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** What a verified token names. */
export interface ResumeClaim {
  /** The session's key (its checkpoint's id in the store). */
  readonly key: string;
  /** The page's path and query when the token was issued. */
  readonly path: string;
}

/** The longest path a token carries (longer paths are refused at matching anyway). */
const MAX_PATH = 2048;
const MAC_BYTES = 16;
const KEY_BYTES = 16;

/**
 * The session key `token` names, unverified: what comes before its first dot (a token
 * made without {@link ResumeTokens} is its key).
 * @example tokenKey("k3y.L3RvZG9z.bWFj"); // "k3y"
 */
export function tokenKey(token: string): string {
  const dot = token.indexOf(".");
  return dot < 0 ? token : token.slice(0, dot);
}

export class ResumeTokens {
  readonly #secret: Buffer;

  /** `secret`: the app secret (≥ 16 bytes) every instance shares. */
  constructor(secret: string | Uint8Array) {
    this.#secret = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
  }

  /**
   * A token for a new session of cookie `sid` at `path`.
   * @example const { key, token } = tokens.issue(sid, "/todos?q=x");
   */
  issue(sid: string, path: string): { key: string; token: string } {
    const key = randomBytes(KEY_BYTES).toString("base64url");
    return { key, token: this.#sign(key, sid, path.slice(0, MAX_PATH)) };
  }

  /** The same session's token for another page path (after a live navigation). */
  reissue(key: string, sid: string, path: string): string {
    return this.#sign(key, sid, path.slice(0, MAX_PATH));
  }

  /** What `token` names, when it was issued for cookie `sid`; else `undefined`. */
  verify(token: string, sid: string): ResumeClaim | undefined {
    if (token.length > MAX_PATH * 2) return undefined;
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const [key, encodedPath, mac] = parts as [string, string, string];
    if (key.length === 0 || key.length > 64) return undefined;
    const path = Buffer.from(encodedPath, "base64url").toString("utf8");
    const want = this.#mac(key, sid, path);
    const got = Buffer.from(mac, "base64url");
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    return { key, path };
  }

  #sign(key: string, sid: string, path: string): string {
    const encoded = Buffer.from(path, "utf8").toString("base64url");
    return `${key}.${encoded}.${this.#mac(key, sid, path).toString("base64url")}`;
  }

  #mac(key: string, sid: string, path: string): Buffer {
    return createHmac("sha256", this.#secret)
      .update(`resume\0${key}\0${sid}\0${path}`)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
