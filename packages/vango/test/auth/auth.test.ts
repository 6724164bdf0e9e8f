import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
/**
 * createAuth's options and its small API: refused settings, wiring once and never over
 * an app's own userOf, a warning without a secret, auth.verify() for tokens from
 * elsewhere, revokeUser() signing a user out everywhere, userOf answered synchronously
 * for tokens this instance verified (WebSocket upgrades), the per-user socket cap.
 */
import { describe, expect, it } from "vitest";
import { createAuth } from "../../src/auth/auth.ts";
import { AuthError } from "../../src/auth/errors.ts";
import { ConfigError } from "../../src/server/core/errors.ts";
import { captureLogger, TestSocket } from "../server/helpers.ts";
import { formLogin, Jar, routes, startAuthApp, usersForTests } from "./fixtures.tsx";

describe("createAuth options", () => {
  it("refuses nonsensical lifetimes and paths", async () => {
    const users = await usersForTests();
    const refused = (o: object) => {
      try {
        createAuth({ users, ...o });
        return undefined;
      } catch (e) {
        return (e as ConfigError).option;
      }
    };
    expect(refused({ accessTtlMs: 10 })).toBe("auth.accessTtlMs");
    expect(refused({ accessTtlMs: 60_000, refreshTtlMs: 1_000 })).toBe("auth.accessTtlMs");
    expect(refused({ refreshGraceMs: -1 })).toBe("auth.refreshGraceMs");
    expect(refused({ paths: { login: "login" } })).toBe("auth.paths.login");
    expect(refused({ paths: { grant: "//x" } })).toBe("auth.paths.grant");
  });

  it("wires once, never over an app's own userOf, and warns without a secret", async () => {
    const auth = createAuth({ users: await usersForTests() });
    expect(() => auth.wire({ routes, userOf: () => "x" })).toThrow(ConfigError);
    const logger = captureLogger();
    // No secret anywhere: no VANGO_SECRET, and no state dir to keep a generated one in.
    const env = process.env.VANGO_SECRET;
    delete process.env.VANGO_SECRET;
    try {
      const options = auth.wire({ routes, logger, persistence: false });
      expect(options.userOf).toBe(auth.userOf);
      expect(options.httpMiddleware).toEqual([auth.http]);
      expect(options.eventMiddleware).toEqual([auth.event]);
      expect(options.secret).toBeUndefined();
      expect(
        logger.entries.map((e) => (e.obj as { config_warning?: string }).config_warning),
      ).toContain("auth_secret_missing");
    } finally {
      if (env !== undefined) process.env.VANGO_SECRET = env;
    }
    expect(() => auth.wire({ routes })).toThrow(/wired into an app already/);
    await auth.close();
  });

  it("signs with the app's secret: the one generated in the state dir when none is set", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vango-auth-secret-"));
    const env = process.env.VANGO_SECRET;
    delete process.env.VANGO_SECRET;
    try {
      const logger = captureLogger();
      const a = createAuth({ users: await usersForTests() });
      const options = a.wire({ routes, logger, persistence: { dir } });
      // Handed on, so createApp's CSRF and resume tokens use the same one.
      expect(options.secret).toBe(readFileSync(join(dir, "secret"), "utf8").trim());
      expect(logger.entries.map((e) => e.obj)).not.toContainEqual(
        expect.objectContaining({ config_warning: "auth_secret_missing" }),
      );
      // A restarted process reads the same secret: tokens it issued still verify.
      const b = createAuth({ users: await usersForTests() });
      expect(b.wire({ routes, logger, persistence: { dir } }).secret).toBe(options.secret);
      await a.close();
      await b.close();
    } finally {
      if (env !== undefined) process.env.VANGO_SECRET = env;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Auth API", () => {
  it("verify() returns the user of a valid access token and throws coded refusals", async () => {
    const a = await startAuthApp();
    try {
      const jar = new Jar();
      await formLogin(a, jar, "ada", "correct horse");
      const token = jar.get("__Host-vango_at")!;
      expect(await a.auth.verify(token)).toEqual({ id: "u-ada", name: "ada", roles: ["user"] });
      await expect(a.auth.verify(`${token}x`)).rejects.toMatchObject({
        code: "token_signature_invalid",
      });
      await expect(a.auth.verify("nope")).rejects.toBeInstanceOf(AuthError);
      const p = await jar.page(a.base, "/account");
      await jar.post(a.base, "/logout", p.csrf, {});
      await expect(a.auth.verify(token)).rejects.toMatchObject({
        code: "token_revoked",
        status: 401,
      });
    } finally {
      await a.close();
    }
  });

  it("revokeUser() ends every sign-in of a user, open pages included", async () => {
    const a = await startAuthApp({ app: { devMode: true } });
    try {
      const jars = [new Jar(), new Jar()];
      for (const j of jars) await formLogin(a, j, "ada", "correct horse");
      const other = new Jar();
      await formLogin(a, other, "root", "root-password");
      const page = await jars[0]!.page(a.base, "/account");
      const socket = await TestSocket.open(a.port, jars[0]!.header());
      await socket.attach(page);
      socket.event(0, { type: 12, path: "/account?x=1", replace: true });
      await socket.next();
      expect(await a.auth.revokeUser("u-ada")).toBe(2);
      expect(await socket.next()).toMatchObject({ code: "auth_expired" });
      socket.close();
      for (const j of jars) {
        expect(
          (await j.fetch(`${a.base}/account`, { headers: { accept: "text/html" } })).status,
        ).toBe(302);
      }
      expect(
        (await other.fetch(`${a.base}/account`, { headers: { accept: "text/html" } })).status,
      ).toBe(200);
      await a.audit.flush();
      expect(a.sink.rows.some((r) => r.action === "auth.revoke" && r.target === "u-ada")).toBe(
        true,
      );
    } finally {
      await a.close();
    }
  });

  it("userOf names the user at WebSocket upgrade, so the per-user socket cap applies", async () => {
    const a = await startAuthApp({ app: { devMode: true, connectionLimits: { perUser: 1 } } });
    try {
      const jar = new Jar();
      await formLogin(a, jar, "ada", "correct horse");
      await jar.page(a.base, "/account");
      const first = await TestSocket.open(a.port, jar.header());
      await expect(TestSocket.open(a.port, jar.header())).rejects.toMatchObject({ status: 429 });
      // An anonymous visitor is not capped per user.
      const anon = new Jar();
      await anon.page(a.base, "/");
      const s1 = await TestSocket.open(a.port, anon.header());
      const s2 = await TestSocket.open(a.port, anon.header());
      for (const s of [first, s1, s2]) s.close();
    } finally {
      await a.close();
    }
  });
});
