/**
 * Bounds on route warm-ups (`<Link prefetch>`). A warm-up runs app code (a page's
 * `prefetch` export) on a hint from the browser, so one tab must not be able to turn
 * hovering into load: per session a path is warmed at most once per
 * {@link PREFETCH_LIMITS}`.freshMs`, at most `perWindow` warm-ups start per `windowMs`
 * and `perSession` run at once; per app at most `perApp` run at once; each gets
 * `timeoutMs` before its `AbortSignal` fires and its slot is freed. A hint over any
 * bound is dropped: the navigation that may follow works the same, only colder.
 */

export const PREFETCH_LIMITS = {
  /** A path warmed by a session is not warmed again by it within this many ms. */
  freshMs: 30_000,
  /** Paths remembered per session for `freshMs` (the oldest forgotten first). */
  remembered: 32,
  /** Warm-ups a session may start per window. */
  perWindow: 10,
  windowMs: 10_000,
  /** Warm-ups of one session running at once. */
  perSession: 2,
  /** Warm-ups of the whole app running at once. */
  perApp: 64,
  /** Time a warm-up gets before its signal aborts and its slot is freed. */
  timeoutMs: 5_000,
} as const;

/** The app-wide count of warm-ups running (one per app, shared by its sessions). */
export class PrefetchGate {
  running = 0;
  readonly max: number;

  constructor(max: number = PREFETCH_LIMITS.perApp) {
    this.max = max;
  }
}

/** One session's warm-ups: admission by path and rate, then the run with its timeout. */
export class Prefetcher {
  readonly #gate: PrefetchGate;
  /** Path → `performance.now()` when it was warmed (Map order: oldest first). */
  readonly #recent = new Map<string, number>();
  #windowStart = 0;
  #started = 0;
  #running = 0;
  /** Controllers of the warm-ups running (aborted when the session ends). */
  readonly #ctrls = new Set<AbortController>();

  constructor(gate: PrefetchGate) {
    this.#gate = gate;
  }

  /** Warm-ups of this session running now. */
  get running(): number {
    return this.#running;
  }

  /**
   * Whether `path` may be warmed now; when it may, it counts as warmed (a second hint
   * for it within `freshMs` is dropped, whatever the warm-up turns out to do).
   */
  admit(path: string, now = performance.now()): boolean {
    const L = PREFETCH_LIMITS;
    const at = this.#recent.get(path);
    if (at !== undefined && now - at < L.freshMs) return false;
    if (this.#running >= L.perSession || this.#gate.running >= this.#gate.max) return false;
    if (now - this.#windowStart >= L.windowMs) {
      this.#windowStart = now;
      this.#started = 0;
    }
    if (this.#started >= L.perWindow) return false;
    this.#started++;
    this.#recent.delete(path);
    this.#recent.set(path, now);
    if (this.#recent.size > L.remembered) {
      this.#recent.delete(this.#recent.keys().next().value as string);
    }
    return true;
  }

  /**
   * Runs `warm` with a signal that aborts after `timeoutMs` (or on {@link dispose});
   * its slot is held until it settles or times out. What it throws goes to `failed`.
   */
  run(warm: (signal: AbortSignal) => unknown, failed: (err: unknown) => void): void {
    const ctrl = new AbortController();
    this.#ctrls.add(ctrl);
    this.#running++;
    this.#gate.running++;
    let done = false;
    const release = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.#ctrls.delete(ctrl);
      this.#running--;
      this.#gate.running--;
    };
    const timer = setTimeout(() => {
      release();
      ctrl.abort(new Error("prefetch timed out"));
    }, PREFETCH_LIMITS.timeoutMs);
    timer.unref?.();
    let result: unknown;
    try {
      result = warm(ctrl.signal);
    } catch (err) {
      release();
      failed(err);
      return;
    }
    Promise.resolve(result).then(release, (err: unknown) => {
      const timedOut = done;
      release();
      if (!timedOut) failed(err);
    });
  }

  /** Aborts the warm-ups still running (the session ended). */
  dispose(): void {
    for (const ctrl of [...this.#ctrls]) ctrl.abort(new Error("session ended"));
  }
}
