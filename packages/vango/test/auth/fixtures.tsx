/**
 * An app with auth for the tests: a login page, a logout page, `/account` and `/admin`
 * behind `_middleware` guards, `/mine` behind `requireUser()`, a layout that shows the
 * user; a cookie jar for fetch; and an audit sink that keeps its rows.
 */
import { Redis } from "ioredis";
import { expect } from "vitest";
import { AuditLog, type AuditRow, type AuditSink } from "../../src/auth/audit/audit-log.ts";
import { type Auth, type AuthOptions, createAuth } from "../../src/auth/auth.ts";
import type {
  FamilyStore,
  RevocationListener,
  RotateResult,
} from "../../src/auth/families/family-store.ts";
import { MemoryFamilyStore } from "../../src/auth/families/memory-family-store.ts";
import { memoryUsers, type UserDirectory } from "../../src/auth/users.ts";
import {
  type ActionContext,
  audit,
  guard,
  type LoginFailure,
  login,
  logout,
  requireUser,
  signal,
  useActionData,
  useAudit,
  useUser,
} from "../../src/index.ts";
import { FrameType, PatchOp } from "../../src/protocol/constants.ts";
import type { ServerFrame } from "../../src/protocol/frame.ts";
import type { Patch } from "../../src/protocol/patch.ts";
import { createApp } from "../../src/server/app.ts";
import type { AppOptions } from "../../src/server/config/options.ts";
import type { HttpContext } from "../../src/server/core/middleware.ts";
import type { EventContext } from "../../src/server/session/event-context.ts";
import { MemorySessionStore } from "../../src/server/session/stores/memory-store.ts";
import type { VChild } from "../../src/vdom/vnode.ts";
import { captureLogger, fakeClient, getPage, type Page, TestSocket } from "../server/helpers.ts";

export { until } from "../until.ts";

/** Cheap scrypt for tests (the default costs ~100 ms per hash). */
export const FAST = { ln: 10, r: 8, p: 1 };
export const SECRET = "test-secret-0123456789abcdef";

export function usersForTests(): Promise<UserDirectory> {
  return memoryUsers(
    [
      { id: "u-ada", name: "ada", password: "correct horse", roles: ["user"] },
      { id: "u-root", name: "root", password: "root-password", roles: ["user", "admin"] },
    ],
    FAST,
  );
}

export class MemorySink implements AuditSink {
  readonly rows: AuditRow[] = [];
  write(rows: readonly AuditRow[]): Promise<void> {
    this.rows.push(...rows);
    return Promise.resolve();
  }
  actions(): string[] {
    return this.rows.map((r) => r.action);
  }
}

function Shell(props: { children?: VChild }) {
  const user = useUser();
  return () => (
    <div>
      <nav>{user() ? <span class="who">{user()!.name}</span> : <a href="/login">Sign in</a>}</nav>
      {props.children}
    </div>
  );
}

function LoginPage() {
  const failed = useActionData<LoginFailure>();
  return () => (
    <form method="post">
      <input name="username" value={failed()?.username ?? ""} />
      <input name="password" type="password" />
      <button type="submit">Sign in</button>
      <p class="error">{failed()?.error ?? ""}</p>
    </form>
  );
}

function Account() {
  const user = useUser();
  const record = useAudit();
  const clicks = signal(0);
  return () => (
    <main>
      <h1 class="account">{user()?.name ?? "nobody"}</h1>
      <button
        type="button"
        class="inc"
        onClick={() => {
          clicks.set(clicks() + 1);
          record("counter.inc", "counter", { clicks: clicks() });
        }}
      >
        clicked {clicks()}
      </button>
      <form method="post" action="/logout">
        <button type="submit">Sign out</button>
      </form>
    </main>
  );
}

function Mine() {
  const user = requireUser();
  return <p class="mine">mine: {user.name}</p>;
}

function Staff() {
  const user = requireUser({ roles: ["admin"] });
  return <p class="staff">staff: {user.name}</p>;
}

/** A page with a button (events under the admin guard, and under the auditing middleware). */
function Clicker(props: { title: string }) {
  const n = signal(0);
  return () => (
    <main>
      <h1>{props.title}</h1>
      <button type="button" class="tick" onClick={() => n.set(n() + 1)}>
        ticks {n()}
      </button>
    </main>
  );
}

async function noteAction(ctx: ActionContext) {
  audit(ctx, "note.add", ctx.form.get("text") ?? "");
}

export const routes = {
  "/_layout": Shell,
  "/": () => <h1>Home</h1>,
  "/login": { default: LoginPage, action: login },
  "/logout": {
    default: () => (
      <form method="post">
        <button type="submit">Sign out</button>
      </form>
    ),
    action: logout,
  },
  "/account/_middleware": guard(),
  "/account": Account,
  "/account/notes": {
    default: () => (
      <form method="post">
        <input name="text" />
      </form>
    ),
    action: noteAction,
  },
  "/admin/_middleware": guard({ roles: ["admin"] }),
  "/admin": () => <Clicker title="Admin" />,
  "/mine": Mine,
  "/staff": Staff,
  // Middleware that audits: the row gets the request's (or the page request's) facts.
  "/audited/_middleware": {
    http: (ctx: HttpContext, next: () => Promise<void>) => {
      audit(ctx, "mw.http", ctx.path);
      return next();
    },
    event: (ctx: EventContext, next: () => Promise<void>) => {
      audit(ctx, "mw.event", String(ctx.hid));
      return next();
    },
  },
  "/audited": () => <Clicker title="Audited" />,
  "/_404": () => <h1>Nothing here</h1>,
};

export interface AuthApp {
  readonly base: string;
  readonly port: number;
  readonly auth: Auth;
  readonly sink: MemorySink;
  readonly audit: AuditLog;
  readonly app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

/**
 * Starts the test app on a spare port.
 * @example const a = await startAuthApp({ auth: { accessTtlMs: 1000 } });
 */
export async function startAuthApp(
  opts: { auth?: Partial<AuthOptions>; app?: Partial<AppOptions>; users?: UserDirectory } = {},
): Promise<AuthApp> {
  const sink = new MemorySink();
  const log = new AuditLog({ sink, flushMs: 5 });
  const auth = createAuth({
    users: opts.users ?? (await usersForTests()),
    audit: log,
    ...opts.auth,
  });
  const app = createApp(
    auth.wire({
      routes,
      clientBuilder: fakeClient,
      logger: captureLogger(),
      secret: SECRET,
      // In memory unless a test asks otherwise: tests never share a state folder.
      persistence: { store: new MemorySessionStore() },
      ...opts.app,
    }),
  );
  auth.attach(app);
  const l = await app.listen(0);
  return {
    base: `http://127.0.0.1:${l.port}`,
    port: l.port,
    auth,
    sink,
    audit: log,
    app,
    close: async () => {
      await l.close();
      await auth.close();
    },
  };
}

/** Cookies as a browser keeps them: set by responses, deleted by `Max-Age=0`. */
export class Jar {
  readonly #cookies = new Map<string, string>();
  /** Raw `Set-Cookie` lines seen, newest last. */
  readonly seen: string[] = [];

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  set(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  delete(name: string): void {
    this.#cookies.delete(name);
  }

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      this.seen.push(line);
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (attrs.some((a) => a.trim().toLowerCase() === "max-age=0")) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** fetch with these cookies, no redirect following; takes the answer's cookies. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const c = this.header();
    if (c !== "") headers.set("cookie", c);
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    this.take(res);
    return res;
  }

  /** GETs a page (HTML) and returns it as the server helpers' `Page` (token, csrf). */
  async page(base: string, path: string): Promise<Page & { res: Response }> {
    const res = await this.fetch(base + path, { headers: { accept: "text/html" } });
    const html = await res.text();
    const m = /<script type="application\/json" id="vango-boot">(.*?)<\/script>/.exec(html);
    const boot = m
      ? (JSON.parse(m[1]!) as { token: string; csrf: string })
      : { token: "", csrf: "" };
    return {
      status: res.status,
      html,
      cookie: this.header(),
      token: boot.token,
      csrf: boot.csrf,
      headers: res.headers,
      res,
    };
  }

  /** POSTs an urlencoded form with the page's CSRF token. */
  post(
    base: string,
    path: string,
    csrf: string,
    fields: Record<string, string>,
  ): Promise<Response> {
    return this.fetch(base + path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      body: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
    });
  }
}

/** Logs in with JavaScript off (GET the login page, POST the form); the POST's answer. */
export async function formLogin(
  a: { base: string },
  jar: Jar,
  username: string,
  password: string,
  next?: string,
): Promise<Response> {
  const path = next === undefined ? "/login" : `/login?next=${encodeURIComponent(next)}`;
  const p = await jar.page(a.base, path);
  return jar.post(a.base, path, p.csrf, { username, password });
}

/**
 * A family store around another (memory by default) that counts its calls and can be
 * taken down: every call then fails, and its listeners are told the feed was `lost`
 * (announcements made meanwhile never reach them), then `resync` when it is back.
 */
export class TestFamilyStore implements FamilyStore {
  readonly inner: FamilyStore;
  /** Every call made, by method name, in order. */
  readonly calls: string[] = [];
  #down = false;
  readonly #listeners = new Set<RevocationListener>();

  constructor(inner: FamilyStore = new MemoryFamilyStore({ sweepIntervalMs: 0 })) {
    this.inner = inner;
    inner.subscribe({
      revoked: (fam) => {
        if (!this.#down) for (const l of this.#listeners) l.revoked(fam);
      },
      lost: () => {},
      resync: () => {},
    });
  }

  get down(): boolean {
    return this.#down;
  }

  /** Every call fails from now on; listeners are told the feed was lost. */
  takeDown(): void {
    this.#down = true;
    for (const l of this.#listeners) l.lost();
  }

  /** Calls work again; listeners are told to resync (`quietly`: not yet). */
  bringBack(quietly = false): void {
    this.#down = false;
    if (!quietly) for (const l of this.#listeners) l.resync();
  }

  /** The feed is back (after `bringBack(true)`). */
  resync(): void {
    for (const l of this.#listeners) l.resync();
  }

  #call<T>(name: string, f: () => Promise<T>): Promise<T> {
    this.calls.push(name);
    if (this.#down) return Promise.reject(new Error("family store down (test)"));
    return f();
  }

  create(fam: string, sub: string, jti: string, expMs: number): Promise<void> {
    return this.#call("create", () => this.inner.create(fam, sub, jti, expMs));
  }
  rotate(fam: string, presented: string, next: string, graceMs: number): Promise<RotateResult> {
    return this.#call("rotate", () => this.inner.rotate(fam, presented, next, graceMs));
  }
  revoke(fam: string): Promise<boolean> {
    return this.#call("revoke", () => this.inner.revoke(fam));
  }
  revokeUser(sub: string): Promise<string[]> {
    return this.#call("revokeUser", () => this.inner.revokeUser(sub));
  }
  revoked(fams: readonly string[]): Promise<boolean[]> {
    return this.#call("revoked", () => this.inner.revoked(fams));
  }
  useOnce(id: string, ttlMs: number): Promise<boolean> {
    return this.#call("useOnce", () => this.inner.useOnce(id, ttlMs));
  }
  subscribe(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  close(): Promise<void> {
    this.#listeners.clear();
    return this.inner.close();
  }
}

/** The claims of a JWT, unverified (tests read `fam`, `sub`). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<
    string,
    unknown
  >;
}

/** A Redis client for tests, and a prefix of its own to clean up. */
export function testRedis(): {
  client: Redis;
  subscribers(channel: string): Promise<number>;
  cleanup(prefix: string): Promise<void>;
} {
  const client = new Redis({ host: "127.0.0.1", port: 6379 });
  return {
    client,
    /** Connections subscribed to `channel` (a store subscribes in the background). */
    async subscribers(channel) {
      const [, n] = (await client.pubsub("NUMSUB", channel)) as [string, number];
      return Number(n);
    },
    async cleanup(prefix) {
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await client.del(...keys);
      } while (cursor !== "0");
    },
  };
}

export interface Live {
  readonly socket: TestSocket;
  readonly html: string;
  hid(selector: RegExp): number;
}

/**
 * GETs `path` with the jar's cookies and attaches its session over a WebSocket (added to
 * `opened`, for the test to close).
 */
export async function live(
  a: { base: string; port: number },
  jar: Jar,
  path: string,
  opened: TestSocket[],
): Promise<Live> {
  const page = await jar.page(a.base, path);
  expect(page.status).toBe(200);
  const socket = await TestSocket.open(a.port, jar.header());
  opened.push(socket);
  const reply = await socket.attach(page);
  expect(reply).toMatchObject({ status: "ok" });
  await socket.quiet(30);
  return {
    socket,
    html: page.html,
    hid(re) {
      const m = re.exec(page.html);
      if (m === null) throw new Error(`no ${re} in the page`);
      return Number(m[1]);
    },
  };
}

/** Frames until one with patches (or an error) arrived and things went quiet. */
export async function frames(s: TestSocket, ms = 150): Promise<ServerFrame[]> {
  const out: ServerFrame[] = [s.frames.length > 0 ? s.frames.shift()! : await s.next(2_000)];
  out.push(...(await s.quiet(ms)));
  return out;
}

/**
 * Frames until one navigates (an ended sign-in's page goes to login once its state is
 * handed off: a store write after the `auth_expired` frame), then until quiet.
 */
export async function framesUntilUrl(s: TestSocket, ms = 5_000): Promise<ServerFrame[]> {
  const deadline = Date.now() + ms;
  const out: ServerFrame[] = [];
  while (urls(out).length === 0) {
    out.push(s.frames.length > 0 ? s.frames.shift()! : await s.next(deadline - Date.now()));
  }
  out.push(...(await s.quiet(50)));
  return out;
}

export function patches(fs: ServerFrame[]): Patch[] {
  return fs.flatMap((f) => (f.type === FrameType.Patches ? f.patches : []));
}

export function errors(fs: ServerFrame[]): string[] {
  return fs.flatMap((f) => (f.type === FrameType.Error ? [f.code] : []));
}

export function urls(fs: ServerFrame[]): unknown[] {
  return patches(fs).filter(
    (p) => p.op === PatchOp.PushUrl || p.op === PatchOp.ReplaceUrl || p.op === PatchOp.Navigate,
  );
}

export { getPage };
