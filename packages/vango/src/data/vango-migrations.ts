/**
 * Vango's own migrations (scope `"vango"`), applied by {@link runVangoMigrations} when an
 * app stores sessions in Postgres. Append-only, like any migration list.
 */
import {
  type MigrateOptions,
  type Migration,
  type MigrationReport,
  runMigrations,
  type SqlClient,
  type SqlPool,
} from "./migrations.ts";

/** The table `PostgresSessionStore` keeps checkpoints in. */
export const SESSIONS_TABLE = "vango_sessions";

/**
 * 1 — the session store's table: one row per session, upserted on every checkpoint.
 * No index on `expires_at`: every save rewrites it, and an indexed column makes each
 * upsert a non-HOT update, with new entries in both indexes per save. Without it (and
 * with fillfactor 70 leaving room on each page) updates stay HOT. Measured by
 * bench/session-store.bench.ts, 1,000 live rows: as migrated, 99 % HOT updates and
 * 960 KiB on disk after 116k updates; with the index, 0 % HOT and 3,024 KiB (1,320 KiB of
 * indexes) after 54k; upserts/s equal within noise. The price: the minutely sweep scans
 * the table (one row per live or detached session) instead of an index range.
 */
const SESSION_STORE = `CREATE TABLE ${SESSIONS_TABLE} (
  id text PRIMARY KEY,
  data bytea NOT NULL,
  expires_at timestamptz NOT NULL
) WITH (fillfactor = 70)`;

/**
 * 2 — each checkpoint's fence (`SessionStore.save`): the store upserts only over a row
 * whose fence is not greater, or that expired. `bigint`, since fences are u32 and
 * `integer` stops at 2³¹ − 1. With a constant default, Postgres 11+ records the value in
 * the catalog and adds the column without rewriting the table (a brief lock, not a scan),
 * and rows saved before read as fence 0, the fence of a save that names none. Not
 * indexed, so rewriting it with each upsert keeps updates HOT (see 1).
 */
const SESSION_FENCE = `ALTER TABLE ${SESSIONS_TABLE} ADD COLUMN fence bigint NOT NULL DEFAULT 0`;

export const VANGO_MIGRATIONS: readonly Migration[] = Object.freeze([
  { version: 1, name: "session_store", sql: SESSION_STORE },
  { version: 2, name: "session_fence", sql: SESSION_FENCE },
]);

/**
 * Applies Vango's migrations (the session store's table and its columns) in the scope `"vango"`.
 * @example
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await runVangoMigrations(pool);
 * const store = new PostgresSessionStore({ db: pool });
 */
export function runVangoMigrations(
  db: SqlPool | SqlClient,
  options: Omit<MigrateOptions, "scope"> = {},
): Promise<MigrationReport> {
  return runMigrations(db, VANGO_MIGRATIONS, { ...options, scope: "vango" });
}
