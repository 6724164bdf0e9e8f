/**
 * A throw-away Postgres schema on the shared server (127.0.0.1:5432, database `test`):
 * every pool it makes has the schema as its `search_path`, so migrations and stores
 * create their tables there, and `drop()` removes it with everything in it. Test files
 * running at once never see each other's tables.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";

const CONNECTION = { host: "127.0.0.1", port: 5432, user: "postgres", database: "test" };

export interface TestSchema {
  readonly name: string;
  /** A new pool whose connections use this schema. */
  pool(options?: pg.PoolConfig): pg.Pool;
  /** A new, connected client using this schema. */
  client(): Promise<pg.Client>;
  /** Ends the pools and clients made here and drops the schema. */
  drop(): Promise<void>;
}

export async function testSchema(label: string): Promise<TestSchema> {
  const name = `test_${label}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = new pg.Client(CONNECTION);
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.end();
  const pools: pg.Pool[] = [];
  const clients: pg.Client[] = [];
  const options = `-c search_path=${name}`;
  return {
    name,
    pool(extra = {}) {
      const p = new pg.Pool({ ...CONNECTION, options, max: 10, ...extra });
      p.on("error", () => {});
      pools.push(p);
      return p;
    },
    async client() {
      const c = new pg.Client({ ...CONNECTION, options });
      c.on("error", () => {});
      await c.connect();
      clients.push(c);
      return c;
    },
    async drop() {
      for (const p of pools) await p.end().catch(() => {});
      for (const c of clients) await c.end().catch(() => {});
      const a = new pg.Client(CONNECTION);
      await a.connect();
      await a.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await a.end();
    },
  };
}
