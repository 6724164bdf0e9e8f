/**
 * Login attempts limited per user name and per client address, on the app's
 * `RateLimitStore` (memory, or Redis to share the budgets across instances). Each
 * attempt is charged to both budgets before the password is checked — so parallel
 * guesses cannot all slip past a check made before any of them was counted — and a
 * successful attempt is refunded: only failures stay counted, and a user who signs in
 * often (a test suite) is never locked out by doing so.
 *
 * The budgets are GCRA buckets, so a lockout is short by construction: with the default
 * 5 failures per minute per name, the sixth guess waits 12 s (`Retry-After`), and the
 * budget is whole again a minute after the last failure. Names are counted by a hash
 * (no user names in Redis keys), case- and width-insensitively.
 *
 * When a shared store fails (or its circuit is open), attempts are counted in this
 * process instead: still limited, still available.
 */
import { createHash } from "node:crypto";
import type { CircuitBreaker } from "../server/core/circuit-breaker.ts";
import type { RatePolicy } from "../server/security/options.ts";
import { MemoryRateLimitStore } from "../server/security/rate-limit/memory-store.ts";
import type { RateLimitStore } from "../server/security/rate-limit/store.ts";

export interface LoginLimits {
  /** Failed attempts per user name (default 5 per minute). */
  readonly perUser: RatePolicy;
  /** Failed attempts per client address (default 50 per 5 minutes). */
  readonly perIp: RatePolicy;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = Object.freeze({
  perUser: Object.freeze({ limit: 5, windowMs: 60_000 }),
  perIp: Object.freeze({ limit: 50, windowMs: 5 * 60_000 }),
});

/** An attempt in progress: refund it with {@link LoginThrottle.succeeded}. */
export interface Attempt {
  readonly store: RateLimitStore;
  readonly keys: readonly [string, string];
}

export type AttemptOutcome =
  | { readonly ok: true; readonly attempt: Attempt }
  | { readonly ok: false; readonly retryAfterMs: number };

export class LoginThrottle {
  readonly #store: RateLimitStore;
  readonly #limits: LoginLimits;
  readonly #breaker: CircuitBreaker | undefined;
  readonly #fallback: MemoryRateLimitStore;

  /** `breaker`: the deadline and circuit around a shared `store` (none for a memory one). */
  constructor(store: RateLimitStore, limits: LoginLimits, breaker: CircuitBreaker | undefined) {
    this.#store = store;
    this.#limits = limits;
    this.#breaker = breaker;
    this.#fallback = store instanceof MemoryRateLimitStore ? store : new MemoryRateLimitStore();
  }

  /**
   * Charges an attempt to log in as `name` from `ip`.
   * @example
   * const a = await throttle.begin(name, ip);
   * if (!a.ok) return tooMany(a.retryAfterMs);
   */
  async begin(name: string, ip: string): Promise<AttemptOutcome> {
    const keys = [`login:user:${nameKey(name)}`, `login:ip:${ip}`] as const;
    const { perUser, perIp } = this.#limits;
    const charge = (s: RateLimitStore) =>
      Promise.all([s.consume(keys[0], 1, perUser), s.consume(keys[1], 1, perIp)]);
    let store = this.#store;
    let results: Awaited<ReturnType<typeof charge>>;
    if (this.#breaker === undefined) results = await charge(store);
    else {
      const r = await this.#breaker.run(() => charge(this.#store));
      if (r.ok) results = r.value;
      else {
        store = this.#fallback;
        results = await charge(store);
      }
    }
    const [user, ip_] = results;
    if (user.allowed && ip_.allowed) return { ok: true, attempt: { store, keys } };
    // The budget that did allow this attempt was charged for nothing: give it back.
    if (user.allowed) await this.#refund(store, keys[0], perUser);
    if (ip_.allowed) await this.#refund(store, keys[1], perIp);
    return { ok: false, retryAfterMs: Math.max(user.retryAfterMs, ip_.retryAfterMs) };
  }

  /** The attempt succeeded: it no longer counts against either budget. */
  async succeeded(a: Attempt): Promise<void> {
    await Promise.all([
      this.#refund(a.store, a.keys[0], this.#limits.perUser),
      this.#refund(a.store, a.keys[1], this.#limits.perIp),
    ]);
  }

  /** Stops the fallback store's sweep timer. */
  close(): void {
    this.#fallback.close();
  }

  async #refund(store: RateLimitStore, key: string, policy: RatePolicy): Promise<void> {
    if (store === this.#fallback || this.#breaker === undefined) {
      await store.refund(key, 1, policy);
      return;
    }
    // A refund lost to an outage only leaves one failure counted too many.
    await this.#breaker.run(() => store.refund(key, 1, policy));
  }
}

/** The budget key of a user name: the same for `Ada`, ` ada ` and `ａｄａ`. */
function nameKey(name: string): string {
  const n = name.trim().normalize("NFKC").toLowerCase();
  return createHash("sha256").update(n).digest("base64url").slice(0, 22);
}
