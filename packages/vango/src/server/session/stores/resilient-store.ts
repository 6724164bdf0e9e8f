/**
 * Any session store behind a deadline and a circuit breaker (`core/circuit-breaker.ts`),
 * degrading to memory while the backend is down, so an outage of Redis, Postgres or the
 * disk never stalls a session nor loses a checkpoint the process still holds:
 *
 * - **writes** (`save`, `saveAll`, `delete`) that fail, time out or meet an open circuit
 *   are kept in memory — checkpoints as bytes, deletes as tombstones — and resolve;
 *   once the backend answers again they are written to it in order, in batches, and
 *   `observer.flushed` hears how many. The kept bytes are bounded (`maxPendingEntries`,
 *   `maxPendingBytes`): past them the oldest are dropped (`observer.dropped`), as are
 *   those still unsent when `close()` gives up on a backend that is still down.
 * - **reads** (`load`, `touch`) of an id memory holds are answered from memory (it is
 *   newer than the backend); other reads fail with `store_unavailable` while the backend
 *   is down — "unknown" is not "absent", and the caller decides (retry, or start afresh).
 * - `status()` fits `Health.watch`: `degraded` (never `fail`) while the circuit is open or
 *   writes wait in memory, since sessions keep working meanwhile.
 *
 * Fences: a save kept in memory is refused when memory holds a live checkpoint for its id
 * with a greater fence, and is otherwise answered as saved; the backend checks its fence
 * again when it is flushed, and a save refused then is simply not written.
 *
 * Calls on one id run one after another here (a per-id queue), so a write kept in memory
 * is never overtaken by a later one sent directly. A call abandoned at its deadline may
 * still reach the backend later; with Redis (one connection, commands in order) it lands
 * before anything sent after it, with a pool of connections it could in rare cases land
 * after the flushed newer checkpoint.
 */
import {
  BreakerState,
  type BreakerTransition,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from "../../core/circuit-breaker.ts";
import {
  checkData,
  checkFence,
  checkId,
  checkTtl,
  lastPerId,
  NONE_REFUSED,
  type SessionEntry,
  type SessionStore,
  type SessionStoreObserver,
  StoreOp,
  StoreOutcome,
  storeUnavailable,
} from "../session-store.ts";
import { KeyedQueue } from "./keyed-queue.ts";

export interface ResilientSessionStoreOptions {
  /** The backend. `close()` closes it too. */
  readonly store: SessionStore;
  /**
   * Deadline and thresholds of the circuit (default: 1,000 ms per call, open after 5
   * consecutive failures, probe every 5,000 ms). One `saveAll` batch of 256 entries is
   * one call.
   */
  readonly breaker?: CircuitBreakerOptions;
  /** Most writes kept in memory during an outage (default 10,000). */
  readonly maxPendingEntries?: number;
  /** Most checkpoint bytes kept in memory during an outage (default 64 MiB). */
  readonly maxPendingBytes?: number;
  readonly observer?: SessionStoreObserver;
}

/** The store's state as readiness reports it (fits `Health.watch`). */
export interface SessionStoreStatus {
  readonly status: "ok" | "degraded";
  /** The circuit's state: `closed`, `open` or `half_open`. */
  readonly state: string;
  /** `circuit_open`, or `flush_pending` while writes kept in memory wait to be sent. */
  readonly error?: string;
}

/** A write kept in memory: a checkpoint, or a delete when `data` is undefined. */
class Pending {
  data: Uint8Array | undefined;
  expiresAt: number;
  fence: number;
  /** Bumped on every change, so a flush only clears what it actually wrote. */
  gen: number;

  constructor(data: Uint8Array | undefined, expiresAt: number, fence: number, gen: number) {
    this.data = data;
    this.expiresAt = expiresAt;
    this.fence = fence;
    this.gen = gen;
  }
}

/** The store's default per-call deadline: store calls are off the event path, and a loaded database's upsert may take longer than a rate-limit check. */
const DEFAULT_TIMEOUT_MS = 1_000;
/** Entries per backend call when flushing or in `saveAll`: one breaker deadline covers one batch. */
const BATCH = 256;
/** Retry of a flush that failed while the circuit stayed closed (an isolated timeout). */
const RETRY_MS = 1_000;
const OK: SessionStoreStatus = Object.freeze({ status: "ok", state: BreakerState.Closed });

/**
 * @example
 * const store = new ResilientSessionStore({ store: new RedisSessionStore({ client: redis }), observer });
 * health.watch("session_store", store);
 */
export class ResilientSessionStore implements SessionStore {
  readonly #store: SessionStore;
  readonly #breaker: CircuitBreaker;
  readonly #queue: KeyedQueue;
  readonly #pending: Map<string, Pending>;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #observer: SessionStoreObserver | undefined;
  #pendingBytes: number;
  #gen: number;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #closed: boolean;

  constructor(options: ResilientSessionStoreOptions) {
    const maxEntries = options.maxPendingEntries ?? 10_000;
    const maxBytes = options.maxPendingBytes ?? 64 * 1024 * 1024;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError("resilient session store: maxPendingEntries must be an integer ≥ 1");
    }
    if (!Number.isInteger(maxBytes) || maxBytes < 1) {
      throw new RangeError("resilient session store: maxPendingBytes must be an integer ≥ 1");
    }
    this.#store = options.store;
    this.#observer = options.observer;
    const circuit = this.#observer?.circuit?.bind(this.#observer);
    this.#breaker = new CircuitBreaker(
      { timeoutMs: DEFAULT_TIMEOUT_MS, ...options.breaker },
      (t: BreakerTransition) => {
        circuit?.(t);
        if (t.to === BreakerState.Closed) this.#schedule(0);
      },
    );
    this.#queue = new KeyedQueue();
    this.#pending = new Map();
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
    this.#pendingBytes = 0;
    this.#gen = 0;
    this.#timer = undefined;
    this.#flushing = undefined;
    this.#closed = false;
  }

  /** Writes kept in memory, waiting for the backend. */
  get pending(): number {
    return this.#pending.size;
  }

  /** For readiness: `ok`, or `degraded` while the circuit is not closed or writes wait. */
  status(): SessionStoreStatus {
    const state = this.#breaker.state;
    if (state === BreakerState.Closed && this.#pending.size === 0) return OK;
    return {
      status: "degraded",
      state,
      error: state === BreakerState.Closed ? "flush_pending" : "circuit_open",
    };
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
    // A copy now: the call may wait behind another on this id, and may end up in memory.
    const copy = new Uint8Array(data);
    return this.#queue.run(id, () => this.#save(id, copy, ttlMs, fence));
  }

  load(id: string): Promise<Uint8Array | undefined> {
    try {
      checkId(id);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#queue.run(id, () => this.#load(id));
  }

  delete(id: string): Promise<void> {
    try {
      checkId(id);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#queue.run(id, () => this.#delete(id));
  }

  touch(id: string, ttlMs: number): Promise<boolean> {
    try {
      checkId(id);
      checkTtl(ttlMs);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#queue.run(id, () => this.#touch(id, ttlMs));
  }

  /**
   * Batches of 256, one after another, each one backend call under the deadline (sent
   * at once, later batches would spend their deadline waiting for a pooled connection);
   * a batch that fails is kept in memory.
   */
  async saveAll(entries: readonly SessionEntry[]): Promise<readonly string[]> {
    const list = lastPerId(entries).map((e) => ({
      id: e.id,
      data: new Uint8Array(e.data),
      ttlMs: e.ttlMs,
      fence: e.fence ?? 0,
    }));
    const refused: string[] = [];
    for (let i = 0; i < list.length; i += BATCH) {
      const batch = list.slice(i, i + BATCH);
      const kept = await this.#queue.runMany(
        batch.map((e) => e.id),
        () => this.#saveBatch(batch),
      );
      refused.push(...kept);
    }
    return refused.length === 0 ? NONE_REFUSED : refused;
  }

  /**
   * Sends what memory holds to the backend now (also done on its own once the backend
   * answers again); resolves when the attempt is over, whatever its outcome.
   */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = undefined;
      if (this.#pending.size > 0) this.#schedule(RETRY_MS);
    });
    return this.#flushing;
  }

  /**
   * Waits for the calls in flight, makes one last attempt to send what memory holds,
   * reports what could not be sent as dropped, and closes the backend.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#queue.idle();
    await this.flush();
    if (this.#pending.size > 0) {
      this.#observer?.dropped?.(this.#pending.size);
      this.#pending.clear();
      this.#pendingBytes = 0;
    }
    await this.#store.close();
  }

  async #save(id: string, data: Uint8Array, ttlMs: number, fence: number): Promise<boolean> {
    const t0 = performance.now();
    if (!this.#pending.has(id)) {
      const r = await this.#breaker.run(() => this.#store.save(id, data, ttlMs, fence));
      if (r.ok) {
        this.#observe(StoreOp.Save, StoreOutcome.Ok, t0, data.length);
        this.#afterSuccess();
        return r.value;
      }
    }
    // Behind a write already in memory, or the backend failed: memory keeps it in order.
    const now = Date.now();
    const kept = !this.#fenced(id, fence, now);
    if (kept) this.#keep(id, data, now + ttlMs, fence);
    this.#observe(StoreOp.Save, StoreOutcome.Degraded, t0, data.length);
    return kept;
  }

  async #load(id: string): Promise<Uint8Array | undefined> {
    const t0 = performance.now();
    const p = this.#pending.get(id);
    if (p !== undefined) {
      const data = p.data !== undefined && p.expiresAt > Date.now() ? p.data.slice() : undefined;
      this.#observe(StoreOp.Load, StoreOutcome.Degraded, t0, data?.length ?? 0);
      return data;
    }
    const r = await this.#breaker.run(() => this.#store.load(id));
    if (r.ok) {
      this.#observe(StoreOp.Load, StoreOutcome.Ok, t0, r.value?.length ?? 0);
      this.#afterSuccess();
      return r.value;
    }
    this.#observe(StoreOp.Load, StoreOutcome.Error, t0, 0);
    throw storeUnavailable(`session store load: ${r.reason}`, r.error);
  }

  async #delete(id: string): Promise<void> {
    const t0 = performance.now();
    const r = await this.#breaker.run(() => this.#store.delete(id));
    if (r.ok) {
      // Deleted for good: whatever memory held for it is moot.
      this.#drop(id);
      this.#observe(StoreOp.Delete, StoreOutcome.Ok, t0, 0);
      this.#afterSuccess();
      return;
    }
    this.#keep(id, undefined, Number.POSITIVE_INFINITY, 0);
    this.#observe(StoreOp.Delete, StoreOutcome.Degraded, t0, 0);
  }

  async #touch(id: string, ttlMs: number): Promise<boolean> {
    const t0 = performance.now();
    const p = this.#pending.get(id);
    if (p !== undefined) {
      const now = Date.now();
      const live = p.data !== undefined && p.expiresAt > now;
      if (live) {
        p.expiresAt = now + ttlMs;
        p.gen = ++this.#gen;
      }
      this.#observe(StoreOp.Touch, StoreOutcome.Degraded, t0, 0);
      return live;
    }
    const r = await this.#breaker.run(() => this.#store.touch(id, ttlMs));
    if (r.ok) {
      this.#observe(StoreOp.Touch, StoreOutcome.Ok, t0, 0);
      this.#afterSuccess();
      return r.value;
    }
    this.#observe(StoreOp.Touch, StoreOutcome.Error, t0, 0);
    throw storeUnavailable(`session store touch: ${r.reason}`, r.error);
  }

  /** Saves one batch (its ids' queues held); resolves with the ids refused for their fence. */
  async #saveBatch(batch: readonly Required<SessionEntry>[]): Promise<readonly string[]> {
    const t0 = performance.now();
    const direct: Required<SessionEntry>[] = [];
    const refused: string[] = [];
    let bytes = 0;
    const now = Date.now();
    const keep = (e: Required<SessionEntry>) => {
      if (this.#fenced(e.id, e.fence, now)) refused.push(e.id);
      else this.#keep(e.id, e.data, now + e.ttlMs, e.fence);
    };
    for (const e of batch) {
      bytes += e.data.length;
      if (this.#pending.has(e.id)) keep(e);
      else direct.push(e);
    }
    let ok = direct.length === 0;
    if (!ok) {
      const r = await this.#breaker.run(() => this.#store.saveAll(direct));
      ok = r.ok;
      if (r.ok) refused.push(...r.value);
    }
    if (ok && direct.length === batch.length) {
      this.#observe(StoreOp.SaveAll, StoreOutcome.Ok, t0, bytes);
      this.#afterSuccess();
      return refused.length === 0 ? NONE_REFUSED : refused;
    }
    if (!ok) for (const e of direct) keep(e);
    this.#observe(StoreOp.SaveAll, StoreOutcome.Degraded, t0, bytes);
    return refused.length === 0 ? NONE_REFUSED : refused;
  }

  /** Memory holds a live checkpoint for `id` saved with a fence greater than `fence`. */
  #fenced(id: string, fence: number, now: number): boolean {
    const p = this.#pending.get(id);
    return p?.data !== undefined && p.expiresAt > now && p.fence > fence;
  }

  /** Sends memory's writes oldest first, in batches, until one fails or none are left. */
  async #flush(): Promise<void> {
    this.#dropExpired();
    while (this.#pending.size > 0) {
      const ids: string[] = [];
      for (const id of this.#pending.keys()) {
        ids.push(id);
        if (ids.length === BATCH) break;
      }
      const sent = await this.#queue.runMany(ids, () => this.#flushBatch(ids));
      if (sent < 0) return;
      if (sent > 0) this.#observer?.flushed?.(sent);
    }
  }

  /** Writes `ids`' pending entries; returns how many were sent, or -1 when the backend failed. */
  async #flushBatch(ids: readonly string[]): Promise<number> {
    const now = Date.now();
    const saves: SessionEntry[] = [];
    const gens: number[] = [];
    const deletes: string[] = [];
    for (const id of ids) {
      const p = this.#pending.get(id);
      if (p === undefined) continue;
      if (p.data === undefined) deletes.push(id);
      else if (p.expiresAt <= now) this.#drop(id);
      else {
        saves.push({ id, data: p.data, ttlMs: p.expiresAt - now, fence: p.fence });
        gens.push(p.gen);
      }
    }
    let sent = 0;
    if (saves.length > 0) {
      const r = await this.#breaker.run(() => this.#store.saveAll(saves));
      if (!r.ok) return -1;
      for (let i = 0; i < saves.length; i++) {
        // Written, or refused for a greater fence there: done either way. Cleared only if
        // unchanged meanwhile (a touch bumps gen; it is sent next round).
        if (this.#pending.get(saves[i]!.id)?.gen === gens[i]) this.#drop(saves[i]!.id);
      }
      sent += saves.length;
    }
    for (const id of deletes) {
      // Gone meanwhile when the memory bound evicted it.
      const gen = this.#pending.get(id)?.gen;
      if (gen === undefined) continue;
      const r = await this.#breaker.run(() => this.#store.delete(id));
      if (!r.ok) return -1;
      if (this.#pending.get(id)?.gen === gen) this.#drop(id);
      sent++;
    }
    return sent;
  }

  #afterSuccess(): void {
    if (this.#pending.size > 0) this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#timer !== undefined || this.#pending.size === 0) return;
    const wait = Math.max(delayMs, this.#breaker.retryInMs());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, wait).unref();
  }

  #keep(id: string, data: Uint8Array | undefined, expiresAt: number, fence: number): void {
    this.#drop(id);
    this.#pending.set(id, new Pending(data, expiresAt, fence, ++this.#gen));
    this.#pendingBytes += data?.length ?? 0;
    let dropped = 0;
    // Oldest first (Map order; #drop + set moves a rewritten id to the end).
    for (const old of this.#pending.keys()) {
      if (this.#pending.size <= this.#maxEntries && this.#pendingBytes <= this.#maxBytes) break;
      this.#drop(old);
      dropped++;
    }
    if (dropped > 0) this.#observer?.dropped?.(dropped);
    this.#schedule(RETRY_MS);
  }

  #drop(id: string): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    this.#pendingBytes -= p.data?.length ?? 0;
    this.#pending.delete(id);
  }

  #dropExpired(): void {
    const now = Date.now();
    for (const [id, p] of this.#pending) {
      if (p.data !== undefined && p.expiresAt <= now) this.#drop(id);
    }
  }

  #observe(op: StoreOp, outcome: StoreOutcome, t0: number, bytes: number): void {
    const hook = this.#observer?.operation;
    if (hook !== undefined) hook.call(this.#observer, op, outcome, performance.now() - t0, bytes);
  }
}
