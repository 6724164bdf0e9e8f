/**
 * Tokens on jose: every refusal has its own code (tampered signature, `alg: none`,
 * unknown `kid`, another key's algorithm, expired, not yet valid, wrong audience, wrong
 * issuer, another kind of token, garbage); the secret-derived key is the same on every
 * instance; key pairs rotate by `kid` and publish only their public halves.
 */
import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { AuthErrorCode as C } from "../../src/auth/errors.ts";
import { KeyRing, keyRingFromEnv } from "../../src/auth/keys.ts";
import { TokenService, TokenType } from "../../src/auth/tokens.ts";
import { ConfigError } from "../../src/server/core/errors.ts";

const SECRET = "0123456789abcdef-test-secret";
const user = { id: "u1", name: "ada", roles: ["admin"] };
const soon = () => Date.now() + 60_000;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

function forge(
  ring: KeyRing,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: "ada", roles: [], fam: "f1", fexp: 9999999999, ...claims })
    .setProtectedHeader({ alg: ring.alg, kid: ring.kid, typ: TokenType.Access, ...header })
    .setIssuer((claims.iss as string) ?? "vango")
    .setAudience((claims.aud as string) ?? "app")
    .setSubject("u1")
    .setJti("j1")
    .setIssuedAt(now)
    .setNotBefore((claims.nbf as number) ?? now)
    .setExpirationTime((claims.exp as number) ?? now + 60)
    .sign(ring.signKey);
}

function edJwk(kid: string) {
  const { privateKey } = generateKeyPairSync("ed25519");
  return { ...privateKey.export({ format: "jwk" }), kid };
}

describe("TokenService", () => {
  const ring = KeyRing.fromSecret(SECRET);
  const tokens = new TokenService(ring, "vango", "app");

  it("verifies what it signs, on any instance that derives the key from the same secret", async () => {
    const { token } = await tokens.signAccess(user, "f1", soon(), soon());
    const other = new TokenService(KeyRing.fromSecret(SECRET), "vango", "app");
    const v = await other.verifyAccess(token);
    expect(v).toMatchObject({ ok: true, claims: { sub: "u1", fam: "f1", user } });
    const stranger = new TokenService(KeyRing.fromSecret(`${SECRET}-other`), "vango", "app");
    expect(await stranger.verifyAccess(token)).toEqual({ ok: false, code: C.tokenKidUnknown });
  });

  it("refuses each bad token with its own code", async () => {
    const { token } = await tokens.signAccess(user, "f1", soon(), soon());
    const [h, p, s] = token.split(".") as [string, string, string];
    const tamperedPayload = `${h}.${b64({ ...JSON.parse(Buffer.from(p, "base64url").toString()), roles: ["root"] })}.${s}`;
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`;
    const none = `${b64({ alg: "none", kid: ring.kid, typ: TokenType.Access })}.${p}.`;
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string | Promise<string>, C][] = [
      ["tampered payload", tamperedPayload, C.tokenSignatureInvalid],
      ["tampered signature", flipped, C.tokenSignatureInvalid],
      ["alg none", none, C.tokenAlgorithmRefused],
      ["unknown kid", forge(ring, {}, { kid: "nope" }), C.tokenKidUnknown],
      ["no kid", forge(ring, {}, { kid: undefined }), C.tokenKidUnknown],
      ["expired", forge(ring, { exp: now - 60 }), C.tokenExpired],
      ["not yet valid", forge(ring, { nbf: now + 600, exp: now + 900 }), C.tokenNotYetValid],
      ["wrong audience", forge(ring, { aud: "other-app" }), C.tokenAudienceInvalid],
      ["wrong issuer", forge(ring, { iss: "evil" }), C.tokenIssuerInvalid],
      ["refresh as access", tokens.signRefresh("u1", "f1", "j", soon()), C.tokenTypeInvalid],
      ["garbage", "not.a.token", C.tokenMalformed],
      ["two parts", "abc.def", C.tokenMalformed],
      ["huge", `${"a".repeat(5000)}.b.c`, C.tokenMalformed],
    ];
    for (const [name, t, code] of cases) {
      expect([name, await tokens.verifyAccess(await t)]).toEqual([name, { ok: false, code }]);
    }
    // The untouched original still verifies (the cache is keyed by the exact string).
    expect((await tokens.verifyAccess(token)).ok).toBe(true);
  });

  it("keeps the kinds apart: access, refresh and grant tokens only verify as themselves", async () => {
    const rt = await tokens.signRefresh("u1", "f1", "j1", soon());
    const gt = await tokens.signGrant(user, "sidhash", "/account", soon());
    const { token: at } = await tokens.signAccess(user, "f1", soon(), soon());
    expect(await tokens.verifyRefresh(rt)).toMatchObject({
      ok: true,
      claims: { fam: "f1", jti: "j1" },
    });
    expect(await tokens.verifyGrant(gt)).toMatchObject({
      ok: true,
      claims: { user, sid: "sidhash", next: "/account" },
    });
    expect(await tokens.verifyRefresh(at)).toEqual({ ok: false, code: C.tokenTypeInvalid });
    expect(await tokens.verifyGrant(rt)).toEqual({ ok: false, code: C.tokenTypeInvalid });
    expect(await tokens.verifyAccess(gt)).toEqual({ ok: false, code: C.tokenTypeInvalid });
  });

  it("remembers verified access tokens until they expire (sync lookups for userOf)", async () => {
    const { token } = await tokens.signAccess(user, "f1", Date.now() + 3_000, soon());
    const fresh = new TokenService(ring, "vango", "app");
    expect(fresh.cached(token, Date.now())).toBeUndefined();
    await fresh.verifyAccess(token);
    expect(fresh.cached(token, Date.now())?.sub).toBe("u1");
    expect(fresh.cached(token, Date.now() + 10_000)).toBeUndefined();
  });
});

describe("key pairs", () => {
  it("sign with the chosen kid, verify with every key of the set, publish public halves", async () => {
    const a = edJwk("2026-10");
    const b = edJwk("2026-11");
    const { privateKey: rsa } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const r = { ...rsa.export({ format: "jwk" }), kid: "rsa-1" };
    const old = new TokenService(KeyRing.fromJwks({ keys: [a, b, r] }), "vango", "app");
    const rotated = new TokenService(
      KeyRing.fromJwks({ keys: [a, b, r] }, "2026-11"),
      "vango",
      "app",
    );
    const rsaRing = new TokenService(KeyRing.fromJwks({ keys: [r, a] }), "vango", "app");
    expect([old.ring.kid, old.ring.alg, rotated.ring.kid, rsaRing.ring.alg]).toEqual([
      "2026-10",
      "EdDSA",
      "2026-11",
      "RS256",
    ]);
    const byOld = (await old.signAccess(user, "f", soon(), soon())).token;
    const byNew = (await rotated.signAccess(user, "f", soon(), soon())).token;
    const byRsa = (await rsaRing.signAccess(user, "f", soon(), soon())).token;
    for (const t of [byOld, byNew, byRsa]) expect((await rotated.verifyAccess(t)).ok).toBe(true);
    // After the old key is dropped from the set, its tokens no longer verify.
    const dropped = new TokenService(KeyRing.fromJwks({ keys: [b] }), "vango", "app");
    expect(await dropped.verifyAccess(byOld)).toEqual({ ok: false, code: C.tokenKidUnknown });
    const jwks = rotated.ring.jwks();
    expect(jwks.keys.map((k) => [k.kid, k.alg, k.use])).toEqual([
      ["2026-10", "EdDSA", "sig"],
      ["2026-11", "EdDSA", "sig"],
      ["rsa-1", "RS256", "sig"],
    ]);
    for (const k of jwks.keys) expect(k).not.toHaveProperty("d");
    expect(KeyRing.fromSecret(SECRET).jwks()).toEqual({ keys: [] });
  });

  it("refuse an HS256 token that names a public key's kid (algorithm confusion)", async () => {
    const a = edJwk("ed");
    const ring = KeyRing.fromJwks({ keys: [a] });
    const tokens = new TokenService(ring, "vango", "app");
    const pub = ring.jwks().keys[0]!;
    const confused = await new SignJWT({ name: "x", roles: [], fam: "f", fexp: 9999999999 })
      .setProtectedHeader({ alg: "HS256", kid: "ed", typ: TokenType.Access })
      .setSubject("u1")
      .setJti("j")
      .setIssuer("vango")
      .setAudience("app")
      .setIssuedAt()
      .setNotBefore("0s")
      .setExpirationTime("1m")
      .sign(new TextEncoder().encode(JSON.stringify(pub)));
    expect(await tokens.verifyAccess(confused)).toEqual({
      ok: false,
      code: C.tokenAlgorithmRefused,
    });
  });

  it("come from VANGO_JWT_KEYS / VANGO_JWT_KID; bad sets are ConfigErrors", () => {
    const a = edJwk("k1");
    expect(keyRingFromEnv({})).toBeUndefined();
    expect(keyRingFromEnv({ VANGO_JWT_KEYS: JSON.stringify({ keys: [a] }) })?.kid).toBe("k1");
    const bad = [
      "not json",
      JSON.stringify({ keys: [] }),
      JSON.stringify({ keys: [{ ...a, kid: undefined }] }),
      JSON.stringify({ keys: [{ kty: "oct", k: "abc", kid: "x" }] }),
      JSON.stringify({ keys: [ringPublic(a)] }),
    ];
    for (const text of bad) {
      expect(() => keyRingFromEnv({ VANGO_JWT_KEYS: text })).toThrow(ConfigError);
    }
    expect(() =>
      keyRingFromEnv({ VANGO_JWT_KEYS: JSON.stringify({ keys: [a] }), VANGO_JWT_KID: "k2" }),
    ).toThrow(/no private key k2/);
    expect(() => KeyRing.fromSecret("short")).toThrow(ConfigError);
  });
});

function ringPublic(jwk: Record<string, unknown>) {
  const { d: _d, ...pub } = jwk;
  return pub;
}
