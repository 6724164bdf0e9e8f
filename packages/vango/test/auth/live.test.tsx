/**
 * Auth in live sessions over a real WebSocket: a login submitted live (a grant loaded as
 * a page sets the cookies), guards on live navigation, a sign-in that expires while the
 * page is live (extended in place while the sign-in lasts, then `auth_expired` and the
 * login page with `next`; on the memory and the Redis family store), revocation reaching
 * open pages without an event, a live logout, and the per-event cost staying a clock
 * comparison (counted: no family-store or directory call per event).
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { FamilyStore } from "../../src/auth/families/family-store.ts";
import { RedisFamilyStore } from "../../src/auth/families/redis-family-store.ts";
import type { UserDirectory } from "../../src/auth/users.ts";
import { EventType, PatchOp } from "../../src/protocol/constants.ts";
import type { TestSocket } from "../server/helpers.ts";
import {
  type AuthApp,
  errors,
  formLogin,
  frames,
  framesUntilUrl,
  Jar,
  type Live,
  live as liveOn,
  patches,
  startAuthApp,
  TestFamilyStore,
  testRedis,
  urls,
  usersForTests,
} from "./fixtures.tsx";

/** The login URL an expired `/account` page goes to, with its handed-off state's key. */
const RESTORE_TO_ACCOUNT = /^\/login\?next=%2Faccount&restore=[\w-]{24}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const apps: AuthApp[] = [];
const sockets: TestSocket[] = [];
const stores_: FamilyStore[] = [];
const redis = testRedis();
const prefix = `test:vango:auth-live:${randomUUID()}:`;
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const a of apps.splice(0)) await a.close();
  for (const s of stores_.splice(0)) await s.close();
});
afterAll(async () => {
  await redis.cleanup(prefix);
  await redis.client.quit();
});

function live(a: AuthApp, jar: Jar, path: string): Promise<Live> {
  return liveOn(a, jar, path, sockets);
}

async function start(auth: Parameters<typeof startAuthApp>[0] = {}): Promise<AuthApp> {
  const a = await startAuthApp({ ...auth, app: { devMode: true, ...auth.app } });
  apps.push(a);
  return a;
}

describe("live login", () => {
  it("a live submit loads a one-time grant that sets the cookies and goes on to next", async () => {
    const a = await start();
    const jar = new Jar();
    const l = await live(a, jar, "/login?next=%2Faccount");
    const form = l.hid(/<form data-hid="(\d+)"/);
    l.socket.event(form, {
      type: EventType.Submit,
      fields: [
        ["username", "ada"],
        ["password", "correct horse"],
      ],
    });
    const out = await frames(l.socket);
    const nav = urls(out);
    expect(nav).toEqual([
      {
        op: PatchOp.Navigate,
        url: expect.stringMatching(/^\/_vango\/auth\/grant\?code=/),
        replace: false,
      },
    ]);
    const grant = (nav[0] as { url: string }).url;
    // Another browser (another session cookie) cannot redeem it.
    const stranger = new Jar();
    await stranger.page(a.base, "/");
    const stolen = await stranger.fetch(a.base + grant);
    expect([stolen.status, stolen.headers.get("location"), stranger.get("vango_at")]).toEqual([
      303,
      "/login",
      undefined,
    ]);
    const res = await jar.fetch(a.base + grant);
    expect([res.status, res.headers.get("location")]).toEqual([303, "/account"]);
    expect(jar.get("vango_at")).toBeDefined();
    // Once only.
    const again = await jar.fetch(a.base + grant);
    expect([again.status, again.headers.get("location")]).toEqual([303, "/login"]);
    const page = await jar.page(a.base, "/account");
    expect(page.html).toContain(">ada<");
    await a.audit.flush();
    const ok = a.sink.rows.find((r) => r.action === "login.success")!;
    expect(JSON.parse(ok.metadata!)).toMatchObject({ via: "live" });
    expect(await a.app.metrics!.metrics()).toMatch(
      /vango_auth_refusals_total\{reason="grant_invalid"\} 2/,
    );
  });

  it("a refused live login renders its error in place", async () => {
    const a = await start();
    const l = await live(a, new Jar(), "/login");
    l.socket.event(l.hid(/<form data-hid="(\d+)"/), {
      type: EventType.Submit,
      fields: [
        ["username", "ada"],
        ["password", "nope"],
      ],
    });
    const out = await frames(l.socket);
    expect(JSON.stringify(patches(out))).toContain('"credentials"');
    expect(urls(out)).toEqual([]);
  });
});

describe("guards in a live session", () => {
  it("a live navigation into a guarded subtree goes to the login page instead", async () => {
    const a = await start();
    const l = await live(a, new Jar(), "/");
    l.socket.event(0, { type: EventType.Navigate, path: "/account", replace: false });
    const out = await frames(l.socket);
    expect(urls(out)).toEqual([{ op: PatchOp.ReplaceUrl, url: "/login?next=%2Faccount" }]);
    expect(patches(out)).not.toContainEqual(expect.objectContaining({ text: "nobody" }));
    await a.audit.flush();
    const row = a.sink.rows.find((r) => r.action === "guard.refused")!;
    expect(JSON.parse(row.metadata!)).toMatchObject({ reason: "anonymous", via: "enter" });
  });

  it("a signed-in user without the role gets the not-found page live", async () => {
    const a = await start();
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const l = await live(a, jar, "/");
    l.socket.event(0, { type: EventType.Navigate, path: "/admin", replace: false });
    const out = await frames(l.socket);
    expect(JSON.stringify(patches(out))).toContain("Nothing here");
  });
});

const stores: [string, () => FamilyStore | undefined][] = [
  ["memory", () => undefined],
  ["redis", () => new RedisFamilyStore({ client: redis.client, prefix })],
];

describe("guards and audit on events", () => {
  it("a role taken away while the page is live: the next window's event gets the not-found page (guard via event)", async () => {
    const base = await usersForTests();
    let rootRoles: readonly string[] = ["user", "admin"];
    const users: UserDirectory = {
      findByName: (n) => base.findByName(n),
      findById: async (id) => {
        const u = await base.findById(id);
        return u === undefined || id !== "u-root" ? u : { ...u, roles: rootRoles };
      },
    };
    // Token times are whole seconds: the access window is 1–2 s from the page request.
    const a = await start({ auth: { accessTtlMs: 2_000 }, users });
    const jar = new Jar();
    await formLogin(a, jar, "root", "root-password");
    const l = await live(a, jar, "/admin");
    const tick = l.hid(/<button data-hid="(\d+)" type="button" class="tick"/);
    l.socket.click(tick);
    expect(JSON.stringify(patches(await frames(l.socket)))).toContain("ticks 1");
    rootRoles = ["user"];
    await sleep(2_100); // the window runs out: the event re-reads the user
    l.socket.click(tick);
    const out = await frames(l.socket);
    expect(errors(out)).toEqual([]);
    const text = JSON.stringify(patches(out));
    expect([text.includes("Nothing here"), text.includes("ticks 2")]).toEqual([true, false]);
    await a.audit.flush();
    const row = a.sink.rows.find((r) => r.action === "guard.refused")!;
    expect([row.target, row.userId, JSON.parse(row.metadata!)]).toEqual([
      "/admin",
      "u-root",
      { reason: "role", via: "event", roles: ["admin"] },
    ]);
  }, 10_000);

  it("audit() from an event middleware records the page request's id, the session and the user", async () => {
    const a = await start();
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const l = await live(a, jar, "/audited");
    const tick = l.hid(/<button data-hid="(\d+)" type="button" class="tick"/);
    l.socket.click(tick);
    expect(JSON.stringify(patches(await frames(l.socket)))).toContain("ticks 1");
    await a.audit.flush();
    const http = a.sink.rows.filter((r) => r.action === "mw.http");
    const event = a.sink.rows.find((r) => r.action === "mw.event")!;
    expect(http).toHaveLength(1);
    expect(event).toMatchObject({
      target: String(tick),
      userId: "u-ada",
      ip: "127.0.0.1",
      requestId: http[0]!.requestId,
    });
    expect(event.sessionId).toMatch(/\S/);
  });
});

describe.each(stores)("a live session whose sign-in expires (%s family store)", (_, families) => {
  it("extends its access window in place while the sign-in lasts, then auth_expired and login with next", async () => {
    const store = families();
    if (store !== undefined) stores_.push(store);
    // Token times are whole seconds: the access token lasts up to 1 s, the sign-in 4–5 s.
    const a = await start({
      auth: { accessTtlMs: 1_000, refreshTtlMs: 5_000, ...(store ? { families: store } : {}) },
    });
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const l = await live(a, jar, "/account");
    const inc = l.hid(/<button data-hid="(\d+)" type="button" class="inc"/);
    l.socket.click(inc);
    expect(patches(await frames(l.socket))).toContainEqual(
      expect.objectContaining({ text: "clicked 1" }),
    );
    await sleep(2_100); // past the access token, within the sign-in
    l.socket.click(inc);
    const extended = await frames(l.socket);
    expect(errors(extended)).toEqual([]);
    expect(JSON.stringify(patches(extended))).toContain("clicked 2");
    await sleep(3_200); // past the sign-in
    l.socket.click(inc);
    const ended = await framesUntilUrl(l.socket);
    expect(errors(ended)).toEqual(["auth_expired"]);
    // With the page's state handed off for the login to bring back (below).
    expect(urls(ended)).toEqual([
      { op: PatchOp.ReplaceUrl, url: expect.stringMatching(RESTORE_TO_ACCOUNT) },
    ]);
    // The event that found it did not run.
    expect(JSON.stringify(patches(ended))).not.toContain("clicked 3");
    // The layout, still mounted, shows the visitor as anonymous now.
    expect(JSON.stringify(patches(ended))).toContain("Sign in");
  }, 15_000);
});

describe("after login the page comes back with its state", () => {
  /**
   * A live `/account?tab=2` clicked `n` times whose sign-in then ends: the login URL it
   * is sent to (with the key of its handed-off state), the socket, and the hid of the
   * login form the socket now shows.
   */
  async function expired(
    a: AuthApp,
    jar: Jar,
    n: number,
  ): Promise<{ login: string; l: Live; form: number }> {
    await formLogin(a, jar, "ada", "correct horse");
    const l = await live(a, jar, "/account?tab=2");
    const inc = l.hid(/<button data-hid="(\d+)" type="button" class="inc"/);
    for (let i = 1; i <= n; i++) {
      l.socket.click(inc);
      expect(JSON.stringify(patches(await frames(l.socket, 0)))).toContain(`clicked ${i}`);
    }
    await sleep(2_100); // past the sign-in
    l.socket.click(inc);
    const ended = await framesUntilUrl(l.socket);
    expect(errors(ended)).toEqual(["auth_expired"]);
    const nav = urls(ended) as { url: string }[];
    expect(nav).toEqual([
      {
        op: PatchOp.ReplaceUrl,
        url: expect.stringMatching(/^\/login\?next=%2Faccount%3Ftab%3D2&restore=[\w-]{24}$/),
      },
    ]);
    const form = /"tag":"form","hid":(\d+)/.exec(JSON.stringify(patches(ended)));
    return { login: nav[0]!.url, l, form: Number(form![1]) };
  }

  /** Logs in with JavaScript off at `login` (its URL, query included). */
  async function formLoginAt(a: AuthApp, jar: Jar, login: string, name: string, pw: string) {
    const p = await jar.page(a.base, login);
    return jar.post(a.base, login, p.csrf, { username: name, password: pw });
  }

  const counter = (html: string) => /clicked (\d+)/.exec(html)?.[1];

  async function startShort(): Promise<AuthApp> {
    // Token times are whole seconds: the sign-in ends 1–2 s after the login.
    return start({
      auth: { accessTtlMs: 1_000, refreshTtlMs: 2_000 },
    });
  }

  it("with JavaScript off: back on the original path and query with the counter as it was, once", async () => {
    const a = await startShort();
    const jar = new Jar();
    const { login } = await expired(a, jar, 3);
    // Another browser that got hold of the URL: signed in, but not given the page's state.
    const stranger = new Jar();
    const s = await formLoginAt(a, stranger, login, "ada", "correct horse");
    expect([s.status, s.headers.get("location")]).toEqual([303, "/account?tab=2"]);
    expect(counter((await stranger.page(a.base, "/account?tab=2")).html)).toBe("0");
    // The browser whose page it was, the same user: the page as it was.
    const res = await formLoginAt(a, jar, login, "ada", "correct horse");
    expect([res.status, res.headers.get("location")]).toEqual([303, "/account?tab=2"]);
    const back = await jar.page(a.base, "/account?tab=2");
    expect([back.status, counter(back.html)]).toEqual([200, "3"]);
    expect(back.html).toMatch(/class="account"[^>]*>ada</);
    // One time: the next load of the page starts afresh.
    expect(counter((await jar.page(a.base, "/account?tab=2")).html)).toBe("0");
  }, 15_000);

  it("live: the login submitted on the socket comes back through the grant with the state kept", async () => {
    const a = await startShort();
    const jar = new Jar();
    const { login, l, form } = await expired(a, jar, 2);
    expect(login).toContain("restore=");
    // The socket now shows the login page: submit its form there.
    l.socket.event(form, {
      type: EventType.Submit,
      fields: [
        ["username", "ada"],
        ["password", "correct horse"],
      ],
    });
    const nav = urls(await frames(l.socket)) as { url: string }[];
    expect(nav).toEqual([
      {
        op: PatchOp.Navigate,
        url: expect.stringMatching(/^\/_vango\/auth\/grant\?code=/),
        replace: false,
      },
    ]);
    const res = await jar.fetch(a.base + nav[0]!.url);
    expect([res.status, res.headers.get("location")]).toEqual([303, "/account?tab=2"]);
    const back = await jar.page(a.base, "/account?tab=2");
    expect(counter(back.html)).toBe("2");
  }, 15_000);

  it("never to another user signing in on the same browser", async () => {
    const a = await startShort();
    const jar = new Jar();
    const { login } = await expired(a, jar, 4);
    const res = await formLoginAt(a, jar, login, "root", "root-password");
    expect(res.status).toBe(303);
    const page = await jar.page(a.base, "/account?tab=2");
    expect(page.html).toMatch(/class="account"[^>]*>root</);
    expect(counter(page.html)).toBe("0");
    // Spent: ada signing in afterwards does not get it either.
    await formLoginAt(a, jar, login, "ada", "correct horse");
    expect(counter((await jar.page(a.base, "/account?tab=2")).html)).toBe("0");
  }, 15_000);
});

describe("what a live session's events cost", () => {
  /** Clicks `hid` `n` times, one after the other (each answered), up to `clicked <to>`. */
  async function clicks(l: Live, hid: number, n: number, to: number): Promise<void> {
    for (let i = to - n + 1; i <= to; i++) {
      l.socket.click(hid);
      const out = await frames(l.socket, 0);
      expect(errors(out)).toEqual([]);
      expect(JSON.stringify(patches(out))).toContain(`clicked ${i}`);
    }
  }

  it("no family-store or directory call per event; the access window running out costs one directory call, and a store call only when the view cannot answer", async () => {
    const store = new TestFamilyStore();
    const base = await usersForTests();
    const asked: string[] = [];
    const users: UserDirectory = {
      findByName: (n) => {
        asked.push("findByName");
        return base.findByName(n);
      },
      findById: (id) => {
        asked.push("findById");
        return base.findById(id);
      },
    };
    const a = await start({
      auth: { families: store, accessTtlMs: 3_000, refreshTtlMs: 60_000 },
      users,
    });
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const l = await live(a, jar, "/account");
    const inc = l.hid(/<button data-hid="(\d+)" type="button" class="inc"/);
    store.calls.length = 0;
    asked.length = 0;
    // Token times are whole seconds: the access window is 2–3 s from the page request.
    await clicks(l, inc, 30, 30);
    expect([store.calls, asked]).toEqual([[], []]);
    await sleep(3_100); // past the access window
    await clicks(l, inc, 10, 40);
    // The view (kept current by announcements) answered the revocation check.
    expect([store.calls, asked]).toEqual([[], ["findById"]]);
    // The feed drops: the view's "not revoked" no longer counts, the next window asks.
    a.auth.core.live.lost();
    await sleep(3_100);
    await clicks(l, inc, 10, 50);
    expect([store.calls, asked]).toEqual([["revoked"], ["findById", "findById"]]);
  }, 15_000);
});

describe("revocation reaches live pages", () => {
  it("a logout ends every open page of that sign-in at once, without waiting for an event", async () => {
    const a = await start();
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const tab1 = await live(a, jar, "/account");
    const tab2 = await live(a, jar, "/");
    const other = new Jar();
    await formLogin(a, other, "root", "root-password");
    const bystander = await live(a, other, "/account");
    // Each tab sent one event, so the server knows their sessions are live.
    for (const t of [tab1, tab2, bystander]) {
      t.socket.event(0, {
        type: EventType.Navigate,
        path: t === tab2 ? "/?x=1" : "/account?x=1",
        replace: true,
      });
      await frames(t.socket);
    }
    const p = await jar.page(a.base, "/logout");
    const res = await jar.post(a.base, "/logout", p.csrf, {});
    expect(res.status).toBe(303);
    for (const [t, where] of [
      [tab1, "/login?next=%2Faccount%3Fx%3D1&restore="],
      [tab2, "/login?next=%2F%3Fx%3D1&restore="],
    ] as const) {
      const out = await framesUntilUrl(t.socket);
      expect(errors(out)).toEqual(["auth_expired"]);
      expect(urls(out)).toEqual([{ op: PatchOp.ReplaceUrl, url: expect.stringContaining(where) }]);
    }
    expect(await bystander.socket.quiet(200)).toEqual([]);
  });

  it("a live logout loads the next page (no auth_expired for the tab that asked)", async () => {
    const a = await start();
    const jar = new Jar();
    await formLogin(a, jar, "ada", "correct horse");
    const l = await live(a, jar, "/logout");
    l.socket.event(l.hid(/<form data-hid="(\d+)"/), { type: EventType.Submit, fields: [] });
    const out = await frames(l.socket);
    expect(errors(out)).toEqual([]);
    expect(urls(out)).toEqual([{ op: PatchOp.Navigate, url: "/", replace: false }]);
    // The page load that follows finds its tokens revoked and clears them.
    const home = await jar.page(a.base, "/");
    expect(home.html).toContain("Sign in");
    expect(jar.get("vango_at")).toBeUndefined();
  });
});
