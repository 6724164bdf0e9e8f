/**
 * The audit log of a running app on real Postgres: each auth action lands in
 * `audit_events` with the request id the client saw (and the session for live events);
 * and with the database stopped mid-run, sign-ins keep working without waiting on it
 * while the overflow is dropped, counted and shown in readiness.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog, type AuditRow, type AuditSink } from "../../src/auth/audit/audit-log.ts";
import { runAuditMigrations } from "../../src/auth/audit/migrations.ts";
import { postgresAuditSink } from "../../src/auth/audit/sinks.ts";
import { createAuth } from "../../src/auth/auth.ts";
import { createApp } from "../../src/server/app.ts";
import { type TestSchema, testSchema } from "../data/pg-schema.ts";
import { PostgresProcess } from "../data/postgres-process.ts";
import { captureLogger, fakeClient, TestSocket } from "../server/helpers.ts";
import { formLogin, Jar, routes, SECRET, usersForTests } from "./fixtures.tsx";

async function appWith(log: AuditLog) {
  const auth = createAuth({ users: await usersForTests(), audit: log, refreshGraceMs: 0 });
  const app = createApp(
    auth.wire({
      routes,
      clientBuilder: fakeClient,
      logger: captureLogger(),
      secret: SECRET,
      devMode: true,
    }),
  );
  auth.attach(app);
  const l = await app.listen(0);
  return {
    base: `http://127.0.0.1:${l.port}`,
    port: l.port,
    app,
    close: async () => {
      await l.close();
      await auth.close();
    },
  };
}

/**
 * A sink whose writes can be held: while held, a write waits (then goes on to `inner`),
 * so a test can see what happens while an audit write is on its way.
 */
function holdable(inner: AuditSink) {
  let gate: Promise<void> | undefined;
  let open = (): void => {};
  const sink = {
    /** Writes waiting at the gate. */
    waiting: 0,
    hold(): void {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release(): void {
      gate = undefined;
      open();
    },
    async write(rows: readonly AuditRow[]): Promise<void> {
      if (gate !== undefined) {
        sink.waiting++;
        await gate;
        sink.waiting--;
      }
      return inner.write(rows);
    },
  };
  return sink;
}

describe("audit rows in Postgres", () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  beforeAll(async () => {
    schema = await testSchema("auth_audit");
    pool = schema.pool();
    await runAuditMigrations(pool);
  });
  afterAll(() => schema.drop());

  it("every auth action is a row with the request id its client saw", async () => {
    const s = await appWith(new AuditLog({ sink: postgresAuditSink(pool), flushMs: 10 }));
    try {
      const ids: Record<string, string | null> = {};
      const jar = new Jar();
      ids.failure = (await formLogin(s, jar, "ada", "wrong")).headers.get("x-request-id");
      ids.success = (await formLogin(s, jar, "ada", "correct horse")).headers.get("x-request-id");
      ids.guard = (
        await new Jar().fetch(`${s.base}/account`, { headers: { accept: "text/html" } })
      ).headers.get("x-request-id");
      // A live event: the row carries the session and its page request's id.
      const page = await jar.page(s.base, "/account");
      ids.page = page.headers.get("x-request-id");
      const socket = await TestSocket.open(s.port, jar.header());
      await socket.attach(page);
      socket.click(
        Number(/<button data-hid="(\d+)" type="button" class="inc"/.exec(page.html)![1]),
      );
      await socket.next();
      socket.close();
      // Refresh reuse.
      const stolen = jar.get("vango_rt")!;
      jar.delete("vango_at");
      await jar.page(s.base, "/");
      const thief = new Jar();
      thief.set("vango_rt", stolen);
      ids.reuse = (
        await thief.fetch(`${s.base}/account`, { headers: { accept: "text/html" } })
      ).headers.get("x-request-id");
      await formLogin(s, jar, "ada", "correct horse");
      const lp = await jar.page(s.base, "/account");
      ids.logout = (await jar.post(s.base, "/logout", lp.csrf, {})).headers.get("x-request-id");
      // Written on the log's timer, by Postgres: waited for, not assumed after a sleep.
      const query = async () =>
        (
          await pool.query(
            "SELECT action, request_id, session_id, user_id, target, host(ip) AS ip, user_agent FROM audit_events ORDER BY id",
          )
        ).rows;
      const all = [
        "login.failure",
        "login.success",
        "guard.refused",
        "counter.inc",
        "refresh.reuse",
        "logout",
        "auth.revoke",
      ];
      await expect
        .poll(async () => (await query()).map((r) => r.action), { timeout: 5_000 })
        .toEqual(expect.arrayContaining(all));
      const rows = await query();
      const by = (action: string) => rows.filter((r) => r.action === action);
      expect(by("login.failure")[0]).toMatchObject({
        request_id: ids.failure,
        target: "ada",
        ip: "127.0.0.1",
      });
      expect(by("login.success")[0]).toMatchObject({ request_id: ids.success, user_id: "u-ada" });
      expect(by("guard.refused")[0]).toMatchObject({ request_id: ids.guard, target: "/account" });
      expect(by("counter.inc")[0]).toMatchObject({ request_id: ids.page, user_id: "u-ada" });
      expect(by("counter.inc")[0].session_id).toMatch(/\w+/);
      expect(by("refresh.reuse")[0]).toMatchObject({ request_id: ids.reuse, target: "u-ada" });
      expect(by("logout")[0]).toMatchObject({ request_id: ids.logout, user_id: "u-ada" });
      expect(by("auth.revoke").length).toBeGreaterThanOrEqual(1);
      for (const r of rows) expect(r.request_id).not.toBeNull();
      expect(rows.every((r) => typeof r.user_agent === "string")).toBe(true);
    } finally {
      await s.close();
    }
  });
});

describe("Postgres stopped mid-run", () => {
  // Logins do not wait on the audit write: they all complete while one is held on its
  // way to the stopped database (a login that waited for it would hang until the test
  // times out). Timing them proved nothing about that: a stopped server refuses
  // connections at once, and with the circuit open no write is even tried.
  it("sign-ins keep working without waiting on it, the audit overflow is dropped and counted, readiness says degraded", async () => {
    const server = await PostgresProcess.start();
    const db = new pg.Pool({ ...server.connection, max: 2, connectionTimeoutMillis: 300 });
    db.on("error", () => {});
    await runAuditMigrations(db);
    const sink = holdable(postgresAuditSink(db));
    const log = new AuditLog({
      sink,
      maxQueue: 10,
      batchSize: 5,
      flushMs: 20,
      // The held write must not end at the breaker's deadline while the logins run.
      breaker: { timeoutMs: 60_000, failureThreshold: 1, resetMs: 10_000 },
    });
    const s = await appWith(log);
    try {
      const jar = new Jar();
      expect((await formLogin(s, jar, "ada", "correct horse")).status).toBe(303);
      await log.flush();
      await server.stop();
      // The next write waits on its way to the stopped database until the logins are done.
      sink.hold();
      expect((await formLogin(s, new Jar(), "ada", "correct horse")).status).toBe(303);
      await expect.poll(() => sink.waiting, { timeout: 5_000 }).toBe(1);
      for (let i = 0; i < 20; i++) {
        const ok = i % 2 === 0;
        const res = await formLogin(
          s,
          new Jar(),
          ok ? "ada" : `nobody-${i}`,
          ok ? "correct horse" : "x",
        );
        expect(res.status).toBe(ok ? 303 : 422);
      }
      // Every login completed with that write still held: none waited for it.
      expect(sink.waiting).toBe(1);
      sink.release();
      const ready = async () =>
        (
          (await (await fetch(`${s.base}/health/ready`)).json()) as {
            checks: Record<string, { status: string }>;
          }
        ).checks.audit_log?.status;
      await expect.poll(ready, { timeout: 5_000 }).toBe("degraded");
      const text = await s.app.metrics!.metrics();
      const dropped = Number(
        /vango_audit_dropped_total\{reason="queue_full"\} (\d+)/.exec(text)![1],
      );
      // 21 events while a write of at most 5 was held and the queue holds 10.
      expect(dropped).toBeGreaterThanOrEqual(6);
    } finally {
      await s.close();
      await db.end().catch(() => {});
      await server.destroy();
    }
  }, 60_000);
});
