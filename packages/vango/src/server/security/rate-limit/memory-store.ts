/**
 * In-process rate-limit store (the default). Memory is bounded twice: entries expire
 * (a periodic, unref'd sweep drops full buckets) and the number of keys is capped — at
 * the cap, expired entries are swept and then the least recently consumed keys evicted
 * (an evicted key simply starts with a full budget again).
 */
import {
  checkConsume,
  gcra,
  gcraRefund,
  type RateLimitPolicyShape,
  type RateLimitResult,
  type RateLimitStore,
} from "./store.ts";

export interface MemoryRateLimitStoreOptions {
  /** Most keys kept (default 100,000). */
  maxKeys?: number;
  /** Sweep period in ms (default 60,000; 0 disables the timer). */
  sweepIntervalMs?: number;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
}

/**
 * @example
 * const store = new MemoryRateLimitStore();
 * await store.consume("ip:1.2.3.4", 1, { limit: 100, windowMs: 60_000 });
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #tat: Map<string, number>;
  readonly #maxKeys: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.#tat = new Map();
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
    const every = options.sweepIntervalMs ?? 60_000;
    this.#timer = every > 0 ? setInterval(() => this.sweep(), every).unref() : undefined;
  }

  /** Number of keys held. */
  get size(): number {
    return this.#tat.size;
  }

  consume(key: string, cost: number, policy: RateLimitPolicyShape): Promise<RateLimitResult> {
    try {
      return Promise.resolve(this.consumeSync(key, cost, policy));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Synchronous `consume` for in-process callers. */
  consumeSync(key: string, cost: number, policy: RateLimitPolicyShape): RateLimitResult {
    checkConsume(cost, policy);
    const now = this.#now();
    const stored = this.#tat.get(key);
    const step = gcra(stored, now, cost, policy.limit, policy.windowMs);
    if (step.allowed) {
      if (stored !== undefined) this.#tat.delete(key);
      else if (this.#tat.size >= this.#maxKeys) this.#makeRoom(now);
      this.#tat.set(key, step.newTat);
    }
    return {
      allowed: step.allowed,
      remaining: step.remaining,
      resetMs: step.resetMs,
      retryAfterMs: step.retryAfterMs,
    };
  }

  refund(key: string, cost: number, policy: RateLimitPolicyShape): Promise<void> {
    try {
      this.refundSync(key, cost, policy);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Synchronous `refund` for in-process callers. */
  refundSync(key: string, cost: number, policy: RateLimitPolicyShape): void {
    checkConsume(cost, policy);
    const back = gcraRefund(this.#tat.get(key), this.#now(), cost, policy.limit, policy.windowMs);
    if (back === undefined) this.#tat.delete(key);
    else this.#tat.set(key, back);
  }

  /** Drops every key whose budget is full again; returns how many were dropped. */
  sweep(): number {
    const now = this.#now();
    let n = 0;
    for (const [k, tat] of this.#tat) {
      if (tat <= now) {
        this.#tat.delete(k);
        n++;
      }
    }
    return n;
  }

  /** Stops the sweep timer and forgets all keys. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#tat.clear();
  }

  #makeRoom(now: number): void {
    for (const [k, tat] of this.#tat) if (tat <= now) this.#tat.delete(k);
    // Map order is least recently consumed first (consume re-inserts the key).
    for (const k of this.#tat.keys()) {
      if (this.#tat.size < this.#maxKeys) break;
      this.#tat.delete(k);
    }
  }
}
