/**
 * Two app instances sharing Redis (families, revocations and login budgets) and the
 * secret, as two demo processes behind one load balancer: a sign-in made on one works on
 * the other, a refresh token rotated on one is reuse on the other, a logout on one ends
 * the other's open pages within the pub/sub round trip and refuses its tokens there at
 * once, and failed logins count against one budget. Own Redis prefix, cleaned up.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisFamilyStore } from "../../src/auth/families/redis-family-store.ts";
import { EventType, FrameType, PatchOp } from "../../src/protocol/constants.ts";
import { RedisRateLimitStore } from "../../src/server/security/rate-limit/redis-store.ts";
import { TestSocket } from "../server/helpers.ts";
import {
  type AuthApp,
  formLogin,
  framesUntilUrl,
  Jar,
  startAuthApp,
  testRedis,
  until,
  urls,
} from "./fixtures.tsx";

const prefix = `test:vango:auth-instances:${randomUUID()}:`;
const redis = testRedis();
let a: AuthApp;
let b: AuthApp;
const clients: ReturnType<typeof redis.client.duplicate>[] = [];

function instance(): Promise<AuthApp> {
  const client = redis.client.duplicate();
  clients.push(client);
  return startAuthApp({
    auth: {
      families: new RedisFamilyStore({ client, prefix }),
      rateLimitStore: new RedisRateLimitStore({ client, prefix: `${prefix}rl:` }),
      loginLimits: { perUser: { limit: 3, windowMs: 60_000 } },
      refreshGraceMs: 200,
    },
  });
}

beforeAll(async () => {
  a = await instance();
  b = await instance();
  // Both subscribed: a revocation on one is heard by the other.
  await until(async () => (await redis.subscribers(`${prefix}revoked`)) >= 2);
});
afterAll(async () => {
  await a.close();
  await b.close();
  for (const c of clients) await c.quit();
  await redis.cleanup(prefix);
  await redis.client.quit();
});

describe("two instances on one Redis", () => {
  it("a sign-in made on one instance is honoured, refreshed and revoked on the other", async () => {
    const jar = new Jar();
    expect((await formLogin(a, jar, "ada", "correct horse")).status).toBe(303);
    expect((await jar.page(b.base, "/account")).html).toContain(">ada<");
    // Refresh on B, then the pre-rotation token presented to A is a reuse.
    const before = jar.get("__Host-vango_rt")!;
    jar.delete("__Host-vango_at");
    expect((await jar.page(b.base, "/account")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const thief = new Jar();
    thief.set("__Host-vango_rt", before);
    expect(
      (await thief.fetch(`${a.base}/account`, { headers: { accept: "text/html" } })).status,
    ).toBe(302);
    // The whole sign-in is gone on both instances, the fresh access token included.
    for (const x of [a, b]) {
      expect(
        (await jar.fetch(`${x.base}/account`, { headers: { accept: "text/html" } })).status,
      ).toBe(302);
    }
  });

  it("a logout on A ends B's open page at once and B refuses the tokens", async () => {
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const tokens = jar.header();
    const page = await jar.page(b.base, "/account");
    const socket = await TestSocket.open(b.port, jar.header());
    try {
      await socket.attach(page);
      socket.event(0, { type: EventType.Navigate, path: "/account?live=1", replace: true });
      await socket.next();
      await socket.quiet(50);
      const p = await jar.page(a.base, "/account");
      expect((await jar.post(a.base, "/logout", p.csrf, {})).status).toBe(303);
      const t0 = performance.now();
      const err = await socket.next(2_000);
      expect(err).toMatchObject({ type: FrameType.Error, code: "auth_expired" });
      expect(performance.now() - t0).toBeLessThan(1_000);
      // Then the login page (once the page's state is handed off for the login to bring back).
      expect(urls(await framesUntilUrl(socket))).toEqual([
        {
          op: PatchOp.ReplaceUrl,
          url: expect.stringContaining("/login?next=%2Faccount%3Flive%3D1"),
        },
      ]);
      const replay = await fetch(`${b.base}/account`, {
        redirect: "manual",
        headers: { cookie: tokens, accept: "text/html" },
      });
      expect(replay.status).toBe(302);
    } finally {
      socket.close();
    }
  });

  it("failed logins count against one budget, whichever instance they reach", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const x = i % 2 === 0 ? a : b;
      statuses.push((await formLogin(x, new Jar(), "root", `guess-${i}`)).status);
    }
    expect(statuses).toEqual([422, 422, 422, 429]);
  });
});
