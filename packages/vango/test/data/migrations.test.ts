/** The migration runner on the real Postgres, each test in a schema of its own. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  loadMigrations,
  type Migration,
  MigrationError,
  migrationChecksum,
  runMigrations,
} from "../../src/data/migrations.ts";
import { runVangoMigrations, VANGO_MIGRATIONS } from "../../src/data/vango-migrations.ts";
import { type TestSchema, testSchema } from "./pg-schema.ts";

const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
});
async function schema(): Promise<TestSchema> {
  const s = await testSchema("mig");
  schemas.push(s);
  return s;
}

/** The code of what `p` rejects with, and the error. */
async function rejection(p: Promise<unknown>): Promise<[string, MigrationError]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MigrationError) return [e.code, e];
    throw e;
  }
  throw new Error("did not reject");
}

const BASE: Migration[] = [
  { version: 1, name: "items", sql: "CREATE TABLE items (id serial PRIMARY KEY, title text)" },
  {
    version: 2,
    name: "seed",
    sql: "INSERT INTO items (title) VALUES ('a');\nINSERT INTO items (title) VALUES ('b');\n",
  },
];

describe("runMigrations", () => {
  it("applies pending migrations in version order, records them with checksums, then does nothing", async () => {
    const s = await schema();
    const pool = s.pool();
    const report = await runMigrations(pool, [BASE[1]!, BASE[0]!]);
    expect(report.applied.map((a) => [a.version, a.name])).toEqual([
      [1, "items"],
      [2, "seed"],
    ]);
    expect(report).toMatchObject({ version: 2, unknown: [] });
    const { rows } = await pool.query(
      "SELECT scope, version, name, checksum FROM vango_migrations ORDER BY version",
    );
    expect(rows).toEqual([
      { scope: "app", version: 1, name: "items", checksum: migrationChecksum(BASE[0]!.sql) },
      { scope: "app", version: 2, name: "seed", checksum: migrationChecksum(BASE[1]!.sql) },
    ]);
    expect(await runMigrations(pool, BASE)).toEqual({ applied: [], version: 2, unknown: [] });
    expect((await pool.query("SELECT count(*)::int AS n FROM items")).rows[0]).toEqual({ n: 2 });
  });

  it("runs each migration in its own transaction: a failure rolls back only itself and stops", async () => {
    const s = await schema();
    const pool = s.pool();
    const broken: Migration = {
      version: 3,
      name: "half",
      sql: "CREATE TABLE half_done (x int); SELECT * FROM no_such_table;",
    };
    const later: Migration = { version: 4, name: "later", sql: "CREATE TABLE later (x int)" };
    const [code, err] = await rejection(runMigrations(pool, [...BASE, broken, later]));
    expect(code).toBe("migration_failed");
    expect((err.cause as { code?: string }).code).toBe("42P01");
    expect(err.message).toContain("migration 3 (half)");
    const tables = await pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
      [s.name],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(["items", "vango_migrations"]);
    const fixed = { ...broken, sql: "CREATE TABLE half_done (x int)" };
    const report = await runMigrations(pool, [...BASE, fixed, later]);
    expect(report.applied.map((a) => a.version)).toEqual([3, 4]);
  });

  it("refuses a changed applied migration (migration_changed) before applying anything", async () => {
    const s = await schema();
    const pool = s.pool();
    await runMigrations(pool, BASE);
    const edited = [{ ...BASE[0]!, sql: `${BASE[0]!.sql} -- edited` }, BASE[1]!];
    const pending: Migration = { version: 3, name: "x", sql: "CREATE TABLE x (y int)" };
    expect((await rejection(runMigrations(pool, [...edited, pending])))[0]).toBe(
      "migration_changed",
    );
    const renamed = [{ ...BASE[0]!, name: "things" }, BASE[1]!];
    expect((await rejection(runMigrations(pool, renamed)))[0]).toBe("migration_changed");
    const count = await pool.query("SELECT count(*)::int AS n FROM vango_migrations");
    expect(count.rows[0]).toEqual({ n: 2 });
    // Line endings are not a change.
    const crlf = BASE.map((m) => ({ ...m, sql: m.sql.replaceAll("\n", "\r\n") }));
    expect(crlf[1]!.sql).toContain("\r\n");
    expect((await runMigrations(pool, crlf)).applied).toEqual([]);
  });

  it("reports versions the table has and the list lacks (an older deploy), without failing", async () => {
    const s = await schema();
    const pool = s.pool();
    await runMigrations(pool, BASE);
    expect(await runMigrations(pool, [BASE[0]!])).toEqual({
      applied: [],
      version: 2,
      unknown: [2],
    });
  });

  it("keeps scopes apart: Vango's version 1 and the app's version 1", async () => {
    const s = await schema();
    const pool = s.pool();
    await runMigrations(pool, BASE);
    const report = await runVangoMigrations(pool);
    expect(report.applied.map((a) => [a.version, a.name])).toEqual([
      [1, "session_store"],
      [2, "session_fence"],
    ]);
    expect((await runVangoMigrations(pool)).applied).toEqual([]);
    const { rows } = await pool.query(
      "SELECT scope, version FROM vango_migrations ORDER BY scope, version",
    );
    expect(rows).toEqual([
      { scope: "app", version: 1 },
      { scope: "app", version: 2 },
      { scope: "vango", version: 1 },
      { scope: "vango", version: 2 },
    ]);
    const cols = await pool.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'vango_sessions' ORDER BY ordinal_position",
      [s.name],
    );
    expect(cols.rows).toEqual([
      { column_name: "id", data_type: "text" },
      { column_name: "data", data_type: "bytea" },
      { column_name: "expires_at", data_type: "timestamp with time zone" },
      { column_name: "fence", data_type: "bigint" },
    ]);
    expect(VANGO_MIGRATIONS.map((m) => m.version)).toEqual([1, 2]);
  });

  it("applies each migration once when instances start together (advisory lock, 4 pools)", async () => {
    const s = await schema();
    const list: Migration[] = [
      { version: 1, name: "ledger", sql: "CREATE TABLE ledger (n int)" },
      // Slow and not idempotent: applied twice, it would insert twice (or fail to create).
      { version: 2, name: "slow", sql: "SELECT pg_sleep(0.3); INSERT INTO ledger VALUES (2)" },
      { version: 3, name: "more", sql: "CREATE TABLE more (x int); INSERT INTO ledger VALUES (3)" },
    ];
    const pools = [s.pool(), s.pool(), s.pool(), s.pool()];
    const reports = await Promise.all(pools.map((p) => runMigrations(p, list)));
    const applied = reports.flatMap((r) => r.applied.map((a) => a.version)).sort();
    expect(applied).toEqual([1, 2, 3]);
    expect(reports.map((r) => r.version)).toEqual([3, 3, 3, 3]);
    const ledger = await pools[0]!.query("SELECT n FROM ledger ORDER BY n");
    expect(ledger.rows).toEqual([{ n: 2 }, { n: 3 }]);
    // Nothing is left locked.
    const locks = await pools[0]!.query(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 1447120455",
    );
    expect(locks.rows[0]).toEqual({ n: 0 });
  });

  it("gives up with migration_failed after lockTimeoutMs while another holds the lock", async () => {
    const s = await schema();
    const holder = await s.client();
    await holder.query("SELECT pg_advisory_lock(1447120455, hashtext(current_schema()))");
    const t0 = performance.now();
    const [code, err] = await rejection(runMigrations(s.pool(), BASE, { lockTimeoutMs: 300 }));
    const waited = performance.now() - t0;
    expect(code).toBe("migration_failed");
    expect((err.cause as { code?: string }).code).toBe("55P03");
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(5_000);
    // The lock is per schema: another schema migrates meanwhile.
    const other = await schema();
    expect((await runMigrations(other.pool(), BASE)).applied).toHaveLength(2);
    await holder.query("SELECT pg_advisory_unlock_all()");
    expect((await runMigrations(s.pool(), BASE)).applied).toHaveLength(2);
  });

  it("takes a connected client as well as a pool, and leaves it usable", async () => {
    const s = await schema();
    const client = await s.client();
    expect((await runMigrations(client, BASE)).applied).toHaveLength(2);
    expect((await client.query("SELECT count(*)::int AS n FROM items")).rows[0]).toEqual({ n: 2 });
    expect((await client.query("SHOW lock_timeout")).rows[0]).toEqual({ lock_timeout: "0" });
  });

  it("refuses invalid lists with migration_invalid", async () => {
    const s = await schema();
    const pool = s.pool();
    const bad: Migration[][] = [
      [BASE[0]!, { ...BASE[1]!, version: 1 }],
      [{ ...BASE[0]!, version: 0 }],
      [{ ...BASE[0]!, version: 1.5 }],
      [{ ...BASE[0]!, name: " " }],
      [{ ...BASE[0]!, sql: "" }],
    ];
    for (const list of bad) {
      expect((await rejection(runMigrations(pool, list)))[0]).toBe("migration_invalid");
    }
    await expect(runMigrations(pool, BASE, { scope: "" })).rejects.toThrow(RangeError);
    await expect(runMigrations(pool, BASE, { lockTimeoutMs: 0 })).rejects.toThrow(RangeError);
    const tables = await pool.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1",
      [s.name],
    );
    expect(tables.rows[0]).toEqual({ n: 0 });
  });

  it("fails with migration_failed when the database is unreachable", async () => {
    const pool = new pg.Pool({ host: "127.0.0.1", port: 1, connectionTimeoutMillis: 500 });
    pool.on("error", () => {});
    expect((await rejection(runMigrations(pool, BASE)))[0]).toBe("migration_failed");
    await pool.end();
  });
});

describe("loadMigrations", () => {
  const dir = mkdtempSync(join(tmpdir(), "vango-migrations-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads NNN_name.sql files in numeric order and ignores other files", async () => {
    const d = join(dir, "ok");
    mkdirSync(d);
    writeFileSync(join(d, "010_ten.sql"), "SELECT 10");
    writeFileSync(join(d, "9_nine.sql"), "SELECT 9");
    writeFileSync(join(d, "001_create-users.sql"), "CREATE TABLE users (id int)");
    writeFileSync(join(d, "README.md"), "notes");
    expect(await loadMigrations(d)).toEqual([
      { version: 1, name: "create-users", sql: "CREATE TABLE users (id int)" },
      { version: 9, name: "nine", sql: "SELECT 9" },
      { version: 10, name: "ten", sql: "SELECT 10" },
    ]);
  });

  it("refuses a misnamed .sql file and two files with one version", async () => {
    const a = join(dir, "misnamed");
    mkdirSync(a);
    writeFileSync(join(a, "001_ok.sql"), "SELECT 1");
    writeFileSync(join(a, "add users.sql"), "SELECT 2");
    expect((await rejection(loadMigrations(a)))[0]).toBe("migration_invalid");
    const b = join(dir, "twice");
    mkdirSync(b);
    writeFileSync(join(b, "001_a.sql"), "SELECT 1");
    writeFileSync(join(b, "1_b.sql"), "SELECT 2");
    expect((await rejection(loadMigrations(b)))[0]).toBe("migration_invalid");
  });
});
