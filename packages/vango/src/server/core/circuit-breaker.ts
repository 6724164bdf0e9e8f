/**
 * A circuit breaker with a per-call deadline, for calls to a shared dependency made on a
 * request path (the Redis rate-limit store). Without it a dependency outage becomes an
 * outage of every request: each call waits for the client library to give up (ioredis:
 * 0.2 s to 10 s and more per command while it reconnects).
 *
 * - **closed**: calls go through, each bounded by `timeoutMs`; a success resets the
 *   failure count, `failureThreshold` consecutive failures or timeouts open the circuit.
 * - **open**: calls are not made at all (answered at once as `open`) for `resetMs`.
 * - **half_open**: after `resetMs` the next call probes the dependency (only one at a
 *   time; the others are still answered `open`): success closes the circuit, failure
 *   opens it for another `resetMs`.
 *
 * Outcomes are values, not exceptions: while the circuit is open every request asks,
 * and building an `Error` (with its stack) per request is the cost this avoids.
 */

export const BreakerState = {
  Closed: "closed",
  Open: "open",
  HalfOpen: "half_open",
} as const;
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState];

export interface CircuitBreakerOptions {
  /** Deadline of one call in ms (default 200). */
  readonly timeoutMs?: number;
  /** Consecutive failures or timeouts that open the circuit (default 5). */
  readonly failureThreshold?: number;
  /** Ms the circuit stays open before one call probes the dependency again (default 5,000). */
  readonly resetMs?: number;
}

export const DEFAULT_BREAKER: Readonly<Required<CircuitBreakerOptions>> = Object.freeze({
  timeoutMs: 200,
  failureThreshold: 5,
  resetMs: 5_000,
});

/** Why a call did not yield a value. */
export type BreakerFailure = "open" | "timeout" | "error";

/** The outcome of {@link CircuitBreaker.run}. */
export type BreakerResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: BreakerFailure; readonly error?: unknown };

/** A change of state, as told to `onChange`. */
export interface BreakerTransition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** What caused it: the failure that opened the circuit, or `probe` (half-open probe sent), or `recovered`. */
  readonly cause: "timeout" | "error" | "probe" | "recovered";
  /** The error of the call that failed (cause `error`). */
  readonly error?: unknown;
  /** Ms since the circuit opened (when it closes again). */
  readonly downMs?: number;
}

const OPEN: BreakerResult<never> = Object.freeze({ ok: false, reason: "open" });
const TIMED_OUT: BreakerResult<never> = Object.freeze({ ok: false, reason: "timeout" });
const TIMEOUT = Symbol("timeout");

/**
 * @example
 * const breaker = new CircuitBreaker({ timeoutMs: 200 }, (t) => log.warn(t, "store circuit"));
 * const r = await breaker.run(() => store.consume(key, 1, policy));
 * if (!r.ok) return failOpen ? undefined : refuse();
 */
export class CircuitBreaker {
  readonly #timeoutMs: number;
  readonly #threshold: number;
  readonly #resetMs: number;
  readonly #onChange: ((t: BreakerTransition) => void) | undefined;
  readonly #now: () => number;
  #state: BreakerState;
  #failures: number;
  /** `#now()` when the circuit last opened (or re-opened after a failed probe). */
  #openedAt: number;
  /** `#now()` when the outage began (the first open after closed). */
  #downSince: number;

  constructor(
    options: CircuitBreakerOptions = {},
    onChange?: (t: BreakerTransition) => void,
    now: () => number = performance.now.bind(performance),
  ) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_BREAKER.timeoutMs;
    this.#threshold = options.failureThreshold ?? DEFAULT_BREAKER.failureThreshold;
    this.#resetMs = options.resetMs ?? DEFAULT_BREAKER.resetMs;
    this.#onChange = onChange;
    this.#now = now;
    this.#state = BreakerState.Closed;
    this.#failures = 0;
    this.#openedAt = 0;
    this.#downSince = 0;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Ms until an open circuit lets a probe through (0 when closed or probing). */
  retryInMs(): number {
    if (this.#state !== BreakerState.Open) return 0;
    return Math.max(0, this.#openedAt + this.#resetMs - this.#now());
  }

  /** Calls `call` under the deadline, or answers `open` without calling it. */
  run<T>(call: () => Promise<T>): Promise<BreakerResult<T>> {
    const state = this.#state;
    if (state === BreakerState.Closed) return this.#attempt(call, false);
    if (state === BreakerState.HalfOpen || this.retryInMs() > 0) return Promise.resolve(OPEN);
    this.#set(BreakerState.HalfOpen, "probe");
    return this.#attempt(call, true);
  }

  async #attempt<T>(call: () => Promise<T>, probe: boolean): Promise<BreakerResult<T>> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof TIMEOUT>((resolve) => {
      timer = setTimeout(resolve, this.#timeoutMs, TIMEOUT);
    });
    try {
      // `then(call)`: a call that throws synchronously fails like one that rejects.
      const v = await Promise.race([Promise.resolve().then(call), deadline]);
      if (v === TIMEOUT) {
        this.#failed(probe, "timeout", undefined);
        return TIMED_OUT;
      }
      this.#succeeded(probe);
      return { ok: true, value: v };
    } catch (error) {
      this.#failed(probe, "error", error);
      return { ok: false, reason: "error", error };
    } finally {
      clearTimeout(timer);
    }
  }

  #succeeded(probe: boolean): void {
    if (probe) {
      const downMs = this.#now() - this.#downSince;
      this.#failures = 0;
      this.#set(BreakerState.Closed, "recovered", undefined, downMs);
    } else if (this.#state === BreakerState.Closed) this.#failures = 0;
    // A late success of a call made before the circuit opened proves little: the probe decides.
  }

  #failed(probe: boolean, cause: "timeout" | "error", error: unknown): void {
    if (probe) {
      this.#openedAt = this.#now();
      this.#set(BreakerState.Open, cause, error);
      return;
    }
    if (this.#state !== BreakerState.Closed) return;
    if (++this.#failures < this.#threshold) return;
    this.#openedAt = this.#now();
    this.#downSince = this.#openedAt;
    this.#set(BreakerState.Open, cause, error);
  }

  #set(
    to: BreakerState,
    cause: BreakerTransition["cause"],
    error?: unknown,
    downMs?: number,
  ): void {
    const from = this.#state;
    this.#state = to;
    if (this.#onChange === undefined) return;
    const t: { -readonly [K in keyof BreakerTransition]: BreakerTransition[K] } = {
      from,
      to,
      cause,
    };
    if (error !== undefined) t.error = error;
    if (downMs !== undefined) t.downMs = Math.round(downMs);
    this.#onChange(t);
  }
}
