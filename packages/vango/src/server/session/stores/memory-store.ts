/**
 * In-process session store: one process, lost on restart (tests, development, and a
 * single instance that accepts losing detached sessions on deploy). Bounded twice:
 * entries expire (a periodic, unref'd sweep drops them, as does reading them), and the
 * number of entries and their bytes are capped — at a cap the least recently used entry
 * is evicted (its session can no longer resume, as if it had expired).
 */
import {
  checkData,
  checkFence,
  checkId,
  checkTtl,
  lastPerId,
  NONE_REFUSED,
  type SessionEntry,
  type SessionStore,
  storeUnavailable,
} from "../session-store.ts";

export interface MemorySessionStoreOptions {
  /** Most entries kept (default 10,000). */
  readonly maxEntries?: number;
  /** Most bytes of checkpoints kept (default 64 MiB). */
  readonly maxBytes?: number;
  /** Sweep period in ms (default 60,000; 0 disables the timer). */
  readonly sweepIntervalMs?: number;
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
}

class Entry {
  data: Uint8Array;
  expiresAt: number;
  fence: number;

  constructor(data: Uint8Array, expiresAt: number, fence: number) {
    this.data = data;
    this.expiresAt = expiresAt;
    this.fence = fence;
  }
}

/**
 * @example
 * const store = new MemorySessionStore({ maxEntries: 5_000 });
 * await store.save(id, bytes, 15 * 60_000);
 */
export class MemorySessionStore implements SessionStore {
  /** In least-recently-used-first order: every save, load and touch re-inserts its id. */
  readonly #entries: Map<string, Entry>;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #bytes: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: MemorySessionStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError("memory session store: maxEntries must be an integer ≥ 1");
    }
    if (!Number.isInteger(maxBytes) || maxBytes < 1) {
      throw new RangeError("memory session store: maxBytes must be an integer ≥ 1");
    }
    this.#entries = new Map();
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
    this.#now = options.now ?? Date.now;
    this.#bytes = 0;
    const every = options.sweepIntervalMs ?? 60_000;
    this.#timer = every > 0 ? setInterval(() => this.sweep(), every).unref() : undefined;
  }

  /** Entries held (expired ones not yet swept included). */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes of checkpoints held. */
  get bytes(): number {
    return this.#bytes;
  }

  async save(id: string, data: Uint8Array, ttlMs: number, fence = 0): Promise<boolean> {
    checkId(id);
    checkData(data);
    checkTtl(ttlMs);
    checkFence(fence);
    return this.#put(id, data, this.#now() + ttlMs, fence);
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkId(id);
    const e = this.#live(id);
    if (e === undefined) return undefined;
    this.#entries.delete(id);
    this.#entries.set(id, e);
    return new Uint8Array(e.data);
  }

  async delete(id: string): Promise<void> {
    checkId(id);
    this.#remove(id);
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    checkId(id);
    checkTtl(ttlMs);
    const e = this.#live(id);
    if (e === undefined) return false;
    e.expiresAt = this.#now() + ttlMs;
    this.#entries.delete(id);
    this.#entries.set(id, e);
    return true;
  }

  async saveAll(entries: readonly SessionEntry[]): Promise<readonly string[]> {
    const now = this.#now();
    const refused: string[] = [];
    for (const e of lastPerId(entries)) {
      if (!this.#put(e.id, e.data, now + e.ttlMs, e.fence ?? 0)) refused.push(e.id);
    }
    return refused.length === 0 ? NONE_REFUSED : refused;
  }

  /** Drops every expired entry; returns how many were dropped. */
  sweep(): number {
    const now = this.#now();
    let n = 0;
    for (const [id, e] of this.#entries) {
      if (e.expiresAt <= now) {
        this.#remove(id);
        n++;
      }
    }
    return n;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#entries.clear();
    this.#bytes = 0;
  }

  #live(id: string): Entry | undefined {
    const e = this.#entries.get(id);
    if (e === undefined) return undefined;
    if (e.expiresAt > this.#now()) return e;
    this.#remove(id);
    return undefined;
  }

  /** Stores `data` unless a live entry holds a greater fence (then `false`). */
  #put(id: string, data: Uint8Array, expiresAt: number, fence: number): boolean {
    const held = this.#live(id);
    if (held !== undefined && held.fence > fence) return false;
    if (data.length > this.#maxBytes) {
      throw storeUnavailable(
        "memory save",
        new RangeError(`${data.length} bytes > maxBytes ${this.#maxBytes}`),
      );
    }
    this.#remove(id);
    // A copy (not `slice()`: on a Buffer that is a view): the caller may reuse its buffer.
    this.#entries.set(id, new Entry(new Uint8Array(data), expiresAt, fence));
    this.#bytes += data.length;
    for (const old of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#remove(old);
    }
    return true;
  }

  #remove(id: string): void {
    const e = this.#entries.get(id);
    if (e === undefined) return;
    this.#bytes -= e.data.length;
    this.#entries.delete(id);
  }
}
