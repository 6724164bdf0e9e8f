/**
 * An app with auth for the tests: a login page, a logout page, `/account` and `/admin`
 * behind `_middleware` guards, `/mine` behind `requireUser()`, a layout that shows the
 * user; a cookie jar for fetch; and an audit sink that keeps its rows.
 */
import { Redis } from "ioredis";
import { AuditLog, type AuditRow, type AuditSink } from "../../src/auth/audit/audit-log.ts";
import { type Auth, type AuthOptions, createAuth } from "../../src/auth/auth.ts";
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
import { createApp } from "../../src/server/app.ts";
import type { AppOptions } from "../../src/server/config/options.ts";
import type { VChild } from "../../src/vdom/vnode.ts";
import { captureLogger, fakeClient, getPage, type Page } from "../server/helpers.ts";

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
  "/admin": () => <h1>Admin</h1>,
  "/mine": Mine,
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

/** A Redis client for tests, and a prefix of its own to clean up. */
export function testRedis(): { client: Redis; cleanup(prefix: string): Promise<void> } {
  const client = new Redis({ host: "127.0.0.1", port: 6379 });
  return {
    client,
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

export { getPage };
