/**
 * The rate-limit store contract and the algorithm both stores implement: GCRA (the
 * generic cell rate algorithm, an exact token bucket that stores a single number per
 * key — the "theoretical arrival time"). A policy `{ limit, windowMs }` allows a burst of
 * `limit` and refills at `limit / windowMs`; the stored value expires when the bucket is
 * full again, so idle keys cost nothing.
 */

/** A limit of `limit` units per `windowMs` (burst up to `limit`). */
export interface RateLimitPolicyShape {
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Units still available right now (after this consumption when allowed). */
  remaining: number;
  /** Ms until the budget is completely refilled. */
  resetMs: number;
  /** Ms until a request of the same cost would be allowed (0 when allowed). */
  retryAfterMs: number;
}

/**
 * Shared budget storage. Implementations: `MemoryRateLimitStore` (one process) and
 * `RedisRateLimitStore` (shared by every instance of the app).
 */
export interface RateLimitStore {
  consume(key: string, cost: number, policy: RateLimitPolicyShape): Promise<RateLimitResult>;
  /**
   * Gives back `cost` units an earlier `consume` charged (a login attempt that turned out
   * to succeed, so only failures stay counted); a budget never refills past full.
   */
  refund(key: string, cost: number, policy: RateLimitPolicyShape): Promise<void>;
}

/** Throws `RangeError` unless the cost and policy make sense. */
export function checkConsume(cost: number, policy: RateLimitPolicyShape): void {
  const { limit, windowMs } = policy;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError("rate limit: limit must be ≥ 1");
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RangeError("rate limit: windowMs must be > 0");
  }
  if (!Number.isFinite(cost) || cost <= 0 || cost > limit) {
    throw new RangeError("rate limit: cost must be within (0, limit]");
  }
}

// Absorbs float error in `k * windowMs / limit` so that exactly `limit` units fit.
const EPS = 1e-6;

/** GCRA step; `tat` is the stored arrival time (ms) or undefined. `newTat` is set when allowed. */
export interface GcraStep extends RateLimitResult {
  newTat: number;
}

/**
 * The arrival time after giving back `cost` units, or `undefined` when the bucket is full
 * again (the key can go). The Redis refund script is a line-by-line copy.
 * @example gcraRefund(now + 12_000, now, 1, 5, 60_000) // now
 */
export function gcraRefund(
  tat: number | undefined,
  now: number,
  cost: number,
  limit: number,
  windowMs: number,
): number | undefined {
  if (tat === undefined) return undefined;
  const back = tat - cost * (windowMs / limit);
  return back <= now + EPS ? undefined : back;
}

/**
 * One GCRA decision (the Redis Lua script is a line-by-line copy).
 * @example gcra(undefined, Date.now(), 1, 10, 60_000) // allowed, remaining 9
 */
export function gcra(
  tat: number | undefined,
  now: number,
  cost: number,
  limit: number,
  windowMs: number,
): GcraStep {
  const t = windowMs / limit;
  const base = tat === undefined || tat < now ? now : tat;
  const newTat = base + cost * t;
  const diff = newTat - now;
  if (diff > windowMs + EPS) {
    return {
      allowed: false,
      remaining: Math.max(0, Math.floor((windowMs - (base - now)) / t + EPS)),
      resetMs: Math.ceil(base - now - EPS),
      retryAfterMs: Math.max(1, Math.ceil(diff - windowMs - EPS)),
      newTat: base,
    };
  }
  return {
    allowed: true,
    remaining: Math.floor((windowMs - diff) / t + EPS),
    resetMs: Math.ceil(diff - EPS),
    retryAfterMs: 0,
    newTat,
  };
}
