/**
 * The keys tokens are signed and verified with, each named by a `kid`:
 *
 * - **From the app secret** (the default): an HMAC-SHA256 key derived with HKDF from
 *   `VANGO_SECRET` (RFC 5869; salt and info name this use, so the CSRF key and this one
 *   never coincide). Every instance sharing the secret derives the same key and `kid`.
 * - **Key pairs** (`VANGO_JWT_KEYS`, a JWK Set): Ed25519 (`EdDSA`), RSA (`RS256`) or
 *   P-256 (`ES256`). The key named by `VANGO_JWT_KID` (default: the first private key)
 *   signs; every key in the set verifies, so rotation is: add the new pair, deploy,
 *   make it the signing key, deploy, drop the old one after the refresh lifetime. The
 *   public halves are served as a JWKS for other services.
 *
 * Verification accepts only the algorithm each key is for: a token's `alg` must be its
 * key's (never `none`, never HS256 against a public key).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { ConfigError } from "../server/core/errors.ts";

export type SigningAlgorithm = "HS256" | "EdDSA" | "RS256" | "ES256";

/** One key of a ring. */
interface RingKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly verify: KeyObject | Uint8Array;
  /** Public JWK for the JWKS (asymmetric keys only). */
  readonly jwk: JsonWebKey | undefined;
}

/** Why a token's header names no usable key. */
export type KeyRefusal = "kid" | "alg";

/** A public JWK as served at the JWKS endpoint. */
export interface PublicJwk extends JsonWebKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly use: "sig";
}

export class KeyRing {
  /** `kid` of the signing key. */
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly signKey: KeyObject | Uint8Array;
  /** Algorithms any key of the ring verifies (jose's `algorithms` allow-list). */
  readonly algorithms: readonly SigningAlgorithm[];
  readonly #keys: ReadonlyMap<string, RingKey>;

  private constructor(kid: string, signKey: KeyObject | Uint8Array, keys: RingKey[]) {
    this.#keys = new Map(keys.map((k) => [k.kid, k]));
    const signer = this.#keys.get(kid)!;
    this.kid = kid;
    this.alg = signer.alg;
    this.signKey = signKey;
    this.algorithms = [...new Set(keys.map((k) => k.alg))];
  }

  /**
   * The HMAC key derived from the app secret (at least 16 bytes).
   * @example const ring = KeyRing.fromSecret(process.env.VANGO_SECRET!);
   */
  static fromSecret(secret: string | Uint8Array): KeyRing {
    const ikm = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
    if (ikm.length < 16) throw new ConfigError("auth.secret", "must be at least 16 bytes");
    const key = new Uint8Array(hkdfSync("sha256", ikm, "vango-auth", "jwt-hs256", 32));
    // Names the key without revealing it: a new secret is a new kid.
    const kid = `hs-${createHash("sha256").update(key).digest("base64url").slice(0, 12)}`;
    return new KeyRing(kid, key, [{ kid, alg: "HS256", verify: key, jwk: undefined }]);
  }

  /**
   * Key pairs from a JWK Set: `signingKid` (default: the first private key) signs, all
   * verify.
   * @example const ring = KeyRing.fromJwks(JSON.parse(process.env.VANGO_JWT_KEYS!), "2026-11");
   */
  static fromJwks(set: unknown, signingKid?: string, option = "auth.keys"): KeyRing {
    const list = (set as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list) || list.length === 0) {
      throw new ConfigError(option, 'must be a JWK Set: { "keys": [ … ] }');
    }
    const keys: RingKey[] = [];
    let signer: { kid: string; key: KeyObject } | undefined;
    for (const raw of list as JsonWebKey[]) {
      const kid = (raw as { kid?: unknown }).kid;
      if (typeof kid !== "string" || kid === "")
        throw new ConfigError(option, "every key needs a kid");
      if (keys.some((k) => k.kid === kid)) throw new ConfigError(option, `kid ${kid} twice`);
      const alg = algorithmOf(raw);
      if (alg === undefined) {
        throw new ConfigError(option, `${kid}: only Ed25519, RSA and P-256 keys are supported`);
      }
      let pub: KeyObject;
      let priv: KeyObject | undefined;
      try {
        if (raw.d !== undefined) {
          priv = createPrivateKey({ key: raw, format: "jwk" });
          pub = createPublicKey(priv);
        } else pub = createPublicKey({ key: raw, format: "jwk" });
      } catch (err) {
        throw new ConfigError(option, `${kid}: ${(err as Error).message}`);
      }
      if (alg === "RS256" && (pub.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
        throw new ConfigError(option, `${kid}: RSA keys need at least 2048 bits`);
      }
      const jwk = { ...pub.export({ format: "jwk" }), kid, alg, use: "sig" } as PublicJwk;
      keys.push({ kid, alg, verify: pub, jwk });
      if (
        priv !== undefined &&
        (signingKid === undefined ? signer === undefined : kid === signingKid)
      ) {
        signer = { kid, key: priv };
      }
    }
    if (signer === undefined) {
      throw new ConfigError(
        option,
        signingKid === undefined ? "no private key to sign with" : `no private key ${signingKid}`,
      );
    }
    return new KeyRing(signer.kid, signer.key, keys);
  }

  /** True for key pairs (their public halves can be published). */
  get asymmetric(): boolean {
    return this.alg !== "HS256";
  }

  /** The key for a token's header, or why there is none. */
  resolve(header: { readonly kid?: string; readonly alg?: string }): RingKey | KeyRefusal {
    const k = header.kid === undefined ? undefined : this.#keys.get(header.kid);
    if (k === undefined) return "kid";
    return header.alg === k.alg ? k : "alg";
  }

  /** The public JWK Set (empty for the secret-derived key, which must never be published). */
  jwks(): { keys: PublicJwk[] } {
    const keys: PublicJwk[] = [];
    for (const k of this.#keys.values()) if (k.jwk !== undefined) keys.push(k.jwk as PublicJwk);
    return { keys };
  }
}

function algorithmOf(jwk: JsonWebKey): SigningAlgorithm | undefined {
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  if (jwk.kty === "RSA") return "RS256";
  if (jwk.kty === "EC" && jwk.crv === "P-256") return "ES256";
  return undefined;
}

/**
 * The key ring `VANGO_JWT_KEYS` (a JWK Set, JSON) and `VANGO_JWT_KID` describe, or
 * `undefined` when `VANGO_JWT_KEYS` is unset (tokens are then signed with the key
 * derived from the app secret).
 * @example const auth = createAuth({ users, keys: keyRingFromEnv(process.env) });
 */
export function keyRingFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): KeyRing | undefined {
  const text = env.VANGO_JWT_KEYS;
  if (text === undefined || text.trim() === "") return undefined;
  let set: unknown;
  try {
    set = JSON.parse(text);
  } catch {
    throw new ConfigError("VANGO_JWT_KEYS", "is not JSON");
  }
  const kid = env.VANGO_JWT_KID;
  return KeyRing.fromJwks(set, kid === undefined || kid === "" ? undefined : kid, "VANGO_JWT_KEYS");
}
