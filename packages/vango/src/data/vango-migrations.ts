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
 * upsert a non-HOT update (a new index entry per save, more bloat); without it updates
 * stay on their page (fillfactor 70 leaves the room) and ran 13–14k upserts/s against
 * 10–12k indexed on this machine, while the minutely sweep's sequential scan costs about
 * 1 ms per 2,000 rows. Reads go by primary key.
 */
const SESSION_STORE = `CREATE TABLE ${SESSIONS_TABLE} (
  id text PRIMARY KEY,
  data bytea NOT NULL,
  expires_at timestamptz NOT NULL
) WITH (fillfactor = 70)`;

export const VANGO_MIGRATIONS: readonly Migration[] = Object.freeze([
  { version: 1, name: "session_store", sql: SESSION_STORE },
]);

/**
 * Applies Vango's migrations (the session store's table) in the scope `"vango"`.
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
