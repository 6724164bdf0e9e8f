/**
 * Session state (issue 13): the state codec on a typical checkpoint, and each session
 * store's operations per second on the real services (Redis 127.0.0.1:6379 or
 * `REDIS_URL`, Postgres 127.0.0.1:5432 database `test` or `DATABASE_URL`, a temporary
 * directory for the file store). A service that does not answer is reported and
 * skipped. Store rows run a fixed number of operations with 1 call in flight
 * (latency-bound) or 64 in flight, after two warm-up runs, median of 5 runs.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { runVangoMigrations } from "../src/data/vango-migrations.ts";
import type { SessionEntry, SessionStore } from "../src/server/session/session-store.ts";
import { FileSessionStore } from "../src/server/session/stores/file-store.ts";
import { MemorySessionStore } from "../src/server/session/stores/memory-store.ts";
import { PostgresSessionStore } from "../src/server/session/stores/postgres-store.ts";
import { RedisSessionStore } from "../src/server/session/stores/redis-store.ts";
import { ResilientSessionStore } from "../src/server/session/stores/resilient-store.ts";
import { StateCodec } from "../src/state/codec.ts";
import { type BenchResult, bench, median, printTable } from "./util.ts";

// ---- the codec ----

/** What the "Resume elsewhere" sketch stores for the demo's home page: a counter and an echo input. */
const counterText = {
  route: "/",
  url: "/",
  seq: 42,
  components: { "0:App/0:Counter": [7], "0:App/1:Echo": ["hello, world"] },
};
/** A bigger page: a todo list of 100 items with dates, a Set of tags and a Map of drafts. */
const todos = {
  route: "/todos",
  url: "/todos?filter=open",
  seq: 1234,
  components: {
    "0:App/0:Todos": [
      Array.from({ length: 100 }, (_, i) => ({
        id: i,
        title: `Write the ${i}th thing down`,
        done: i % 3 === 0,
        created: new Date(1_700_000_000_000 + i * 60_000),
      })),
      new Set(["home", "work", "errands"]),
      new Map([["draft", "buy milk"]]),
      undefined,
    ],
  },
};

const codec = new StateCodec();
const codecRows: BenchResult[] = [];
let sink = 0;
for (const [name, value] of [
  ["counter+text checkpoint", counterText],
  ["todo list (100 items, Dates, Set, Map)", todos],
] as const) {
  const bytes = codec.encode(value);
  codecRows.push(
    bench(`encode ${name}`, () => (sink += codec.encode(value).length), {
      note: `${bytes.length} B`,
    }),
  );
  codecRows.push(bench(`decode ${name}`, () => (sink += codec.decode(bytes) === null ? 1 : 0)));
}
const plain = { route: "/", url: "/", seq: 42, components: counterText.components };
const encoder = new TextEncoder();
codecRows.push(
  bench("reference: TextEncoder(JSON.stringify) of the counter+text checkpoint", () => {
    sink += encoder.encode(JSON.stringify([1, plain])).length;
  }),
);
printTable("State codec", codecRows);

// ---- the stores ----

const checkpoint = codec.encode(counterText);
const OPS = 4_000;

interface StoreRow {
  name: string;
  opsPerSec: number;
  usPerOp: number;
}

/** Median ops/s over 5 runs of `ops` calls with `inFlight` outstanding at a time. */
async function timeAsync(
  name: string,
  ops: number,
  inFlight: number,
  op: (i: number) => Promise<unknown>,
): Promise<StoreRow> {
  const run = async () => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < ops) await op(next++);
      }),
    );
    return performance.now() - t0;
  };
  // Warm-up: connections, prepared statements, JIT, and the previous row's garbage.
  await run();
  await run();
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) samples.push(await run());
  const ms = median(samples);
  return { name, opsPerSec: (ops / ms) * 1000, usPerOp: (ms * 1000) / ops };
}

async function storeRows(label: string, store: SessionStore, ops = OPS): Promise<StoreRow[]> {
  const rows: StoreRow[] = [];
  const id = (i: number) => `bench-${i % 1000}`;
  rows.push(
    await timeAsync(`${label} save, 1 in flight`, ops / 4, 1, (i) =>
      store.save(id(i), checkpoint, 600_000),
    ),
  );
  rows.push(
    await timeAsync(`${label} save, 64 in flight`, ops, 64, (i) =>
      store.save(id(i), checkpoint, 600_000),
    ),
  );
  rows.push(await timeAsync(`${label} load, 1 in flight`, ops / 4, 1, (i) => store.load(id(i))));
  rows.push(await timeAsync(`${label} load, 64 in flight`, ops, 64, (i) => store.load(id(i))));
  const entries: SessionEntry[] = Array.from({ length: 1000 }, (_, i) => ({
    id: `all-${i}`,
    data: checkpoint,
    ttlMs: 600_000,
  }));
  const all = await timeAsync(`${label} saveAll of 1,000`, 5, 1, () => store.saveAll(entries));
  rows.push({ name: all.name, opsPerSec: all.opsPerSec * 1000, usPerOp: all.usPerOp / 1000 });
  return rows;
}

/**
 * The file store's CPU per checkpoint — main thread and writer thread together
 * (`process.cpuUsage`) — as the persistence flush uses it: 1,000 sessions saved again
 * and again in batches of 100, with their files kept open between saves (the default)
 * and closed after each (`openFiles: 0`). The two stores alternate, 7 rounds of 10
 * passes each after a warm-up pass; the median round.
 */
async function keptOpenRows(dir: string): Promise<StoreRow[]> {
  const entries = (pass: number): SessionEntry[][] =>
    Array.from({ length: 10 }, (_, b) =>
      Array.from({ length: 100 }, (_, i) => ({
        id: `kept-${b * 100 + i}`,
        data: checkpoint,
        ttlMs: 600_000 + pass,
      })),
    );
  const setups = [
    ["file saveAll in batches of 100, same 1,000 sessions, files kept open (CPU)", undefined],
    ["file saveAll in batches of 100, same 1,000 sessions, openFiles: 0 (CPU)", 0],
  ] as const;
  const stores = await Promise.all(
    setups.map(([, openFiles], i) =>
      FileSessionStore.open({ dir: join(dir, `kept-${i}`), sweepIntervalMs: 0, openFiles }),
    ),
  );
  const pass = async (store: FileSessionStore, n: number) => {
    for (const batch of entries(n)) await store.saveAll(batch);
  };
  for (const store of stores) await pass(store, 0);
  const samples: number[][] = setups.map(() => []);
  for (let round = 0; round < 7; round++) {
    for (let k = 0; k < stores.length; k++) {
      const i = round % 2 === 0 ? k : stores.length - 1 - k;
      const before = process.cpuUsage();
      for (let n = 1; n <= 10; n++) await pass(stores[i]!, n);
      const used = process.cpuUsage(before);
      samples[i]!.push((used.user + used.system) / 10_000);
    }
  }
  for (const store of stores) await store.close();
  return setups.map(([name], i) => {
    const us = median(samples[i]!);
    return { name, opsPerSec: 1e6 / us, usPerOp: us };
  });
}

function printStoreTable(title: string, rows: readonly StoreRow[], note: string): void {
  const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1));
  console.log(`\n### ${title}\n`);
  console.log(note);
  console.log("\n| case | checkpoints/s | µs per checkpoint |");
  console.log("|---|---:|---:|");
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.opsPerSec)} | ${fmt(r.usPerOp)} |`);
}

const rows: StoreRow[] = [];
const tableNotes: string[] = [];

const memory = new MemorySessionStore({ sweepIntervalMs: 0 });
rows.push(...(await storeRows("memory", memory)));
const resilient = new ResilientSessionStore({
  store: new MemorySessionStore({ sweepIntervalMs: 0 }),
});
rows.push(...(await storeRows("resilient(memory)", resilient)));
await memory.close();
await resilient.close();

const dir = mkdtempSync(join(tmpdir(), "vango-bench-files-"));
try {
  const files = await FileSessionStore.open({ dir, sweepIntervalMs: 0 });
  rows.push(...(await storeRows("file", files)));
  await files.close();
  const synced = await FileSessionStore.open({
    dir: join(dir, "fsync"),
    fsync: true,
    sweepIntervalMs: 0,
  });
  rows.push(
    await timeAsync("file (fsync) save, 1 in flight", 200, 1, (i) =>
      synced.save(`s${i % 100}`, checkpoint, 600_000),
    ),
  );
  rows.push(
    await timeAsync("file (fsync) save, 64 in flight", 1000, 64, (i) =>
      synced.save(`s${i % 1000}`, checkpoint, 600_000),
    ),
  );
  await synced.close();
  rows.push(...(await keptOpenRows(dir)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
redis.on("error", () => {});
const prefix = `bench:vango:session:${randomUUID()}:`;
try {
  await redis.connect();
  rows.push(...(await storeRows("redis", new RedisSessionStore({ client: redis, prefix }))));
  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
} catch (e) {
  console.log(`\n(redis at ${redisUrl} skipped: ${(e as Error).message})`);
} finally {
  redis.disconnect();
}

const schema = `bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
const connection = process.env.DATABASE_URL
  ? { connectionString: process.env.DATABASE_URL }
  : { host: "127.0.0.1", port: 5432, user: "postgres", database: "test" };
const admin = new pg.Pool({ ...connection, max: 1, connectionTimeoutMillis: 2000 });
admin.on("error", () => {});
try {
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`CREATE SCHEMA ${schema}_indexed`);
  const pool = new pg.Pool({ ...connection, max: 16, options: `-c search_path=${schema}` });
  // The design vango_sessions rejected (see data/vango-migrations.ts), side by side: an
  // index on expires_at and the default fillfactor.
  const indexedPool = new pg.Pool({
    ...connection,
    max: 16,
    options: `-c search_path=${schema}_indexed`,
  });
  try {
    await runVangoMigrations(pool);
    await runVangoMigrations(indexedPool);
    await indexedPool.query("ALTER TABLE vango_sessions SET (fillfactor = 100)");
    await indexedPool.query("CREATE INDEX ON vango_sessions (expires_at)");
    const store = new PostgresSessionStore({ db: pool, sweepIntervalMs: 0 });
    rows.push(...(await storeRows("postgres", store)));
    const indexed = new PostgresSessionStore({ db: indexedPool, sweepIntervalMs: 0 });
    for (let round = 1; round <= 2; round++) {
      for (const [label, s] of [
        ["postgres", store],
        ["postgres, expires_at indexed", indexed],
      ] as const) {
        rows.push(
          await timeAsync(`${label} save, 64 in flight (round ${round})`, OPS, 64, (i) =>
            s.save(`bench-${i % 1000}`, checkpoint, 600_000),
          ),
        );
      }
    }
    // Pooled backends publish their statistics within a second of going idle.
    await new Promise((r) => setTimeout(r, 1500));
    for (const [label, p] of [
      ["vango_sessions as migrated", pool],
      ["with an expires_at index", indexedPool],
    ] as const) {
      const { rows: stats } = await p.query(
        `SELECT n_tup_upd::int AS upd, n_tup_hot_upd::int AS hot,
           pg_total_relation_size(relid)::int AS bytes, pg_indexes_size(relid)::int AS idx
         FROM pg_stat_user_tables WHERE relname = 'vango_sessions' AND schemaname = current_schema()`,
      );
      const st = stats[0] as { upd: number; hot: number; bytes: number; idx: number };
      tableNotes.push(
        `${label}: ${st.upd.toLocaleString("en-US")} updates, ${Math.round((100 * st.hot) / Math.max(1, st.upd))} % HOT; ` +
          `${Math.round(st.bytes / 1024)} KiB in all, ${Math.round(st.idx / 1024)} KiB of it indexes (1,000 live rows)`,
      );
    }
  } finally {
    await pool.end();
    await indexedPool.end();
  }
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.query(`DROP SCHEMA ${schema}_indexed CASCADE`);
} catch (e) {
  console.log(`\n(postgres skipped: ${(e as Error).message})`);
} finally {
  await admin.end();
}

printStoreTable(
  "Session stores",
  rows,
  `Checkpoint: the counter+text one above (${checkpoint.length} B), over 1,000 ids; saveAll rows count checkpoints.`,
);
for (const note of tableNotes) console.log(`\n- ${note}`);
if (sink === -1) console.log(sink);
