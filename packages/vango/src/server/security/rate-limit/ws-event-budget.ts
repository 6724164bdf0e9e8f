/**
 * Per-session budget for WebSocket traffic: a synchronous token bucket, one per session,
 * charged for every frame the client sends. `take()` says whether to handle the frame,
 * refuse it (`rate_limited` error frame) or close the socket because refusals persist
 * (close 1008). Work whose size shows only once done — the bytes a resync sent — is
 * charged afterwards with `debit()`, which may leave the bucket in debt. No timers, no
 * allocation per call.
 */
import { performance } from "node:perf_hooks";

/** Outcome of `EventBudget.take()`. */
export const BudgetResult = {
  /** Handle the event. */
  Ok: 0,
  /** Drop it and send an error frame `rate_limited`. */
  Limited: 1,
  /** Refusals persist: send `rate_limited` and close with `ERRORS.rate_limited.close`. */
  Close: 2,
} as const;
export type BudgetResult = (typeof BudgetResult)[keyof typeof BudgetResult];

export interface EventBudgetOptions {
  /** Sustained events per second. */
  perSecond: number;
  /** Bucket size: events allowed at once after a quiet period (default `perSecond`). */
  burst?: number;
  /** Refusals within one second that turn `Limited` into `Close` (default `burst`). */
  closeAfter?: number;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
}

/** One session's budget; create with `wsEventBudget`. */
export class EventBudget {
  #tokens: number;
  #last: number;
  #strikes: number;
  #strikeStart: number;
  readonly #perMs: number;
  readonly #burst: number;
  readonly #closeAfter: number;
  readonly #now: () => number;

  constructor(options: EventBudgetOptions) {
    const { perSecond } = options;
    const burst = options.burst ?? perSecond;
    if (!(perSecond > 0) || !(burst >= 1)) {
      throw new RangeError("wsEventBudget: perSecond must be > 0 and burst ≥ 1");
    }
    this.#now = options.now ?? performance.now.bind(performance);
    this.#perMs = perSecond / 1000;
    this.#burst = burst;
    this.#closeAfter = options.closeAfter ?? burst;
    this.#tokens = burst;
    this.#last = this.#now();
    this.#strikes = 0;
    this.#strikeStart = 0;
  }

  /** Charges one event (or `cost`). */
  take(cost = 1): BudgetResult {
    const now = this.#now();
    const t = this.#tokens + (now - this.#last) * this.#perMs;
    this.#tokens = Math.min(t, this.#burst);
    this.#last = now;
    // The epsilon absorbs float drift of many small refills (0.1 + 0.1 + … < 1).
    if (this.#tokens >= cost - 1e-9) {
      this.#tokens -= cost;
      return BudgetResult.Ok;
    }
    if (this.#strikes === 0 || now - this.#strikeStart >= 1000) {
      this.#strikes = 0;
      this.#strikeStart = now;
    }
    this.#strikes++;
    return this.#strikes > this.#closeAfter ? BudgetResult.Close : BudgetResult.Limited;
  }

  /**
   * Charges `cost` for work already done (it cannot be refused any more): the balance may
   * drop below zero, down to `-burst`, and later frames are refused until it refilled.
   * The floor bounds the wait after one huge resync to `2 × burst / perSecond`.
   */
  debit(cost: number): void {
    const now = this.#now();
    const t = this.#tokens + (now - this.#last) * this.#perMs;
    this.#tokens = Math.max(Math.min(t, this.#burst) - cost, -this.#burst);
    this.#last = now;
  }

  /** Events available right now (rounded down; negative while in debt). */
  get available(): number {
    const t = this.#tokens + (this.#now() - this.#last) * this.#perMs;
    return Math.floor(Math.min(t, this.#burst));
  }
}

/**
 * A fresh budget for one session.
 * @example
 * session.budget = wsEventBudget({ perSecond: 20, burst: 40 });
 * const r = session.budget.take();
 * if (r === BudgetResult.Limited) sendErrorFrame(ErrorCode.rate_limited);
 * else if (r === BudgetResult.Close) ws.close(ERRORS.rate_limited.close, "rate_limited");
 */
export function wsEventBudget(options: EventBudgetOptions): EventBudget {
  return new EventBudget(options);
}
