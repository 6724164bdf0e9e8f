/**
 * Postgres session store, shared by every instance of the app: one table
 * (`vango_sessions`, created by `runVangoMigrations`), one row per session, written with
 * an upsert. Expiry is `expires_at`, computed by the database's clock (`now()`), so
 * instances with skewed clocks agree; reads ignore expired rows and a periodic sweep
 * deletes them in batches (`FOR UPDATE SKIP LOCKED`: instances sweeping at once split the
 * work instead of waiting on each other). Statements are prepared once per connection.
 *
 * Fences are checked by the upsert itself (`ON CONFLICT … DO UPDATE … WHERE`): the row
 * is replaced only when its fence is not greater or it expired, so two instances saving
 * one id at once cannot both pass a check made before the write. Postgres locks the
 * conflicting row and evaluates the condition on its latest version. A refused row is
 * neither counted nor returned: `save` reads its answer from the row count, `saveAll`
 * compares the ids `RETURNING` gives back with its own.
 *
 * A pool runs statements on several connections, which could reorder two calls on one
 * id; a per-id queue keeps them in call order.
 */
import type { SqlClient, SqlQuery } from "../../../data/migrations.ts";
import { SESSIONS_TABLE } from "../../../data/vango-migrations.ts";
import {
  checkData,
  checkFence,
  checkId,
  checkTtl,
  lastPerId,
  NONE_REFUSED,
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
const UPSERT_TAIL = `ON CONFLICT (id) DO UPDATE
  SET data = excluded.data, expires_at = excluded.expires_at, fence = excluded.fence
  WHERE ${T}.fence <= excluded.fence OR ${T}.expires_at <= now()`;
const SAVE = `INSERT INTO ${T} (id, data, expires_at, fence) VALUES ($1, $2, ${EXPIRES}, $4) ${UPSERT_TAIL}`;
const LOAD = `SELECT data FROM ${T} WHERE id = $1 AND expires_at > now()`;
const DELETE = `DELETE FROM ${T} WHERE id = $1`;
const TOUCH = `UPDATE ${T} SET expires_at = now() + $2::float8 * interval '1 millisecond' WHERE id = $1 AND expires_at > now()`;
const SWEEP = `DELETE FROM ${T} WHERE expires_at <= now() AND id IN (
  SELECT id FROM ${T} WHERE expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED)`;
/** Rows per `saveAll` statement: 4 parameters each, far below the protocol's 65,535. */
const SAVE_ALL_ROWS = 500;
const SWEEP_BATCH = 1000;

/**
 * The multi-row upsert for `rows` entries (cached: at most two sizes occur per call). It
 * answers with the ids it did not write: the difference between its rows and the ids
 * `RETURNING` gives back is taken in the database, so the usual answer is no rows.
 * Sending back every written id instead cost 1.7–2 µs more per entry (+25 %; saveAll of
 * 1,000 × 150 B, medians of 41 alternated rounds), all of it in sending and parsing rows.
 * The casts type the `VALUES` list, which (unlike an `INSERT`'s own) has no target columns.
 */
const saveAllText = new Map<number, string>();
function saveAllQuery(rows: number): string {
  let text = saveAllText.get(rows);
  if (text === undefined) {
    const values: string[] = [];
    for (let i = 0; i < rows; i++) {
      const p = i * 4;
      values.push(`($${p + 1}::text, $${p + 2}::bytea, $${p + 3}::float8, $${p + 4}::int8)`);
    }
    text = `WITH v (id, data, ttl, fence) AS (VALUES ${values.join(", ")}),
  w AS (INSERT INTO ${T} (id, data, expires_at, fence)
    SELECT id, data, now() + ttl * interval '1 millisecond', fence FROM v
    ${UPSERT_TAIL} RETURNING id)
SELECT id FROM v WHERE id NOT IN (SELECT id FROM w)`;
    if (saveAllText.size < 8) saveAllText.set(rows, text);
  }
  return text;
}

/**
 * `store_unavailable`, saying what to do when the table (SQLSTATE 42P01) or one of its
 * columns (42703: a table that migrations after the first have not reached) is missing.
 */
function failed(what: string, e: unknown): Error {
  const code = (e as { code?: unknown }).code;
  if (code === "42P01") {
    return storeUnavailable(`${what}: no ${T} table (run runVangoMigrations first)`, e);
  }
  if (code === "42703") {
    return storeUnavailable(
      `${what}: ${T} lacks a column this version writes (run runVangoMigrations first)`,
      e,
    );
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

  save(id: string, data: Uint8Array, ttlMs: number, fence = 0): Promise<boolean> {
    try {
      checkId(id);
      checkData(data);
      checkTtl(ttlMs);
      checkFence(fence);
    } catch (e) {
      return Promise.reject(e);
    }
    // A copy now (`pg` sends Buffers as binary parameters): the statement may be sent
    // after the caller reused its buffer. The name changed with the text (fences): a name
    // is bound to its text on each connection, and `pg` refuses it with another.
    const q: SqlQuery = {
      name: "vango_session_save2",
      text: SAVE,
      values: [id, Buffer.from(data), ttlMs, fence],
    };
    return this.#queue.run(id, async () => {
      const r = await this.#run("postgres save", q);
      return (r.rowCount ?? 0) > 0;
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

  /**
   * One multi-row upsert per 500 entries, one after another; each answers with the ids
   * of its chunk that a greater fence kept (resolved in the entries' order).
   */
  async saveAll(entries: readonly SessionEntry[]): Promise<readonly string[]> {
    const list = lastPerId(entries);
    // Copied before the first await: the caller may reuse its buffers once this returns.
    const copies = list.map((e) => Buffer.from(e.data));
    let refused: string[] | undefined;
    for (let i = 0; i < list.length; i += SAVE_ALL_ROWS) {
      const chunk = list.slice(i, i + SAVE_ALL_ROWS);
      const values: unknown[] = [];
      for (let j = 0; j < chunk.length; j++) {
        const e = chunk[j]!;
        values.push(e.id, copies[i + j], e.ttlMs, e.fence ?? 0);
      }
      const text = saveAllQuery(chunk.length);
      const { rows } = await this.#queue.runMany(
        chunk.map((e) => e.id),
        () => this.#run("postgres saveAll", { text, values }),
      );
      if (rows.length === 0) continue;
      // Rare (an instance saving a session another one resumed): put them in call order.
      const kept = new Set<unknown>();
      for (const row of rows) kept.add(row.id);
      refused ??= [];
      for (const e of chunk) if (kept.has(e.id)) refused.push(e.id);
    }
    return refused ?? NONE_REFUSED;
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
