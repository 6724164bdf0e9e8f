/**
 * Auth over HTTP, as a browser without JavaScript sees it: login (cookies and their
 * flags, 303 to a safe `next`), failures (422, the same for unknown names), brute force
 * (429 + Retry-After, short lockout, successes not counted), guards (302 to login, 401
 * for non-HTML callers, 404 without the role), every refused token answered the same
 * way while counted by its own code, refresh rotation and reuse detection, logout, the
 * JWKS endpoint, and audit rows with request ids.
 */
import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyRing } from "../../src/auth/keys.ts";
import { TokenService, TokenType } from "../../src/auth/tokens.ts";
import { tracingHttpMiddleware } from "../../src/observability/tracing/http-tracing.ts";
import { registerTestSdk } from "../observability/tracing/tracing-sdk.ts";
import { type AuthApp, formLogin, Jar, SECRET, startAuthApp } from "./fixtures.tsx";

const AT = "__Host-vango_at";
const RT = "__Host-vango_rt";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function metric(a: AuthApp, name: string): Promise<string> {
  const text = await a.app.metrics!.metrics();
  return text
    .split("\n")
    .filter((l) => l.startsWith(name))
    .join("\n");
}

describe("login without JavaScript", () => {
  let a: AuthApp;
  beforeAll(async () => {
    a = await startAuthApp({ auth: { loginLimits: { perUser: { limit: 3, windowMs: 1_500 } } } });
  });
  afterAll(() => a.close());

  it("signs in with a 303 to next, HttpOnly Secure SameSite=Lax __Host- cookies, and the page shows the user", async () => {
    const jar = new Jar();
    const res = await formLogin(a, jar, "ada", "correct horse", "/account?tab=2");
    expect([res.status, res.headers.get("location")]).toEqual([303, "/account?tab=2"]);
    const set = res.headers.getSetCookie();
    const at = set.find((c) => c.startsWith(`${AT}=`))!;
    const rt = set.find((c) => c.startsWith(`${RT}=`))!;
    expect(at).toMatch(/; Path=\/; Max-Age=(899|900); HttpOnly; Secure; SameSite=Lax$/);
    expect(rt).toMatch(/; Path=\/; Max-Age=604800; HttpOnly; Secure; SameSite=Lax$/);
    const page = await jar.page(a.base, "/account");
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<h1 [^>]*class="account"[^>]*>ada<\/h1>/);
    expect(page.html).toMatch(/<span [^>]*class="who"[^>]*>ada<\/span>/);
    await a.audit.flush();
    const row = a.sink.rows.find((r) => r.action === "login.success")!;
    expect(row).toMatchObject({ target: "u-ada", userId: "u-ada", ip: "127.0.0.1" });
    expect(row.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(row.metadata!)).toEqual({ via: "form", refreshable: true });
  });

  it("without next (or with an unsafe one) lands on paths.afterLogin", async () => {
    for (const next of [
      undefined,
      "//evil.example/x",
      "https://evil.example",
      "/\\evil.example",
      "javascript:alert(1)",
    ]) {
      const jar = new Jar();
      const res = await formLogin(a, jar, "ada", "correct horse", next);
      expect([next, res.status, res.headers.get("location")]).toEqual([next, 303, "/"]);
    }
  });

  it("a refused login is 422 with the form again — the same for a wrong password and an unknown name", async () => {
    const answers: unknown[] = [];
    for (const [name, pw] of [
      ["ada", "wrong"],
      ["nobody", "wrong"],
    ] as const) {
      const jar = new Jar();
      const res = await formLogin(a, jar, name, pw);
      const html = await res.text();
      answers.push([res.status, /<p [^>]*class="error"[^>]*>([^<]*)</.exec(html)?.[1]]);
      expect(jar.get(AT)).toBeUndefined();
    }
    expect(answers).toEqual([
      [422, "credentials"],
      [422, "credentials"],
    ]);
    await a.audit.flush();
    const failures = a.sink.rows.filter((r) => r.action === "login.failure");
    expect(failures.map((r) => [r.target, JSON.parse(r.metadata!).reason])).toEqual([
      ["ada", "credentials"],
      ["nobody", "credentials"],
    ]);
  });

  it("brute force is refused with 429 and Retry-After; the lockout is short and successes do not count", async () => {
    const jar = new Jar();
    // Three logins that succeed do not use up the budget of three.
    for (let i = 0; i < 3; i++)
      expect((await formLogin(a, new Jar(), "root", "root-password")).status).toBe(303);
    const statuses: number[] = [];
    let retry: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await formLogin(a, jar, "root", `guess-${i}`);
      statuses.push(res.status);
      if (res.status === 429) {
        retry = res.headers.get("retry-after");
        expect(res.headers.get("x-vango-error")).toBe("rate_limited");
      }
    }
    expect(statuses).toEqual([422, 422, 422, 429, 429]);
    expect(Number(retry)).toBeGreaterThanOrEqual(1);
    // Locked: even the right password waits.
    expect((await formLogin(a, new Jar(), "root", "root-password")).status).toBe(429);
    await sleep(Number(retry) * 1000 + 100);
    expect((await formLogin(a, new Jar(), "ROOT", "root-password")).status).toBe(303);
    expect(await metric(a, "vango_auth_logins_total")).toMatch(/outcome="throttled"} [3-9]/);
  });
});

describe("the per-address login budget over HTTP", () => {
  it("refuses a burst of failures from one address whatever the user names, with 429 and Retry-After", async () => {
    const a = await startAuthApp({
      auth: { loginLimits: { perIp: { limit: 3, windowMs: 60_000 } } },
    });
    try {
      const answers: [number, string | null][] = [];
      for (const name of ["ada", "root", "nobody", "someone", "ada"]) {
        const res = await formLogin(a, new Jar(), name, "wrong");
        answers.push([res.status, res.headers.get("x-vango-error")]);
        if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      }
      expect(answers).toEqual([
        [422, null],
        [422, null],
        [422, null],
        [429, "rate_limited"],
        [429, "rate_limited"],
      ]);
      // The right password from that address waits too (the budget is the address's).
      expect((await formLogin(a, new Jar(), "root", "root-password")).status).toBe(429);
      await a.audit.flush();
      const throttled = a.sink.rows.filter(
        (r) => r.action === "login.failure" && JSON.parse(r.metadata!).reason === "throttled",
      );
      expect(throttled.map((r) => r.target)).toEqual(["someone", "ada", "root"]);
    } finally {
      await a.close();
    }
  });
});

describe("guards over HTTP", () => {
  let a: AuthApp;
  beforeAll(async () => {
    a = await startAuthApp();
  });
  afterAll(() => a.close());

  it("anonymous: 302 to login with next for pages, 303 after a POST, 401 for non-HTML callers", async () => {
    const jar = new Jar();
    const get = await jar.fetch(`${a.base}/account?tab=2`, { headers: { accept: "text/html" } });
    expect([get.status, get.headers.get("location")]).toEqual([
      302,
      "/login?next=%2Faccount%3Ftab%3D2",
    ]);
    const mine = await jar.fetch(`${a.base}/mine`, { headers: { accept: "text/html" } });
    expect([mine.status, mine.headers.get("location")]).toEqual([302, "/login?next=%2Fmine"]);
    const api = await jar.fetch(`${a.base}/account`, { headers: { accept: "application/json" } });
    expect([api.status, api.headers.get("x-vango-error")]).toEqual([401, "unauthorized"]);
    const p = await jar.page(a.base, "/");
    const post = await jar.post(a.base, "/account/notes", p.csrf, { text: "x" });
    expect([post.status, post.headers.get("location")]).toEqual([
      303,
      "/login?next=%2Faccount%2Fnotes",
    ]);
    await a.audit.flush();
    const refusals = a.sink.rows.filter((r) => r.action === "guard.refused");
    expect(refusals.map((r) => [r.target, JSON.parse(r.metadata!).via])).toEqual([
      ["/account", "http"],
      ["/mine", "page"],
      ["/account", "http"],
      ["/account/notes", "http"],
    ]);
  });

  it("signed in without the role: the not-found page (404); with it: the page", async () => {
    const ada = new Jar();
    await formLogin(a, ada, "ada", "correct horse");
    const res = await ada.fetch(`${a.base}/admin`, { headers: { accept: "text/html" } });
    expect([res.status, (await res.text()).includes("Nothing here")]).toEqual([404, true]);
    const root = new Jar();
    await formLogin(a, root, "root", "root-password");
    const ok = await root.fetch(`${a.base}/admin`, { headers: { accept: "text/html" } });
    expect([ok.status, (await ok.text()).includes("Admin")]).toEqual([200, true]);
  });

  it("requireUser({ roles }): anonymous to login, without the role the not-found page, with it the page", async () => {
    const anon = await new Jar().fetch(`${a.base}/staff?x=1`, { headers: { accept: "text/html" } });
    expect([anon.status, anon.headers.get("location")]).toEqual([
      302,
      "/login?next=%2Fstaff%3Fx%3D1",
    ]);
    const ada = new Jar();
    await formLogin(a, ada, "ada", "correct horse");
    const refused = await ada.fetch(`${a.base}/staff`, { headers: { accept: "text/html" } });
    const html = await refused.text();
    expect([refused.status, html.includes("Nothing here"), html.includes("staff:")]).toEqual([
      404,
      true,
      false,
    ]);
    const root = new Jar();
    await formLogin(a, root, "root", "root-password");
    expect((await root.page(a.base, "/staff")).html).toMatch(/class="staff"[^>]*>staff: root</);
    await a.audit.flush();
    const rows = a.sink.rows.filter((r) => r.action === "guard.refused" && r.target === "/staff");
    expect(rows.map((r) => [r.userId, JSON.parse(r.metadata!)])).toEqual([
      [null, { reason: "anonymous", via: "page", roles: ["admin"] }],
      ["u-ada", { reason: "role", via: "page", roles: ["admin"] }],
    ]);
  });

  it("audit() from an HTTP middleware records the request's id, user and address", async () => {
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const page = await jar.page(a.base, "/audited");
    expect(page.status).toBe(200);
    await a.audit.flush();
    const row = a.sink.rows.find((r) => r.action === "mw.http")!;
    expect(row).toMatchObject({
      target: "/audited",
      userId: "u-ada",
      ip: "127.0.0.1",
      requestId: page.headers.get("x-request-id"),
    });
  });

  it("audit() from an action records the POST's request id and the user", async () => {
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const p = await jar.page(a.base, "/account/notes");
    const res = await jar.post(a.base, "/account/notes", p.csrf, { text: "hello" });
    expect(res.status).toBe(303);
    await a.audit.flush();
    const row = a.sink.rows.find((r) => r.action === "note.add")!;
    expect(row).toMatchObject({
      target: "hello",
      userId: "u-ada",
      requestId: res.headers.get("x-request-id"),
    });
  });
});

describe("refused tokens", () => {
  let a: AuthApp;
  beforeAll(async () => {
    a = await startAuthApp();
  });
  afterAll(() => a.close());

  it("every refusal has its own code inside, and the same answer outside", async () => {
    const ring = KeyRing.fromSecret(SECRET);
    const other = KeyRing.fromSecret(`${SECRET}-other`);
    const now = Math.floor(Date.now() / 1000);
    const forge = (
      claims: Record<string, unknown>,
      header: Record<string, unknown> = {},
      key = ring,
      typ: string = TokenType.Access,
    ) =>
      new SignJWT({ name: "root", roles: ["admin"], fam: "f-forged", fexp: now + 3600, ...claims })
        .setProtectedHeader({ alg: "HS256", kid: key.kid, typ, ...header })
        .setIssuer((claims.iss as string) ?? "vango")
        .setAudience((claims.aud as string) ?? "vango-app")
        .setSubject("u-root")
        .setJti("j")
        .setIssuedAt(now)
        .setNotBefore((claims.nbf as number) ?? now)
        .setExpirationTime((claims.exp as number) ?? now + 600)
        .sign(key.signKey);
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const real = jar.get(AT)!;
    const [h, p, s] = real.split(".");
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const cases: [string, string][] = [
      ["token_signature_invalid", `${h}.${b64({ ...payload, roles: ["admin"] })}.${s}`],
      ["token_algorithm_refused", `${b64({ alg: "none", typ: "at+jwt", kid: ring.kid })}.${p}.`],
      ["token_kid_unknown", await forge({}, {}, other)],
      ["token_expired", await forge({ exp: now - 120 })],
      ["token_not_yet_valid", await forge({ nbf: now + 600, exp: now + 900 })],
      ["token_audience_invalid", await forge({ aud: "another-app" })],
      ["token_issuer_invalid", await forge({ iss: "someone" })],
      ["token_type_invalid", await forge({}, {}, ring, TokenType.Refresh)],
      ["token_malformed", "garbage"],
    ];
    const outward: string[] = [];
    for (const [, token] of cases) {
      const res = await fetch(`${a.base}/account`, {
        redirect: "manual",
        headers: { cookie: `${AT}=${token}`, accept: "text/html" },
      });
      const cleared = res.headers
        .getSetCookie()
        .some((c) => c.startsWith(`${AT}=;`) && c.includes("Max-Age=0"));
      outward.push(`${res.status} ${res.headers.get("location")} ${cleared} ${await res.text()}`);
    }
    expect(new Set(outward)).toEqual(new Set(["302 /login?next=%2Faccount true "]));
    const text = await metric(a, "vango_auth_refusals_total");
    for (const [code] of cases)
      expect(text).toContain(`vango_auth_refusals_total{reason="${code}"} 1`);
  });
});

describe("refresh rotation, reuse detection and logout", () => {
  // Longer than a stall of the machine between the rotation and the racing request.
  const GRACE_MS = 600;
  let a: AuthApp;
  beforeAll(async () => {
    a = await startAuthApp({ auth: { refreshGraceMs: GRACE_MS } });
  });
  afterAll(() => a.close());

  it("an expired access token is refreshed on the next page request: new cookies, same sign-in", async () => {
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const rt1 = jar.get(RT)!;
    jar.delete(AT); // the browser dropped it at its Max-Age
    const page = await jar.page(a.base, "/account");
    expect(page.status).toBe(200);
    expect(page.html).toContain(">ada<");
    const rt2 = jar.get(RT)!;
    expect(jar.get(AT)).toBeDefined();
    expect(rt2).not.toBe(rt1);
    // Within the grace window the previous token is answered with the current one.
    const racing = new Jar();
    racing.set(RT, rt1);
    expect((await racing.page(a.base, "/account")).status).toBe(200);
    expect(racing.get(RT)).not.toBe(rt1);
  });

  it("a rotated refresh token used again revokes its sign-in: every token of it is refused", async () => {
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const stolen = jar.get(RT)!;
    jar.delete(AT);
    await jar.page(a.base, "/account"); // the owner refreshes
    const owner = { at: jar.get(AT)!, rt: jar.get(RT)! };
    await sleep(GRACE_MS + 100); // past the grace window
    const thief = new Jar();
    thief.set(RT, stolen);
    const res = await thief.fetch(`${a.base}/account`, { headers: { accept: "text/html" } });
    expect([res.status, res.headers.get("location")]).toEqual([302, "/login?next=%2Faccount"]);
    // The owner's newer tokens die with the family (the access token too, at once).
    const after = new Jar();
    after.set(AT, owner.at);
    after.set(RT, owner.rt);
    expect(
      (await after.fetch(`${a.base}/account`, { headers: { accept: "text/html" } })).status,
    ).toBe(302);
    await a.audit.flush();
    expect(a.sink.actions()).toContain("refresh.reuse");
    expect(await metric(a, "vango_auth_refusals_total")).toMatch(/reason="refresh_reused"} 1/);
  });

  it("a refresh token of a sign-in the store does not know is refused (refresh_unknown) and cleared", async () => {
    // Validly signed, for a family this app's store never created (another store's, or expired).
    const tokens = new TokenService(KeyRing.fromSecret(SECRET), "vango", "vango-app");
    const jar = new Jar();
    jar.set(RT, await tokens.signRefresh("u-ada", "fam-unknown", "j1", Date.now() + 60_000));
    const res = await jar.fetch(`${a.base}/account`, { headers: { accept: "text/html" } });
    expect([res.status, res.headers.get("location")]).toEqual([302, "/login?next=%2Faccount"]);
    expect([jar.get(AT), jar.get(RT)]).toEqual([undefined, undefined]);
    expect(await metric(a, "vango_auth_refusals_total")).toMatch(/reason="refresh_unknown"} 1/);
  });

  it("logout revokes both tokens and clears them; replaying them afterwards is refused", async () => {
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const kept = { at: jar.get(AT)!, rt: jar.get(RT)! };
    const p = await jar.page(a.base, "/account");
    const res = await jar.post(a.base, "/logout", p.csrf, {});
    expect([res.status, res.headers.get("location")]).toEqual([303, "/"]);
    expect([jar.get(AT), jar.get(RT)]).toEqual([undefined, undefined]);
    for (const cookie of [`${AT}=${kept.at}`, `${RT}=${kept.rt}`]) {
      const r = await fetch(`${a.base}/account`, {
        redirect: "manual",
        headers: { cookie, accept: "text/html" },
      });
      expect(r.status).toBe(302);
    }
    await a.audit.flush();
    expect(a.sink.actions()).toEqual(expect.arrayContaining(["logout", "auth.revoke"]));
  });
});

describe("key pairs", () => {
  it("serve the public keys as a JWKS; the secret-derived key is never published", async () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const keys = KeyRing.fromJwks({
      keys: [{ ...privateKey.export({ format: "jwk" }), kid: "k1" }],
    });
    const a = await startAuthApp({ auth: { keys } });
    try {
      const res = await fetch(`${a.base}/.well-known/jwks.json`);
      expect(res.headers.get("content-type")).toBe("application/jwk-set+json");
      const body = (await res.json()) as { keys: { kid: string; d?: string }[] };
      expect(body.keys.map((k) => [k.kid, "d" in k])).toEqual([["k1", false]]);
      const jar = new Jar();
      expect((await formLogin(a, jar, "ada", "correct horse")).status).toBe(303);
      expect(
        JSON.parse(Buffer.from(jar.get(AT)!.split(".")[0]!, "base64url").toString()),
      ).toMatchObject({
        alg: "EdDSA",
        kid: "k1",
      });
    } finally {
      await a.close();
    }
    const hs = await startAuthApp();
    try {
      expect((await fetch(`${hs.base}/.well-known/jwks.json`)).status).toBe(404);
    } finally {
      await hs.close();
    }
  });
});

describe("audit rows and tracing", () => {
  it("trace_id is the active OpenTelemetry span's: the login request's trace", async () => {
    const sdk = registerTestSdk();
    const a = await startAuthApp({ app: { httpMiddleware: [tracingHttpMiddleware()] } });
    try {
      const res = await formLogin(a, new Jar(), "ada", "correct horse");
      const traceId = /^00-([0-9a-f]{32})-/.exec(res.headers.get("traceparent") ?? "")?.[1];
      expect(traceId).toBeDefined();
      await a.audit.flush();
      const row = a.sink.rows.find((r) => r.action === "login.success")!;
      expect(row.traceId).toBe(traceId);
    } finally {
      await a.close();
      await sdk.stop();
    }
    // Without an SDK there is no active span: no trace id.
    const b = await startAuthApp();
    try {
      await formLogin(b, new Jar(), "ada", "correct horse");
      await b.audit.flush();
      expect(b.sink.rows.find((r) => r.action === "login.success")!.traceId).toBeNull();
    } finally {
      await b.close();
    }
  });
});
