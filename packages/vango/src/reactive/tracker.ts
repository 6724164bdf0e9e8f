/**
 * Trackers: the renderer's hook into the graph. A tracker owns one alien-signals effect
 * node for its whole life. `track(fn)` runs `fn` with that node as the active subscriber,
 * so everything `fn` reads becomes a dependency; the first `track()` creates the node
 * through alien's `effect()`, later ones re-run it in place as alien's own effect run
 * does: links of dependencies read again in the same order are reused, those not read
 * again are unlinked. When a dependency changes, alien-signals runs the node; Vango's body
 * then calls `onInvalidate` and stops the node watching (its links stay, for the next
 * `track()` to reuse), which fires at most one invalidation per cycle. A re-render of an
 * unchanged shape thus allocates nothing here: no effect, no disposer, no links, each of
 * which would otherwise live from one render to the next.
 */
import { effect as alienEffect, getActiveSub, setActiveSub } from "alien-signals";
import { createReactiveSystem, type Link, type ReactiveNode } from "alien-signals/system";
import { adopt, OwnedNode } from "./owner.ts";
import { dependsOnlyOn } from "./quiescence.ts";
import { enter, leave, report, rethrowReported } from "./runtime.ts";

/** Collects what a function reads and reports, once, that something in it changed. */
export interface Tracker {
  /** Runs `fn`, replacing the previous dependencies with what it reads; returns its value. */
  track<T>(fn: () => T): T;
  /** Stops tracking; `onInvalidate` is never called again. Idempotent. */
  dispose(): void;
}

const IDLE = 0;
/** `fn` is running as the node's tracked run. */
const TRACKING = 1;
/** Dependencies collected; waiting for a change. */
const ARMED = 2;
const DISPOSED = 3;

// alien-signals' node flags (`ReactiveFlags`, plus its effects' `HasChildEffect`).
const MUTABLE = 1;
const WATCHING = 2;
const RECURSED_CHECK = 4;
const DIRTY = 16;
const HAS_CHILD_EFFECT = 64;
/** A link version no cycle of alien-signals (counted up from 0) can have. */
const STALE = -1;

/**
 * `unlink` for the dependencies a re-run in place drops, with alien-signals' own
 * `unwatched` behaviour for them: nothing for a signal; a computed that lost its last
 * subscriber lets go of its dependencies and is marked dirty (it recomputes when read
 * again). A tracker has no other kind of dependency: Vango creates effects with no active
 * subscriber, and a node that got an alien child effect anyway is replaced by a fresh one
 * (see `track`) whose disposal alien-signals does itself.
 */
const system = createReactiveSystem({
  update: () => false,
  notify: () => {},
  unwatched(dep) {
    if (!("getter" in dep) || dep.depsTail === undefined) return;
    dep.flags = MUTABLE | DIRTY;
    let link: Link | undefined = dep.depsTail;
    while (link !== undefined) {
      const prev: Link | undefined = link.prevDep;
      system.unlink(link, dep);
      link = prev;
    }
  },
});

/** Unlinks the dependencies after `node.depsTail`: those the last run did not read. */
function purgeStale(node: ReactiveNode): void {
  const tail = node.depsTail;
  let link = tail !== undefined ? tail.nextDep : node.deps;
  while (link !== undefined) link = system.unlink(link, node);
}

/** The last dependency link of `node`. */
function lastDep(node: ReactiveNode): Link | undefined {
  let link = node.deps;
  if (link !== undefined) while (link.nextDep !== undefined) link = link.nextDep;
  return link;
}

class TrackerNode extends OwnedNode implements Tracker {
  readonly onInvalidate: (arg: unknown) => void;
  /** Passed to `onInvalidate`: a shared callback needs no closure per tracker. */
  readonly arg: unknown;
  /** alien-signals' effect node (captured during its first run) and its disposer. */
  node: ReactiveNode | undefined = undefined;
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

  constructor(onInvalidate: (arg: unknown) => void, arg: unknown) {
    super();
    this.onInvalidate = onInvalidate;
    this.arg = arg;
    this.run = () => this.#run();
  }

  #run(): void {
    if (this.state === TRACKING) {
      this.node = getActiveSub();
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
    // A dependency changed. alien-signals cleared `depsTail` to collect this run's reads
    // and purges every link after it when the body returns: point it back at the last
    // link to keep them all. Flags 0: no more runs until the next `track()`.
    const node = this.node;
    if (node !== undefined) {
      node.depsTail = lastDep(node);
      node.flags = 0;
    }
    if (this.state !== ARMED) return;
    this.state = IDLE;
    enter();
    const prevSub = setActiveSub(undefined);
    try {
      this.onInvalidate(this.arg);
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
    const node = this.node;
    if (node !== undefined && (node.flags & HAS_CHILD_EFFECT) === 0) return this.#retrack(node, fn);
    this.release();
    this.state = TRACKING;
    this.fn = fn;
    const outermost = enter();
    const prevSub = setActiveSub(undefined);
    try {
      const stop = alienEffect(this.run);
      // Disposed while `fn` ran (before `stop` existed): unsubscribe now.
      if (this.state === DISPOSED) {
        stop();
        this.node = undefined;
      } else {
        this.stop = stop;
      }
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

  /**
   * Runs `fn` as a new run of `node`, as alien-signals' effect run does: dependencies are
   * collected from the first link on (a link read again in the same order is reused), the
   * ones not read again are unlinked afterwards. Their versions are reset first, so that
   * none counts as already linked in this run (alien bumps a global cycle for that).
   */
  #retrack<T>(node: ReactiveNode, fn: () => T): T {
    const stop = this.stop;
    this.state = TRACKING;
    for (let link = node.deps; link !== undefined; link = link.nextDep) link.version = STALE;
    node.depsTail = undefined;
    node.flags = WATCHING | RECURSED_CHECK;
    const outermost = enter();
    const prevSub = setActiveSub(node);
    let result: T;
    try {
      result = fn();
    } finally {
      setActiveSub(prevSub);
      node.flags &= ~RECURSED_CHECK;
      purgeStale(node);
      leave();
      // Disposed while `fn` ran: drop what it read after the disposal too.
      if (this.state === DISPOSED) stop?.();
      else this.state = ARMED;
    }
    if (outermost) rethrowReported();
    return result;
  }

  /** Stops the effect node, if any. */
  release(): void {
    const stop = this.stop;
    if (stop !== undefined) {
      this.stop = undefined;
      this.node = undefined;
      stop();
    }
  }

  dispose(): void {
    this.disposeInto(null);
  }

  atRest(sources: ReadonlySet<ReactiveNode>, seen: Set<ReactiveNode>): boolean {
    // Invalidated and not yet tracked again: a render is due, the view is not idle.
    if (this.state === IDLE || this.state === TRACKING) return false;
    return this.state === DISPOSED || dependsOnlyOn(this.node, sources, seen);
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
 * just runs `fn` untracked. `arg` is passed to `onInvalidate` (one shared callback for
 * many trackers, instead of a closure each).
 * @example
 * const t = createTracker(() => queueMicrotask(rerender));
 * const vnode = t.track(() => view());
 */
export function createTracker<A = undefined>(onInvalidate: (arg: A) => void, arg?: A): Tracker {
  const node = new TrackerNode(onInvalidate as (arg: unknown) => void, arg);
  if (!adopt(node)) node.state = DISPOSED;
  return node;
}
