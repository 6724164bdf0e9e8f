/**
 * LiveSessions' revocation view through a feed that drops and comes back: revocations
 * keep answering while "not revoked" stops counting, a revocation made during the
 * outage is honoured here at once and written to the store when it answers again, a
 * store answer asked for before the feed dropped is not remembered, and a resync ends
 * the live sign-ins whose families were revoked while announcements were missed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Auth, createAuth } from "../../src/auth/auth.ts";
import type { FamilyStore } from "../../src/auth/families/family-store.ts";
import { EndReason, SessionAuth } from "../../src/auth/session-auth.ts";
import {
  formLogin,
  Jar,
  startAuthApp,
  TestFamilyStore,
  until,
  usersForTests,
} from "./fixtures.tsx";

const auths: Auth[] = [];
afterEach(async () => {
  for (const a of auths.splice(0)) await a.close();
});

async function setup(inner?: FamilyStore) {
  const store = new TestFamilyStore(inner);
  const auth = createAuth({
    users: await usersForTests(),
    families: store,
    breaker: { timeoutMs: 100, failureThreshold: 100, resetMs: 10 },
  });
  auths.push(auth);
  return { store, core: auth.core, live: auth.core.live };
}

const later = () => Date.now() + 60_000;

describe("LiveSessions while the announcement feed is down", () => {
  it("answers revocations from its view, asks the store for the rest, and stores its own later", async () => {
    const { store, core, live } = await setup();
    await store.inner.create("fam-ok", "u-ada", "j", later());
    await store.inner.create("fam-gone", "u-ada", "j", later());
    await store.inner.create("fam-here", "u-ada", "j", later());
    await store.inner.revoke("fam-gone"); // announced: known here without asking
    expect([await core.isRevoked("fam-ok"), await core.isRevoked("fam-gone")]).toEqual([
      false,
      true,
    ]);
    expect([live.known("fam-ok"), live.known("fam-gone")]).toEqual([false, true]);
    expect(store.calls).toEqual(["revoked"]);

    store.takeDown();
    expect(live.trusted).toBe(false);
    // "Not revoked" was concluded from announcements that may now be missed; a revocation holds.
    expect([live.known("fam-ok"), live.known("fam-gone")]).toEqual([undefined, true]);
    store.calls.length = 0;
    expect([await core.isRevoked("fam-ok"), await core.isRevoked("fam-gone")]).toEqual([
      false,
      true,
    ]);
    expect(store.calls).toEqual(["revoked"]); // fam-gone answered locally
    // A logout made here while the store is down: honoured here at once.
    await core.revoke(undefined, "fam-here", "u-ada", "logout");
    expect(live.unstored).toBe(1);
    expect(await core.isRevoked("fam-here")).toBe(true);
    expect(await store.inner.revoked(["fam-here"])).toEqual([false]);

    store.bringBack();
    await until(() => live.unstored === 0);
    // Written to the store (and so announced to every instance), still answered here.
    expect(await store.inner.revoked(["fam-here"])).toEqual([true]);
    expect(live.known("fam-here")).toBe(true);
    expect(live.trusted).toBe(true);
  });

  it("writes its revocations to the store when the store's circuit closes, even if the feed never dropped", async () => {
    const store = new TestFamilyStore();
    const auth = createAuth({
      users: await usersForTests(),
      families: store,
      breaker: { timeoutMs: 100, failureThreshold: 1, resetMs: 30 },
    });
    auths.push(auth);
    const { core } = auth;
    await store.inner.create("fam-1", "u-ada", "j", later());
    await store.inner.create("fam-2", "u-ada", "j", later());
    // Calls fail, the feed stays "up" (a command connection down, the subscriber not).
    const fail = store.revoke.bind(store);
    let failing = true;
    store.revoke = (fam) => (failing ? Promise.reject(new Error("down")) : fail(fam));
    await core.revoke(undefined, "fam-1", "u-ada", "logout");
    expect([core.live.unstored, core.status().status]).toEqual([1, "degraded"]);
    failing = false;
    await new Promise((r) => setTimeout(r, 40));
    // The next call probes, closes the circuit, and the pending revocation follows it.
    expect(await core.isRevoked("fam-2")).toBe(false);
    await until(() => core.live.unstored === 0);
    expect(await store.inner.revoked(["fam-1"])).toEqual([true]);
    expect(core.status().status).toBe("ok");
  });

  it("does not remember a store answer asked for before the feed dropped", async () => {
    const { store, core, live } = await setup();
    await store.inner.create("fam-a", "u-ada", "j", later());
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const ask = store.revoked.bind(store);
    store.revoked = async (fams) => {
      const answer = await ask(fams);
      await gate;
      return answer;
    };
    const pending = core.isRevoked("fam-a");
    await new Promise((r) => setTimeout(r, 5));
    store.takeDown();
    store.bringBack();
    release();
    expect(await pending).toBe(false);
    expect(live.known("fam-a")).toBeUndefined();
  });

  it("on resync ends the live sign-ins whose families were revoked while announcements were missed", async () => {
    const { store, core, live } = await setup();
    const signedIn = (fam: string) => {
      const sa = new SessionAuth({
        core,
        ip: "127.0.0.1",
        userAgent: undefined,
        record: undefined,
      });
      sa.signIn({
        user: { id: "u-ada", name: "ada", roles: ["user"] },
        family: fam,
        accessExp: later(),
        signInExp: later(),
      });
      live.track(sa);
      return sa;
    };
    await store.inner.create("fam-kept", "u-ada", "j", later());
    await store.inner.create("fam-cut", "u-ada", "j", later());
    const kept = signedIn("fam-kept");
    const cut = signedIn("fam-cut");
    store.takeDown();
    // Revoked on another instance meanwhile: its announcement never arrives here.
    await store.inner.revoke("fam-cut");
    expect(cut.user.peek()).toBeDefined();
    store.calls.length = 0;
    store.bringBack();
    await until(() => cut.user.peek() === undefined);
    expect(cut.ended).toBe(EndReason.Revoked);
    expect(kept.user.peek()?.name).toBe("ada");
    // One call for every tracked family; its answers are remembered.
    expect(store.calls).toEqual(["revoked"]);
    expect([live.known("fam-kept"), live.known("fam-cut")]).toEqual([false, true]);
  });
});

describe("a sign-in revoked here during an outage", () => {
  it("is not refreshed once the store answers again, before the revocation reached it", async () => {
    const store = new TestFamilyStore();
    const a = await startAuthApp({
      auth: { families: store, breaker: { timeoutMs: 100, failureThreshold: 100, resetMs: 10 } },
    });
    try {
      const jar = new Jar();
      await formLogin(a, jar, "ada", "correct horse");
      const refresh = jar.get("__Host-vango_rt")!;
      const p = await jar.page(a.base, "/account");
      store.takeDown();
      await jar.post(a.base, "/logout", p.csrf, {});
      expect(a.auth.core.live.unstored).toBe(1);
      store.bringBack(true); // calls answer, the feed (and so the catch-up) not yet
      store.calls.length = 0;
      const thief = new Jar();
      thief.set("__Host-vango_rt", refresh);
      const res = await thief.fetch(`${a.base}/account`, { headers: { accept: "text/html" } });
      expect(res.status).toBe(302);
      expect(thief.get("__Host-vango_rt")).toBeUndefined();
      expect(store.calls).not.toContain("rotate");
      store.resync();
      await until(() => a.auth.core.live.unstored === 0);
      expect(store.calls).toContain("revoke");
    } finally {
      await a.close();
    }
  });
});
