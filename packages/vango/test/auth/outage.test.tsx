/**
 * The family store's Redis unreachable from one instance while the page goes on: its
 * link to the shared Redis runs through a proxy the test cuts (Redis itself keeps its
 * data; another client reaches it meanwhile). A logout made during the outage is
 * honoured on that instance at once — its access token replayed is refused, by the
 * middleware and by `auth.verify()`, and its live page is sent to login — and reaches
 * the store when Redis is back; revocations known before the outage still answer;
 * refresh waits with the cookies kept; a login works (without a refresh token);
 * readiness says `auth_store` is degraded; and when the feed is back, the live sessions'
 * families are checked again, catching a revocation whose announcement was missed.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisFamilyStore } from "../../src/auth/families/redis-family-store.ts";
import { EventType } from "../../src/protocol/constants.ts";
import { type CutProxy, cutProxy } from "../server/cut-proxy.ts";
import type { TestSocket } from "../server/helpers.ts";
import {
  type AuthApp,
  claimsOf,
  errors,
  formLogin,
  frames,
  Jar,
  live,
  startAuthApp,
  testRedis,
  until,
} from "./fixtures.tsx";

const AT = "vango_at";
const RT = "vango_rt";
const prefix = `test:vango:auth-outage:${randomUUID()}:`;
const redis = testRedis();
const direct = new RedisFamilyStore({ client: redis.client, prefix });
let proxy: CutProxy;
let client: Redis;
let a: AuthApp;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  proxy = await cutProxy(6379);
  // The demo's client options: fail at once while disconnected, reconnect by itself.
  client = new Redis({
    host: "127.0.0.1",
    port: proxy.port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
    retryStrategy: () => 50,
  });
  client.on("error", () => {});
  await until(() => client.status === "ready");
  a = await startAuthApp({
    auth: {
      families: new RedisFamilyStore({ client, prefix }),
      // One failure opens the circuit; a call is not failed for being slow in a stall.
      breaker: { timeoutMs: 1_000, failureThreshold: 1, resetMs: 200 },
    },
    app: { devMode: true },
  });
  // Subscribed (through the proxy) before the test cuts it: else it never hears "lost".
  await until(async () => (await redis.subscribers(`${prefix}revoked`)) >= 1);
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  proxy.restore();
});
afterAll(async () => {
  await a.close();
  client.disconnect();
  await proxy.close();
  await redis.cleanup(prefix);
  await redis.client.quit();
});

const live_ = () => a.auth.core.live;

async function down(): Promise<void> {
  proxy.cut();
  await until(() => !live_().trusted);
}

async function back(): Promise<void> {
  proxy.restore();
  await until(() => live_().trusted && live_().unstored === 0, 5_000);
}

function html(jar: Jar, path: string): Promise<Response> {
  return jar.fetch(a.base + path, { headers: { accept: "text/html" } });
}

async function readiness(): Promise<unknown> {
  const res = await fetch(`${a.base}/health/ready`);
  const body = (await res.json()) as { checks: Record<string, unknown> };
  return body.checks.auth_store;
}

describe("the family store unreachable", () => {
  it("honours revocations made here and known before, pauses refresh, keeps logins working, and stores its revocations when back", async () => {
    // Before the outage: a sign-in already logged out, one live page, one to refresh later.
    const gone = new Jar();
    await formLogin(a, gone, "root", "root-password");
    const goneToken = gone.get(AT)!;
    const g = await gone.page(a.base, "/account");
    await gone.post(a.base, "/logout", g.csrf, {});
    const mine = new Jar();
    await formLogin(a, mine, "ada", "correct horse");
    const myToken = mine.get(AT)!;
    const myFam = claimsOf(myToken).fam as string;
    const tab = await live(a, mine, "/account", sockets);
    tab.socket.event(0, { type: EventType.Navigate, path: "/account?x=1", replace: true });
    await frames(tab.socket);
    const later = new Jar();
    await formLogin(a, later, "ada", "correct horse");
    const laterRefresh = later.get(RT)!;

    await down();

    // Known before the outage: still refused.
    const replayGone = new Jar();
    replayGone.set(AT, goneToken);
    expect((await html(replayGone, "/account")).status).toBe(302);
    // A logout on this instance now: the store cannot take it, this instance honours it.
    const p = await mine.page(a.base, "/account");
    expect((await mine.post(a.base, "/logout", p.csrf, {})).status).toBe(303);
    expect(errors(await frames(tab.socket))).toEqual(["auth_expired"]);
    expect(live_().unstored).toBe(1);
    const replay = new Jar();
    replay.set(AT, myToken);
    const r = await html(replay, "/account");
    expect([r.status, r.headers.get("location")]).toEqual([302, "/login?next=%2Faccount"]);
    await expect(a.auth.verify(myToken)).rejects.toMatchObject({ code: "token_revoked" });
    expect(await readiness()).toMatchObject({ status: "degraded" });

    // Refresh waits: anonymous for now, the refresh cookie left as it was.
    later.delete(AT);
    const paused = await html(later, "/account");
    expect(paused.status).toBe(302);
    expect(paused.headers.getSetCookie().some((c) => c.startsWith(`${RT}=`))).toBe(false);
    expect(later.get(RT)).toBe(laterRefresh);

    // A login works; it cannot be refreshed, so it comes without a refresh token.
    const fresh = new Jar();
    expect((await formLogin(a, fresh, "ada", "correct horse")).status).toBe(303);
    expect([fresh.get(AT) !== undefined, fresh.get(RT)]).toEqual([true, undefined]);
    expect((await fresh.page(a.base, "/account")).html).toContain(">ada<");

    await back();

    // The logout reached the store: every instance refuses the sign-in from now on.
    expect(await direct.revoked([myFam])).toEqual([true]);
    // Refresh works again, with the cookie kept through the outage.
    const refreshed = await later.page(a.base, "/account");
    expect(refreshed.html).toContain(">ada<");
    expect(later.get(RT)).not.toBe(laterRefresh);
    await until(() => a.auth.core.status().status === "ok");
    expect(await readiness()).toMatchObject({ status: "ok" });
    await a.audit.flush();
    const logins = a.sink.rows.filter((x) => x.action === "login.success");
    expect(JSON.parse(logins.at(-1)!.metadata!)).toMatchObject({ refreshable: false });
    const revokes = a.sink.rows.filter((x) => x.action === "auth.revoke");
    expect(JSON.parse(revokes.at(-1)!.metadata!)).toMatchObject({
      family: myFam,
      reason: "logout",
      stored: false,
    });
  }, 20_000);

  it("checks the live sessions' families again when the feed is back (an announcement missed meanwhile)", async () => {
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const fam = claimsOf(jar.get(AT)!).fam as string;
    const tab = await live(a, jar, "/account", sockets);
    tab.socket.event(0, { type: EventType.Navigate, path: "/account?x=1", replace: true });
    await frames(tab.socket);
    await down();
    // Revoked by another instance: its announcement cannot reach this one.
    expect(await direct.revoke(fam)).toBe(true);
    expect(await tab.socket.quiet(200)).toEqual([]);
    proxy.restore();
    expect(errors(await frames(tab.socket))).toEqual(["auth_expired"]);
    expect(live_().known(fam)).toBe(true);
  }, 15_000);
});
