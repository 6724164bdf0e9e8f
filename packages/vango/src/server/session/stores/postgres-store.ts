/**
 * Postgres session store, shared by every instance of the app: one table
 * (`vango_sessions`, created by `runVangoMigrations`), one row per session, written with
 * an upsert. Expiry is `expires_at`, computed by the database's clock (`now()`), so
 * instances with skewed clocks agree; reads ignore expired rows and a periodic sweep
 * deletes them in batches (`FOR UPDATE SKIP LOCKED`: instances sweeping at once split the
 * work instead of waiting on each other). Statements are prepared once per connection.
 *
 * A pool runs statements on several connections, which could reorder two calls on one
 * id; a per-id queue keeps them in call order.
 */
import type { SqlClient, SqlQuery } from "../../../data/migrations.ts";
import { SESSIONS_TABLE } from "../../../data/vango-migrations.ts";
import {
  checkData,
  checkId,
  checkTtl,
  lastPerId,
  plainBytes,
  type SessionEntry,
  type SessionStore,
  storeUnavailable,
} from "../session-store.ts";
import { KeyedQueue } from "./keyed-queue.ts";

export interface PostgresSessionStoreOptions {
  /** A pool (`pg.Pool`, recommended) or a connected client; the store never ends it. */
  readonly db: SqlClient;
  /** Period of the expired-row sweep in ms (default 60,000; 0 disables the timer). */
  readonly sweepIntervalMs?: number;
}

const T = SESSIONS_TABLE;
const EXPIRES = "now() + $3::float8 * interval '1 millisecond'";
const UPSERT_TAIL = `ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`;
const SAVE = `INSERT INTO ${T} (id, data, expires_at) VALUES ($1, $2, ${EXPIRES}) ${UPSERT_TAIL}`;
const LOAD = `SELECT data FROM ${T} WHERE id = $1 AND expires_at > now()`;
const DELETE = `DELETE FROM ${T} WHERE id = $1`;
const TOUCH = `UPDATE ${T} SET expires_at = now() + $2::float8 * interval '1 millisecond' WHERE id = $1 AND expires_at > now()`;
const SWEEP = `DELETE FROM ${T} WHERE expires_at <= now() AND id IN (
  SELECT id FROM ${T} WHERE expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED)`;
/** Rows per `saveAll` statement: 3 parameters each, far below the protocol's 65,535. */
const SAVE_ALL_ROWS = 500;
const SWEEP_BATCH = 1000;

/** The multi-row upsert for `rows` entries (cached: at most two sizes occur per call). */
const saveAllText = new Map<number, string>();
function saveAllQuery(rows: number): string {
  let text = saveAllText.get(rows);
  if (text === undefined) {
    const values: string[] = [];
    for (let i = 0; i < rows; i++) {
      const p = i * 3;
      values.push(`($${p + 1}, $${p + 2}, now() + $${p + 3}::float8 * interval '1 millisecond')`);
    }
    text = `INSERT INTO ${T} (id, data, expires_at) VALUES ${values.join(", ")} ${UPSERT_TAIL}`;
    if (saveAllText.size < 8) saveAllText.set(rows, text);
  }
  return text;
}

/** `store_unavailable`, saying what to do when the table is missing (SQLSTATE 42P01). */
function failed(what: string, e: unknown): Error {
  if ((e as { code?: unknown }).code === "42P01") {
    return storeUnavailable(`${what}: no ${T} table (run runVangoMigrations first)`, e);
  }
  return storeUnavailable(what, e);
}

/**
 * @example
 * await runVangoMigrations(pool);
 * const store = new PostgresSessionStore({ db: pool });
 * await store.save(id, bytes, 15 * 60_000);
 */
export class PostgresSessionStore implements SessionStore {
  readonly #db: SqlClient;
  readonly #queue: KeyedQueue;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<number> | undefined;

  constructor(options: PostgresSessionStoreOptions) {
    this.#db = options.db;
    this.#queue = new KeyedQueue();
    this.#sweeping = undefined;
    const every = options.sweepIntervalMs ?? 60_000;
    if (!Number.isFinite(every) || every < 0) {
      throw new RangeError("postgres session store: sweepIntervalMs must be ≥ 0");
    }
    // A failed sweep (database down) is simply retried by the next tick.
    const tick = () => void this.sweep().catch(() => {});
    this.#timer = every > 0 ? setInterval(tick, every).unref() : undefined;
  }

  save(id: string, data: Uint8Array, ttlMs: number): Promise<void> {
    try {
      checkId(id);
      checkData(data);
      checkTtl(ttlMs);
    } catch (e) {
      return Promise.reject(e);
    }
    // A copy now (`pg` sends Buffers as binary parameters): the statement may be sent
    // after the caller reused its buffer.
    const q: SqlQuery = {
      name: "vango_session_save",
      text: SAVE,
      values: [id, Buffer.from(data), ttlMs],
    };
    return this.#queue.run(id, async () => {
      await this.#run("postgres save", q);
    });
  }

  load(id: string): Promise<Uint8Array | undefined> {
    try {
      checkId(id);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#queue.run(id, async () => {
      const { rows } = await this.#run("postgres load", {
        name: "vango_session_load",
        text: LOAD,
        values: [id],
      });
      const data = rows[0]?.data;
      return data instanceof Uint8Array ? plainBytes(data) : undefined;
    });
  }

  delete(id: string): Promise<void> {
    try {
      checkId(id);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#queue.run(id, async () => {
      await this.#run("postgres delete", {
        name: "vango_session_delete",
        text: DELETE,
        values: [id],
      });
    });
  }

  touch(id: string, ttlMs: number): Promise<boolean> {
    try {
      checkId(id);
      checkTtl(ttlMs);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#queue.run(id, async () => {
      const r = await this.#run("postgres touch", {
        name: "vango_session_touch",
        text: TOUCH,
        values: [id, ttlMs],
      });
      return (r.rowCount ?? 0) > 0;
    });
  }

  /** One multi-row upsert per 500 entries, one after another. */
  async saveAll(entries: readonly SessionEntry[]): Promise<void> {
    const list = lastPerId(entries);
    // Copied before the first await: the caller may reuse its buffers once this returns.
    const copies = list.map((e) => Buffer.from(e.data));
    for (let i = 0; i < list.length; i += SAVE_ALL_ROWS) {
      const chunk = list.slice(i, i + SAVE_ALL_ROWS);
      const values: unknown[] = [];
      for (let j = 0; j < chunk.length; j++) {
        const e = chunk[j]!;
        values.push(e.id, copies[i + j], e.ttlMs);
      }
      const text = saveAllQuery(chunk.length);
      await this.#queue.runMany(
        chunk.map((e) => e.id),
        async () => {
          await this.#run("postgres saveAll", { text, values });
        },
      );
    }
  }

  /**
   * Deletes expired rows in batches of 1,000; returns how many (`store_unavailable` when
   * the database fails). Runs on the timer, one sweep at a time per store.
   */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  /** Stops the sweep timer and waits for the calls in flight; the pool stays open. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#queue.idle();
    await this.#sweeping?.catch(() => {});
  }

  async #run(what: string, q: SqlQuery) {
    try {
      return await this.#db.query(q);
    } catch (e) {
      throw failed(what, e);
    }
  }

  async #sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await this.#run("postgres sweep", {
        name: "vango_session_sweep",
        text: SWEEP,
        values: [SWEEP_BATCH],
      });
      const n = r.rowCount ?? 0;
      total += n;
      if (n < SWEEP_BATCH) return total;
    }
  }
}
