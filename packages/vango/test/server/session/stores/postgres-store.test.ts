/** The Postgres store on the real server; every store gets a fresh schema, migrated. */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runMigrations } from "../../../../src/data/migrations.ts";
import { runVangoMigrations, VANGO_MIGRATIONS } from "../../../../src/data/vango-migrations.ts";
import { PostgresSessionStore } from "../../../../src/server/session/stores/postgres-store.ts";
import { type TestSchema, testSchema } from "../../../data/pg-schema.ts";
import { sessionStoreSuite } from "./store.cases.ts";

const schemas: TestSchema[] = [];
afterAll(async () => {
  for (const s of schemas) await s.drop();
});

async function migrated(): Promise<{ schema: TestSchema; pool: pg.Pool }> {
  const schema = await testSchema("pgstore");
  schemas.push(schema);
  const pool = schema.pool();
  await runVangoMigrations(pool);
  return { schema, pool };
}

/** A schema whose `vango_sessions` is as Vango's migration 1 alone left it (before fences). */
async function atVersion1(): Promise<pg.Pool> {
  const schema = await testSchema("pgstore_v1");
  schemas.push(schema);
  const pool = schema.pool();
  await runMigrations(pool, VANGO_MIGRATIONS.slice(0, 1), { scope: "vango" });
  return pool;
}

sessionStoreSuite("postgres", async () => {
  const { pool } = await migrated();
  return new PostgresSessionStore({ db: pool });
});

describe("PostgresSessionStore", () => {
  it("upserts one row per session, expiring by the database clock", async () => {
    const { pool } = await migrated();
    const store = new PostgresSessionStore({ db: pool, sweepIntervalMs: 0 });
    await store.save("s1", Uint8Array.of(1, 2), 60_000);
    await store.save("s1", Uint8Array.of(3), 120_000);
    const { rows } = await pool.query(
      "SELECT id, data, extract(epoch FROM expires_at - now()) AS left_s FROM vango_sessions",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe("s1");
    expect(rows[0].data).toEqual(Buffer.from([3]));
    expect(Number(rows[0].left_s)).toBeGreaterThan(115);
    expect(Number(rows[0].left_s)).toBeLessThanOrEqual(120);
    await store.close();
  });

  it("stores the fence with the row; a refused save leaves the row as it was", async () => {
    const { pool } = await migrated();
    const store = new PostgresSessionStore({ db: pool, sweepIntervalMs: 0 });
    expect(await store.save("s1", Uint8Array.of(1), 60_000, 0xffff_ffff)).toBe(true);
    const before = await pool.query("SELECT xmin, fence FROM vango_sessions");
    expect(before.rows[0].fence).toBe("4294967295");
    expect(await store.save("s1", Uint8Array.of(2), 60_000, 7)).toBe(false);
    expect(await store.saveAll([{ id: "s1", data: Uint8Array.of(3), ttlMs: 60_000 }])).toEqual([
      "s1",
    ]);
    // Same xmin: no new row version was written.
    expect((await pool.query("SELECT xmin, fence FROM vango_sessions")).rows).toEqual(before.rows);
    await store.close();
  });

  it("migrates a table from before fences in place; its rows load and hold fence 0", async () => {
    const pool = await atVersion1();
    await pool.query(
      "INSERT INTO vango_sessions VALUES ('old', '\\x0102', now() + interval '1 hour')",
    );
    const file = "SELECT pg_relation_filenode('vango_sessions') AS f";
    const { rows: before } = await pool.query(file);
    const report = await runVangoMigrations(pool);
    expect(report.applied.map((a) => a.version)).toEqual([2]);
    // A constant default adds the column without rewriting the table.
    expect((await pool.query(file)).rows).toEqual(before);
    const store = new PostgresSessionStore({ db: pool, sweepIntervalMs: 0 });
    expect(await store.load("old")).toEqual(Uint8Array.of(1, 2));
    expect(await store.save("old", Uint8Array.of(3), 60_000)).toBe(true);
    expect(await store.save("old", Uint8Array.of(4), 60_000, 1)).toBe(true);
    expect(await store.save("old", Uint8Array.of(5), 60_000)).toBe(false);
    expect(await store.load("old")).toEqual(Uint8Array.of(4));
    await store.close();
  });

  it("sweeps expired rows only, in batches; two instances sweeping at once split the work", async () => {
    const { pool, schema } = await migrated();
    await pool.query(
      "INSERT INTO vango_sessions SELECT 'old' || g, '\\x00', now() - interval '1 second' FROM generate_series(1, 2500) g",
    );
    await pool.query(
      "INSERT INTO vango_sessions SELECT 'live' || g, '\\x01', now() + interval '1 hour' FROM generate_series(1, 10) g",
    );
    const a = new PostgresSessionStore({ db: pool, sweepIntervalMs: 0 });
    const b = new PostgresSessionStore({ db: schema.pool(), sweepIntervalMs: 0 });
    const [na, nb] = await Promise.all([a.sweep(), b.sweep()]);
    expect(na + nb).toBe(2500);
    const left = await pool.query("SELECT count(*)::int AS n FROM vango_sessions");
    expect(left.rows[0]).toEqual({ n: 10 });
    expect(await a.sweep()).toBe(0);
    await a.close();
    await b.close();
  });

  it("sweeps on its timer", async () => {
    const { pool } = await migrated();
    const store = new PostgresSessionStore({ db: pool, sweepIntervalMs: 100 });
    await store.save("brief", Uint8Array.of(1), 50);
    const deadline = Date.now() + 5_000;
    let n = 1;
    while (n > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      n = (await pool.query("SELECT count(*)::int AS n FROM vango_sessions")).rows[0].n;
    }
    expect(n).toBe(0);
    await store.close();
  });

  it("says to run the migrations when the table is missing", async () => {
    const schema = await testSchema("pgstore_nomig");
    schemas.push(schema);
    const store = new PostgresSessionStore({ db: schema.pool(), sweepIntervalMs: 0 });
    const err = await store.load("x").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "store_unavailable" });
    expect((err as Error).message).toContain("runVangoMigrations");
    await store.close();
  });

  it("says to run the migrations when the table lacks the fence column", async () => {
    const pool = await atVersion1();
    const store = new PostgresSessionStore({ db: pool, sweepIntervalMs: 0 });
    const one = Uint8Array.of(1);
    for (const call of [
      () => store.save("x", one, 1000),
      () => store.saveAll([{ id: "x", data: one, ttlMs: 1000 }]),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "store_unavailable", cause: { code: "42703" } });
      expect((err as Error).message).toContain("runVangoMigrations");
    }
    await store.close();
  });

  it("rejects with store_unavailable when Postgres is unreachable", async () => {
    const pool = new pg.Pool({ host: "127.0.0.1", port: 1, connectionTimeoutMillis: 500 });
    pool.on("error", () => {});
    const store = new PostgresSessionStore({ db: pool, sweepIntervalMs: 0 });
    const one = Uint8Array.of(1);
    for (const call of [
      () => store.save("x", one, 1000),
      () => store.load("x"),
      () => store.delete("x"),
      () => store.touch("x", 1000),
      () => store.saveAll([{ id: "x", data: one, ttlMs: 1000 }]),
      () => store.sweep(),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: "store_unavailable" });
    }
    await store.close();
    await pool.end();
  });
});
