/**
 * The audit table, through the migration runner (scope `"vango_audit"`, its own version
 * line, so it neither collides with the app's migrations nor with the session store's).
 *
 * Written append-only in batches; read by time range and by user. A BRIN index on `ts`
 * (rows arrive in time order, so a few pages of summaries cover millions of rows and
 * inserts barely touch it) and a B-tree on `(user_id, ts)`; nothing else, so writes
 * stay cheap. `ip` is `inet` (masks and ranges in queries); `metadata` is `jsonb`, at
 * most 2 KB per row by construction.
 */
import {
  type MigrateOptions,
  type Migration,
  type MigrationReport,
  runMigrations,
  type SqlClient,
  type SqlPool,
} from "../../data/migrations.ts";

export const AUDIT_TABLE = "audit_events";

const CREATE = `CREATE TABLE ${AUDIT_TABLE} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ts timestamptz NOT NULL,
  request_id text,
  trace_id text,
  session_id text,
  user_id text,
  action text NOT NULL,
  target text,
  ip inet,
  user_agent text,
  metadata jsonb
);
CREATE INDEX ${AUDIT_TABLE}_ts ON ${AUDIT_TABLE} USING brin (ts);
CREATE INDEX ${AUDIT_TABLE}_user_ts ON ${AUDIT_TABLE} (user_id, ts)`;

export const AUDIT_MIGRATIONS: readonly Migration[] = Object.freeze([
  { version: 1, name: "audit_events", sql: CREATE },
]);

/**
 * Creates (or brings up to date) the `audit_events` table.
 * @example await runAuditMigrations(pool);
 */
export function runAuditMigrations(
  db: SqlPool | SqlClient,
  options: Omit<MigrateOptions, "scope"> = {},
): Promise<MigrationReport> {
  return runMigrations(db, AUDIT_MIGRATIONS, { ...options, scope: "vango_audit" });
}
