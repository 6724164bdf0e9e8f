/**
 * Trackers: the renderer's hook into the graph. `track(fn)` runs `fn` as the first run of
 * a fresh alien-signals effect, so everything `fn` reads becomes a dependency. When one of
 * them changes, alien-signals runs the effect again; Vango's body then reads nothing and
 * calls `onInvalidate`, and because that run read nothing alien-signals drops every
 * dependency: the tracker goes quiet until the next `track()`, which fires at most one
 * invalidation per cycle without any per-change bookkeeping.
 */
import { effect as alienEffect, setActiveSub } from "alien-signals";
import { adopt, OwnedNode } from "./owner.ts";
import { enter, leave, report, rethrowReported } from "./runtime.ts";

/** Collects what a function reads and reports, once, that something in it changed. */
export interface Tracker {
  /** Runs `fn`, replacing the previous dependencies with what it reads; returns its value. */
  track<T>(fn: () => T): T;
  /** Stops tracking; `onInvalidate` is never called again. Idempotent. */
  dispose(): void;
}

const IDLE = 0;
/** `track()` is running `fn` as the effect's first run. */
const TRACKING = 1;
/** Dependencies collected; waiting for a change. */
const ARMED = 2;
const DISPOSED = 3;

class TrackerNode extends OwnedNode implements Tracker {
  readonly onInvalidate: () => void;
  stop: (() => void) | undefined = undefined;
  state = IDLE;
  fn: (() => unknown) | undefined = undefined;
  result: unknown = undefined;
  failed = false;
  error: unknown = undefined;

  /**
   * Given to alien-signals as the effect body. Assigned in the constructor, not a class
   * field: under esbuild's keepNames (tsx) a field arrow gets an own `name` property,
   * a ~256 B dictionary per tracker.
   */
  readonly run: () => void;

  constructor(onInvalidate: () => void) {
    super();
    this.onInvalidate = onInvalidate;
    this.run = () => this.#run();
  }

  #run(): void {
    if (this.state === TRACKING) {
      const fn = this.fn!;
      this.fn = undefined;
      try {
        this.result = fn();
      } catch (error) {
        this.failed = true;
        this.error = error;
      }
      return;
    }
    if (this.state !== ARMED) return;
    this.state = IDLE;
    enter();
    const prevSub = setActiveSub(undefined);
    try {
      this.onInvalidate();
    } catch (error) {
      report(error);
    } finally {
      setActiveSub(prevSub);
      leave();
    }
  }

  track<T>(fn: () => T): T {
    if (this.state === DISPOSED) {
      const prevSub = setActiveSub(undefined);
      try {
        return fn();
      } finally {
        setActiveSub(prevSub);
      }
    }
    this.release();
    this.state = TRACKING;
    this.fn = fn;
    const outermost = enter();
    const prevSub = setActiveSub(undefined);
    try {
      const stop = alienEffect(this.run);
      // Disposed while `fn` ran (before `stop` existed): unsubscribe now.
      if (this.state === DISPOSED) stop();
      else this.stop = stop;
    } finally {
      setActiveSub(prevSub);
      leave();
      if (this.state === TRACKING) this.state = ARMED;
    }
    const result = this.result as T;
    this.result = undefined;
    if (this.failed) {
      const error = this.error;
      this.failed = false;
      this.error = undefined;
      throw error;
    }
    if (outermost) rethrowReported();
    return result;
  }

  /** Stops the effect of the previous cycle, if any. */
  release(): void {
    const stop = this.stop;
    if (stop !== undefined) {
      this.stop = undefined;
      stop();
    }
  }

  dispose(): void {
    this.disposeInto(null);
  }

  disposeInto(errors: unknown[] | null): unknown[] | null {
    if (this.state === DISPOSED) return errors;
    this.state = DISPOSED;
    this.release();
    this.detach();
    return errors;
  }
}

/**
 * Creates a tracker owned by the current owner. `onInvalidate` is called synchronously
 * (after the current batch ends), at most once per `track()` cycle, when something the
 * last `track(fn)` read changes; it never re-runs `fn` itself. What `fn` creates belongs
 * to the owner current when `track()` is called. If `fn` throws, `track()` rethrows and
 * the tracker stays armed on what `fn` read before throwing. After dispose, `track(fn)`
 * just runs `fn` untracked.
 * @example
 * const t = createTracker(() => queueMicrotask(rerender));
 * const vnode = t.track(() => view());
 */
export function createTracker(onInvalidate: () => void): Tracker {
  const node = new TrackerNode(onInvalidate);
  if (!adopt(node)) node.state = DISPOSED;
  return node;
}
