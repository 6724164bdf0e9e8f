/**
 * The audit log of a running app on real Postgres: each auth action lands in
 * `audit_events` with the request id the client saw (and the session for live events);
 * and with the database stopped mid-run, sign-ins keep working at full speed while the
 * overflow is dropped, counted and shown in readiness.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/auth/audit/audit-log.ts";
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
      await new Promise((r) => setTimeout(r, 100));
      const { rows } = await pool.query(
        "SELECT action, request_id, session_id, user_id, target, host(ip) AS ip, user_agent FROM audit_events ORDER BY id",
      );
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
  it("sign-ins keep working, the audit overflow is dropped and counted, readiness says degraded", async () => {
    const server = await PostgresProcess.start();
    const db = new pg.Pool({ ...server.connection, max: 2, connectionTimeoutMillis: 300 });
    db.on("error", () => {});
    await runAuditMigrations(db);
    const log = new AuditLog({
      sink: postgresAuditSink(db),
      maxQueue: 10,
      batchSize: 5,
      flushMs: 20,
      breaker: { timeoutMs: 500, failureThreshold: 1, resetMs: 10_000 },
    });
    const s = await appWith(log);
    try {
      const jar = new Jar();
      expect((await formLogin(s, jar, "ada", "correct horse")).status).toBe(303);
      await log.flush();
      await server.stop();
      const ms: number[] = [];
      for (let i = 0; i < 20; i++) {
        const ok = i % 2 === 0;
        const t0 = performance.now();
        const res = await formLogin(
          s,
          new Jar(),
          ok ? "ada" : `nobody-${i}`,
          ok ? "correct horse" : "x",
        );
        ms.push(performance.now() - t0);
        expect(res.status).toBe(ok ? 303 : 422);
      }
      ms.sort((x, y) => x - y);
      expect(ms[10]!).toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 700));
      const text = await s.app.metrics!.metrics();
      const dropped = Number(
        /vango_audit_dropped_total\{reason="queue_full"\} (\d+)/.exec(text)![1],
      );
      expect(dropped).toBeGreaterThan(0);
      const ready = (await (await fetch(`${s.base}/health/ready`)).json()) as {
        checks: Record<string, { status: string }>;
      };
      expect(ready.checks.audit_log?.status).toBe("degraded");
    } finally {
      await s.close();
      await db.end().catch(() => {});
      await server.destroy();
    }
  }, 60_000);
});
