/**
 * Versioned SQL migrations for Postgres: an ordered list of `{ version, name, sql }`,
 * each applied in its own transaction and recorded in `vango_migrations` with a checksum
 * of its SQL. Safe for several instances starting at once: the runner holds a Postgres
 * advisory lock while it reads and applies, so each migration is applied exactly once
 * and a second instance waits, then finds nothing left to do.
 *
 * - A migration already applied whose SQL (or name) changed is refused
 *   (`migration_changed`) before anything runs: edit history by adding a migration.
 * - A failing migration rolls back its own transaction and stops the run
 *   (`migration_failed`, the database error as `cause`); those before it stay applied.
 * - Versions recorded in the table but absent from the list (a newer deploy ran them, an
 *   old instance is still starting) are reported, not refused, so rolling deploys work.
 * - Statements that cannot run inside a transaction (`CREATE INDEX CONCURRENTLY`) are
 *   not supported; neither is SQL that commits on its own.
 *
 * Tables are created in the connection's `search_path` (the first schema), and the lock
 * is per schema, so two apps in two schemas of one database never wait for each other.
 * The runner takes any `pg`-like pool or client, so the package does not depend on `pg`.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createError } from "../errors/create-error.ts";
import { ERRORS } from "../protocol/errors.ts";

/** One migration; `version` orders them and is its identity within a scope. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** A query's result, as `pg` returns it. */
export interface SqlResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

/** A prepared-statement query (`pg` caches the plan per connection under `name`). */
export interface SqlQuery {
  readonly name?: string;
  readonly text: string;
  readonly values?: unknown[];
}

/** What Vango needs from a Postgres connection (`pg` `Pool`, `Client` and `PoolClient` fit). */
export interface SqlClient {
  query(query: string | SqlQuery, values?: unknown[]): Promise<SqlResult>;
}

/** A connection checked out of a pool. */
export interface SqlPoolClient extends SqlClient {
  release(err?: Error | boolean): void;
}

/** A pool (`pg.Pool` fits): the runner checks out one connection for the lock and its transactions. */
export interface SqlPool extends SqlClient {
  connect(): Promise<SqlPoolClient>;
  readonly totalCount: number;
}

export interface MigrateOptions {
  /**
   * Whose migrations these are (default `"app"`): versions are unique per scope, so an
   * app's `001_users.sql` and Vango's own version 1 do not collide.
   */
  readonly scope?: string;
  /** How long to wait for another instance's run to finish, in ms (default 60,000). */
  readonly lockTimeoutMs?: number;
}

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly durationMs: number;
}

export interface MigrationReport {
  /** Migrations this run applied, in order. */
  readonly applied: readonly AppliedMigration[];
  /** Highest version now applied in the scope (0 when none). */
  readonly version: number;
  /** Versions the table records for the scope that the list does not have. */
  readonly unknown: readonly number[];
}

type MigrationErrorCode = "migration_invalid" | "migration_changed" | "migration_failed";

/**
 * The runner's coded errors: `migration_invalid` (the list), `migration_changed` (an
 * applied migration was edited), `migration_failed` (its SQL failed, or no lock in time).
 * @example
 * try { await runMigrations(pool, list) } catch (e) { if (e instanceof MigrationError) process.exit(1) }
 */
export const MigrationError = /* @__PURE__ */ createError<MigrationErrorCode>(
  "MigrationError",
  (code) => ERRORS[code].status,
);
export type MigrationError = InstanceType<typeof MigrationError>;

/** Spells "VANG": the advisory lock's first key; the second is the schema's hash. */
const LOCK_CLASS = 0x56414e47;
const LOCK_ARGS = "$1::int4, hashtext(coalesce(current_schema(), ''))";
const FILE_NAME = /^(\d+)_([A-Za-z0-9][\w-]*)\.sql$/;
const MAX_VERSION = 2 ** 31 - 1;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS vango_migrations (
  scope text NOT NULL,
  version integer NOT NULL,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms integer NOT NULL,
  PRIMARY KEY (scope, version)
)`;

/**
 * SHA-256 (hex) of a migration's SQL with line endings normalized, so a checkout that
 * turns `\n` into `\r\n` does not count as a change.
 */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n?/g, "\n")).digest("hex");
}

/** Checks the list (`migration_invalid`) and returns it sorted by version. */
function validate(migrations: readonly Migration[]): Migration[] {
  if (!Array.isArray(migrations)) throw new MigrationError("migration_invalid", "not an array");
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 0; i < sorted.length; i++) {
    const m = sorted[i]!;
    if (!Number.isInteger(m.version) || m.version < 1 || m.version > MAX_VERSION) {
      throw new MigrationError("migration_invalid", `version ${m.version} is not an integer ≥ 1`);
    }
    if (i > 0 && sorted[i - 1]!.version === m.version) {
      throw new MigrationError("migration_invalid", `version ${m.version} appears twice`);
    }
    if (typeof m.name !== "string" || m.name.trim() === "") {
      throw new MigrationError("migration_invalid", `version ${m.version} has no name`);
    }
    if (typeof m.sql !== "string" || m.sql.trim() === "") {
      throw new MigrationError("migration_invalid", `${label(m)} has no SQL`);
    }
  }
  return sorted;
}

const label = (m: Migration) => `migration ${m.version} (${m.name})`;

function isPool(db: SqlPool | SqlClient): db is SqlPool {
  return (
    typeof (db as SqlPool).connect === "function" && typeof (db as SqlPool).totalCount === "number"
  );
}

/**
 * Applies the migrations of `migrations` not yet recorded for the scope, in version
 * order, each in its own transaction, under an advisory lock.
 * @example
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const report = await runMigrations(pool, await loadMigrations("./migrations"));
 * log.info({ applied: report.applied.length, version: report.version }, "migrations");
 */
export async function runMigrations(
  db: SqlPool | SqlClient,
  migrations: readonly Migration[],
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const list = validate(migrations);
  const scope = options.scope ?? "app";
  if (typeof scope !== "string" || scope === "" || scope.length > 64) {
    throw new RangeError("migrations: scope must be 1..64 characters");
  }
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs < 1) {
    throw new RangeError("migrations: lockTimeoutMs must be an integer ≥ 1");
  }
  const pooled = isPool(db) ? await connect(db) : undefined;
  const client: SqlClient = pooled ?? db;
  let broken: Error | undefined;
  try {
    await lock(client, lockTimeoutMs);
    try {
      return await apply(client, list, scope);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK_ARGS})`, [LOCK_CLASS]).catch((e) => {
        // The connection is unusable: the pool must not hand it out again (closing it
        // also releases the lock on the server).
        broken = e as Error;
      });
    }
  } finally {
    pooled?.release(broken ?? false);
  }
}

async function connect(pool: SqlPool): Promise<SqlPoolClient> {
  try {
    return await pool.connect();
  } catch (e) {
    throw new MigrationError("migration_failed", "no database connection", { cause: e });
  }
}

async function lock(client: SqlClient, timeoutMs: number): Promise<void> {
  try {
    // lock_timeout bounds the wait for the advisory lock too (SQLSTATE 55P03 when it ends).
    await client.query(`SET lock_timeout = ${timeoutMs}`);
    try {
      await client.query(`SELECT pg_advisory_lock(${LOCK_ARGS})`, [LOCK_CLASS]);
    } finally {
      await client.query("RESET lock_timeout");
    }
  } catch (e) {
    const timedOut = (e as { code?: unknown }).code === "55P03";
    const detail = timedOut
      ? `another instance held the migration lock for more than ${timeoutMs} ms`
      : "could not take the migration lock";
    throw new MigrationError("migration_failed", detail, { cause: e });
  }
}

async function apply(
  client: SqlClient,
  list: readonly Migration[],
  scope: string,
): Promise<MigrationReport> {
  let recorded: Map<number, { name: string; checksum: string }>;
  try {
    await client.query(CREATE_TABLE);
    const { rows } = await client.query(
      "SELECT version, name, checksum FROM vango_migrations WHERE scope = $1",
      [scope],
    );
    recorded = new Map(
      rows.map((r) => [Number(r.version), { name: String(r.name), checksum: String(r.checksum) }]),
    );
  } catch (e) {
    throw new MigrationError("migration_failed", "cannot read vango_migrations", { cause: e });
  }
  const pending: Migration[] = [];
  for (const m of list) {
    const done = recorded.get(m.version);
    if (done === undefined) pending.push(m);
    else if (done.checksum !== migrationChecksum(m.sql) || done.name !== m.name) {
      throw new MigrationError(
        "migration_changed",
        `${label(m)} differs from the one applied (${done.name}); add a new migration instead`,
      );
    }
  }
  const known = new Set(list.map((m) => m.version));
  const unknown = [...recorded.keys()].filter((v) => !known.has(v)).sort((a, b) => a - b);
  const applied: AppliedMigration[] = [];
  for (const m of pending) applied.push(await applyOne(client, m, scope));
  let version = 0;
  for (const v of recorded.keys()) version = Math.max(version, v);
  for (const a of applied) version = Math.max(version, a.version);
  return { applied, version, unknown };
}

async function applyOne(client: SqlClient, m: Migration, scope: string): Promise<AppliedMigration> {
  const start = performance.now();
  try {
    await client.query("BEGIN");
    await client.query(m.sql);
    const durationMs = Math.round(performance.now() - start);
    await client.query(
      "INSERT INTO vango_migrations (scope, version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4, $5)",
      [scope, m.version, m.name, migrationChecksum(m.sql), durationMs],
    );
    await client.query("COMMIT");
    return { version: m.version, name: m.name, durationMs };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    const msg = (e as { message?: unknown }).message;
    const detail = typeof msg === "string" ? `${label(m)}: ${msg}` : label(m);
    throw new MigrationError("migration_failed", detail, { cause: e });
  }
}

/**
 * Reads the migrations in `dir`: every `NNN_name.sql` file (`001_users.sql` is version 1,
 * named `users`). Other files are ignored; a `.sql` file not named that way, or two files
 * with one version, is `migration_invalid`.
 * @example const migrations = await loadMigrations(new URL("./migrations", import.meta.url).pathname);
 */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  const out: Migration[] = [];
  for (const file of names) {
    const m = FILE_NAME.exec(file);
    if (m === null) {
      throw new MigrationError("migration_invalid", `${file}: name it NNN_name.sql`);
    }
    const sql = await readFile(join(dir, file), "utf8");
    out.push({ version: Number(m[1]), name: m[2]!, sql });
  }
  return validate(out);
}
