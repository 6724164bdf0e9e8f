/**
 * Auth (issue 15): what each piece costs.
 *
 * - Per event: auth's event middleware on a signed-in live session (a clock comparison
 *   and a flag) and on an anonymous one, against calling the rest of the chain directly.
 * - Per request: an access token verified by jose (HS256, EdDSA) and one seen before.
 * - Login: a JS-off login (GET /login, then the POST) end to end over HTTP with the
 *   default scrypt cost, sequentially — p50 and p95 of the POST.
 * - Audit: rows per second into `audit_events` on the local Postgres (batches of 500).
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import pg from "pg";
import { login } from "../src/auth/actions.ts";
import { AuditLog } from "../src/auth/audit/audit-log.ts";
import { runAuditMigrations } from "../src/auth/audit/migrations.ts";
import { postgresAuditSink } from "../src/auth/audit/sinks.ts";
import { createAuth } from "../src/auth/auth.ts";
import { KeyRing } from "../src/auth/keys.ts";
import { AUTH_LOCAL, SessionAuth } from "../src/auth/session-auth.ts";
import { TokenService } from "../src/auth/tokens.ts";
import { memoryUsers } from "../src/auth/users.ts";
import { createApp } from "../src/server/app.ts";
import { silentLogger } from "../src/server/core/logger.ts";
import { SETTLED } from "../src/server/core/middleware.ts";
import type { EventContext } from "../src/server/session/event-context.ts";
import type { Session } from "../src/server/session/session.ts";
import { bench, median, printTable } from "./util.ts";

const users = await memoryUsers([
  { id: "u1", name: "demo", password: "demo-password", roles: ["user"] },
]);
const user = { id: "u1", name: "demo", roles: ["user"] };

// --- per event ---------------------------------------------------------------------
const auth = createAuth({ users });
auth.wire({ routes: { "/": () => null }, logger: silentLogger, secret: "bench-secret-0123456789" });
const fakeSession = (sa: SessionAuth): Session =>
  ({
    id: "s",
    state: 1,
    root: { state: { request: { locals: new Map([[AUTH_LOCAL, sa]]) } } },
  }) as unknown as Session;
const signedIn = new SessionAuth({
  core: auth.core,
  ip: "127.0.0.1",
  userAgent: undefined,
  record: undefined,
});
signedIn.signIn({
  user,
  family: "f",
  accessExp: Date.now() + 3_600_000,
  signInExp: Date.now() + 7_200_000,
});
const anonymous = new SessionAuth({
  core: auth.core,
  ip: "127.0.0.1",
  userAgent: undefined,
  record: undefined,
});
const ctxOf = (s: Session) => ({ session: s, userId: undefined }) as unknown as EventContext;
const signedCtx = ctxOf(fakeSession(signedIn));
const anonCtx = ctxOf(fakeSession(anonymous));
const next = () => SETTLED;
let sink = 0;
printTable("Auth per event (ns per event, median of 7 runs)", [
  bench("no auth middleware: next() called directly", () => {
    sink += next() === SETTLED ? 1 : 0;
  }),
  bench("auth.event, signed-in session", () => {
    sink += auth.event(signedCtx, next) === SETTLED ? 1 : 0;
  }),
  bench("auth.event, anonymous session", () => {
    sink += auth.event(anonCtx, next) === SETTLED ? 1 : 0;
  }),
]);

// --- per request: token verification -------------------------------------------------
const hs = new TokenService(KeyRing.fromSecret("bench-secret-0123456789"), "vango", "app");
const { privateKey } = generateKeyPairSync("ed25519");
const ed = new TokenService(
  KeyRing.fromJwks({ keys: [{ ...privateKey.export({ format: "jwk" }), kid: "k" }] }),
  "vango",
  "app",
);
const verifyRows = [];
for (const [name, svc] of [
  ["HS256", hs],
  ["EdDSA", ed],
] as const) {
  const tokens: string[] = [];
  for (let i = 0; i < 2_000; i++)
    tokens.push(
      (await svc.signAccess(user, "f", Date.now() + 600_000, Date.now() + 600_000)).token,
    );
  const fresh = new TokenService(svc.ring, "vango", "app");
  const t0 = performance.now();
  for (const t of tokens) await fresh.verifyAccess(t);
  const first = ((performance.now() - t0) * 1e6) / tokens.length;
  verifyRows.push({
    name: `verify ${name}, first time (jose)`,
    nsPerOp: first,
    opsPerSec: 1e9 / first,
    runs: 1,
  });
  const t1 = performance.now();
  for (let r = 0; r < 10; r++) for (const t of tokens) await fresh.verifyAccess(t);
  const again = ((performance.now() - t1) * 1e6) / (tokens.length * 10);
  verifyRows.push({
    name: `verify ${name}, seen before (cache)`,
    nsPerOp: again,
    opsPerSec: 1e9 / again,
    runs: 1,
  });
}
printTable("Access token verification (ns per token; 2,000 distinct tokens)", verifyRows);
await auth.close();

// --- login, end to end -----------------------------------------------------------------
{
  const a = createAuth({ users, loginLimits: { perIp: { limit: 10_000, windowMs: 60_000 } } });
  const app = createApp(
    a.wire({
      routes: {
        "/login": {
          default: () => (
            <form method="post">
              <input name="username" />
            </form>
          ),
          action: login,
        },
        "/account": () => <p>ok</p>,
      },
      logger: silentLogger,
      secret: "bench-secret-0123456789",
      devMode: true,
      rateLimit: false,
    }),
  );
  const l = await app.listen(0);
  const base = `http://127.0.0.1:${l.port}`;
  const ms: number[] = [];
  for (let i = 0; i < 40; i++) {
    const page = await fetch(`${base}/login`);
    const html = await page.text();
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const t0 = performance.now();
    const res = await fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        username: "demo",
        password: "demo-password",
        _csrf: csrf,
      }).toString(),
    });
    await res.arrayBuffer();
    if (res.status !== 303) throw new Error(`login ${res.status}`);
    if (i >= 5) ms.push(performance.now() - t0);
  }
  ms.sort((x, y) => x - y);
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  console.log(
    `\n### Login over HTTP, JS off (35 sequential POSTs after 5 warm-ups, scrypt N=2^15 r=8 p=1)\n\n| p50 | p95 | max |\n|---:|---:|---:|\n| ${p(0.5).toFixed(1)} ms | ${p(0.95).toFixed(1)} ms | ${ms.at(-1)!.toFixed(1)} ms |`,
  );
  await l.close();
  await a.close();
}

// --- audit write throughput ---------------------------------------------------------------
{
  const connection = { host: "127.0.0.1", port: 5432, user: "postgres", database: "test" };
  const schema = `bench_audit_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = new pg.Pool({ ...connection, max: 1, connectionTimeoutMillis: 2000 });
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    const pool = new pg.Pool({ ...connection, max: 4, options: `-c search_path=${schema}` });
    await runAuditMigrations(pool);
    const rows: { name: string; nsPerOp: number; opsPerSec: number; runs: number; note: string }[] =
      [];
    for (const batchSize of [100, 500]) {
      const log = new AuditLog({ sink: postgresAuditSink(pool), batchSize, maxQueue: 100_000 });
      const n = 50_000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        log.record({
          action: "bench.event",
          target: `t${i}`,
          requestId: randomUUID(),
          sessionId: "s1",
          userId: "u1",
          ip: "203.0.113.9",
          userAgent: "Mozilla/5.0 (bench)",
          metadata: { i, note: "some detail", password: "x" },
        });
      }
      const queued = performance.now() - t0;
      await log.close(60_000);
      const total = performance.now() - t0;
      rows.push({
        name: `${n.toLocaleString("en-US")} events, batches of ${batchSize}`,
        nsPerOp: (total * 1e6) / n,
        opsPerSec: n / (total / 1000),
        runs: 1,
        note: `record() ${((queued * 1e6) / n).toFixed(0)} ns each`,
      });
    }
    printTable("Audit log into Postgres (ns per row written; rows/s)", rows);
    await pool.end();
  } catch (err) {
    console.log(`\n(audit throughput skipped: ${(err as Error).message})`);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await admin.end();
  }
}
void median;
if (sink < 0) console.log(sink);
