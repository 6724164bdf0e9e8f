/**
 * The three kinds of token auth issues, all compact JWS signed by the key ring (jose):
 *
 * | kind    | header `typ` | lifetime        | carries                                |
 * | ------- | ------------ | --------------- | -------------------------------------- |
 * | access  | `at+jwt`     | ~15 min         | the user (`sub`, `name`, `roles`), `fam`, `fexp` |
 * | refresh | `rt+jwt`     | ~7 days         | `sub`, `fam`, and a `jti` rotated on use |
 * | grant   | `grant+jwt`  | 60 s, one use   | a live sign-in's user, the browser session's hash, `next` (and `rs`, the page state to bring back) |
 *
 * `fam` names the sign-in (the refresh family): revoking it revokes every token it
 * produced; `fexp` is when the sign-in itself ends (its refresh tokens' expiry), which a
 * live session needs to know how long it may outlive its access token. `typ` (RFC 8725 §3.11) keeps one kind from being accepted as another, and
 * every token is bound to this app's `iss` and `aud`.
 *
 * Verification never throws: it answers the claims or the {@link AuthErrorCode} of the
 * first check that failed. Verified access tokens are remembered (bounded, until they
 * expire) so a request carrying one that was seen before costs a map lookup, and so
 * synchronous callers (`userOf`, asked at WebSocket upgrade) can be answered.
 */
import { randomBytes } from "node:crypto";
import { type JWTHeaderParameters, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { AuthErrorCode as C } from "./errors.ts";
import type { KeyRing } from "./keys.ts";
import type { AuthUser } from "./users.ts";

export const TokenType = { Access: "at+jwt", Refresh: "rt+jwt", Grant: "grant+jwt" } as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

/** Longest token string looked at (anything longer is malformed without parsing). */
const MAX_TOKEN = 4096;
/** Seconds of clock difference between instances tolerated for `exp` and `nbf`. */
export const CLOCK_TOLERANCE_S = 5;
/** Verified access tokens remembered. */
const CACHE_MAX = 10_000;

interface Common {
  readonly sub: string;
  readonly jti: string;
  /** ms since the epoch. */
  readonly iat: number;
  /** ms since the epoch. */
  readonly exp: number;
}

export interface AccessClaims extends Common {
  readonly user: AuthUser;
  readonly fam: string;
  /** When the sign-in ends (ms since the epoch). */
  readonly signInExp: number;
}

export interface RefreshClaims extends Common {
  readonly fam: string;
}

export interface GrantClaims extends Common {
  readonly user: AuthUser;
  /** Hash of the browser session the grant may be redeemed from. */
  readonly sid: string;
  readonly next: string;
  /** The key of the page state the login brings back to `next` (`rs`). */
  readonly restore: string | undefined;
}

/** A verification's outcome. */
export type Verified<T> =
  | { readonly ok: true; readonly claims: T }
  | { readonly ok: false; readonly code: C };

const refused = (code: C): { ok: false; code: C } => ({ ok: false, code });

/** A fresh random id (jti, family id): 128 bits, base64url. */
export function tokenId(): string {
  return randomBytes(16).toString("base64url");
}

class KeyError extends Error {
  readonly refusal: C;
  constructor(refusal: C) {
    super(refusal);
    this.refusal = refusal;
  }
}

export class TokenService {
  readonly #ring: KeyRing;
  readonly #issuer: string;
  readonly #audience: string;
  readonly #cache = new Map<string, AccessClaims>();

  constructor(ring: KeyRing, issuer: string, audience: string) {
    this.#ring = ring;
    this.#issuer = issuer;
    this.#audience = audience;
  }

  get ring(): KeyRing {
    return this.#ring;
  }

  /**
   * Signs an access token for `user` in family `fam`, valid until `expMs`, in a sign-in
   * that ends at `signInExpMs`.
   * @example const at = await tokens.signAccess(user, fam, Date.now() + 15 * 60_000, signInEnd);
   */
  async signAccess(
    user: AuthUser,
    fam: string,
    expMs: number,
    signInExpMs: number,
  ): Promise<{ token: string; claims: AccessClaims }> {
    const jti = tokenId();
    const fexp = Math.floor(signInExpMs / 1000);
    const { token, iat, exp } = await this.#sign(
      TokenType.Access,
      { name: user.name, roles: [...user.roles], fam, fexp },
      user.id,
      jti,
      expMs,
    );
    const claims: AccessClaims = { sub: user.id, jti, iat, exp, user, fam, signInExp: fexp * 1000 };
    this.#remember(token, claims);
    return { token, claims };
  }

  async signRefresh(sub: string, fam: string, jti: string, expMs: number): Promise<string> {
    return (await this.#sign(TokenType.Refresh, { fam }, sub, jti, expMs)).token;
  }

  async signGrant(
    user: AuthUser,
    sid: string,
    next: string,
    expMs: number,
    restore?: string,
  ): Promise<string> {
    const payload = {
      name: user.name,
      roles: [...user.roles],
      sid,
      next,
      ...(restore === undefined ? {} : { rs: restore }),
    };
    return (await this.#sign(TokenType.Grant, payload, user.id, tokenId(), expMs)).token;
  }

  /** An access token verified before and not yet expired, without verifying it again. */
  cached(token: string, nowMs: number): AccessClaims | undefined {
    const c = this.#cache.get(token);
    if (c === undefined) return undefined;
    if (c.exp <= nowMs) {
      this.#cache.delete(token);
      return undefined;
    }
    return c;
  }

  async verifyAccess(token: string): Promise<Verified<AccessClaims>> {
    const hit = this.cached(token, Date.now());
    if (hit !== undefined) return { ok: true, claims: hit };
    const v = await this.#verify(token, TokenType.Access);
    if (!v.ok) return v;
    const p = v.claims;
    const user = userOf(p);
    if (user === undefined || typeof p.fam !== "string" || typeof p.fexp !== "number") {
      return refused(C.tokenMalformed);
    }
    const claims: AccessClaims = { ...common(p), user, fam: p.fam, signInExp: p.fexp * 1000 };
    this.#remember(token, claims);
    return { ok: true, claims };
  }

  async verifyRefresh(token: string): Promise<Verified<RefreshClaims>> {
    const v = await this.#verify(token, TokenType.Refresh);
    if (!v.ok) return v;
    if (typeof v.claims.fam !== "string") return refused(C.tokenMalformed);
    return { ok: true, claims: { ...common(v.claims), fam: v.claims.fam } };
  }

  async verifyGrant(token: string): Promise<Verified<GrantClaims>> {
    const v = await this.#verify(token, TokenType.Grant);
    if (!v.ok) return v;
    const p = v.claims;
    const user = userOf(p);
    const rs = p.rs;
    if (
      user === undefined ||
      typeof p.sid !== "string" ||
      typeof p.next !== "string" ||
      (rs !== undefined && typeof rs !== "string")
    ) {
      return refused(C.tokenMalformed);
    }
    return { ok: true, claims: { ...common(p), user, sid: p.sid, next: p.next, restore: rs } };
  }

  async #sign(
    typ: TokenType,
    payload: JWTPayload,
    sub: string,
    jti: string,
    expMs: number,
  ): Promise<{ token: string; iat: number; exp: number }> {
    const iat = Math.floor(Date.now() / 1000);
    const exp = Math.floor(expMs / 1000);
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: this.#ring.alg, kid: this.#ring.kid, typ })
      .setIssuer(this.#issuer)
      .setAudience(this.#audience)
      .setSubject(sub)
      .setJti(jti)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .sign(this.#ring.signKey);
    return { token, iat: iat * 1000, exp: exp * 1000 };
  }

  async #verify(token: string, typ: TokenType): Promise<Verified<JWTPayload>> {
    if (token.length > MAX_TOKEN || token.split(".").length !== 3) return refused(C.tokenMalformed);
    const ring = this.#ring;
    try {
      const { payload } = await jwtVerify(
        token,
        (header: JWTHeaderParameters) => {
          const k = ring.resolve(header);
          if (k === "kid") throw new KeyError(C.tokenKidUnknown);
          if (k === "alg") throw new KeyError(C.tokenAlgorithmRefused);
          return k.verify;
        },
        {
          algorithms: [...ring.algorithms],
          issuer: this.#issuer,
          audience: this.#audience,
          typ,
          requiredClaims: ["sub", "jti", "iat", "exp", "nbf"],
          clockTolerance: CLOCK_TOLERANCE_S,
        },
      );
      return { ok: true, claims: payload };
    } catch (err) {
      return refused(refusalOf(err));
    }
  }

  #remember(token: string, claims: AccessClaims): void {
    if (this.#cache.size >= CACHE_MAX) {
      // Oldest first (insertion order); most tokens in it expire in order anyway.
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(token, claims);
  }
}

function common(p: JWTPayload): Common {
  return { sub: p.sub!, jti: p.jti!, iat: p.iat! * 1000, exp: p.exp! * 1000 };
}

function userOf(p: JWTPayload): AuthUser | undefined {
  const { sub, name, roles } = p as { sub?: unknown; name?: unknown; roles?: unknown };
  if (typeof sub !== "string" || typeof name !== "string" || !Array.isArray(roles))
    return undefined;
  if (!roles.every((r) => typeof r === "string")) return undefined;
  return { id: sub, name, roles: Object.freeze([...(roles as string[])]) };
}

/** jose's error → the refusal it means. */
function refusalOf(err: unknown): C {
  if (err instanceof KeyError) return err.refusal;
  const e = err as { code?: unknown; claim?: unknown };
  switch (e.code) {
    case "ERR_JWT_EXPIRED":
      return C.tokenExpired;
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return C.tokenSignatureInvalid;
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
      return C.tokenAlgorithmRefused;
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      switch (e.claim) {
        case "nbf":
          return C.tokenNotYetValid;
        case "aud":
          return C.tokenAudienceInvalid;
        case "iss":
          return C.tokenIssuerInvalid;
        case "typ":
          return C.tokenTypeInvalid;
        default:
          return C.tokenMalformed;
      }
    default:
      return C.tokenMalformed;
  }
}
