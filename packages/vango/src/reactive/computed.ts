/**
 * Derived values over alien-signals' computed: lazy (nothing runs until the first read),
 * cached, glitch-free, and cut off when the new value is `===` the old one.
 *
 * Added on top of alien-signals, which natively returns the stale value when a computed
 * reads itself and keeps returning it after its getter threw:
 * - a read of a computed while it is being read or computed (itself, or a stale
 *   dependency it is refreshing, reading it back) throws `reactive_cycle`;
 * - a getter's error is cached like a value and rethrown on every read until a
 *   dependency changes (dependencies read before the throw are kept).
 */
import { computed as alienComputed } from "alien-signals";
import { untracked } from "./batch.ts";
import { ReactiveError, ReactiveErrorCode } from "./errors.ts";
import { setOwner } from "./owner.ts";
import type { ReadonlySignal } from "./signal.ts";

/**
 * Returned to alien-signals in place of a value when the getter threw; a fresh one each
 * time, so a failure always counts as a change. The error itself is kept on the node: a
 * field check on read is several times cheaper than `instanceof` on every value.
 */
class Failure {}

class ComputedNode<T> {
  readonly fn: (prev: T | undefined) => T;
  /** Last value the getter returned (its `prev` argument), never a Failure. */
  last: T | undefined = undefined;
  computing = false;
  /** Whether the last getter run threw `error`. */
  failed = false;
  error: unknown = undefined;

  constructor(fn: (prev: T | undefined) => T) {
    this.fn = fn;
  }

  /**
   * Given to alien-signals; an arrow so alien's `this` does not matter. It may run with
   * no `read()` of this computed on the stack (alien refreshes it while checking a
   * dependant), so it sets the cycle flag itself too.
   */
  readonly getter = (): T | Failure => {
    const wasComputing = this.computing;
    this.computing = true;
    // A computed runs whenever it is first read, under whatever owner the reader has; it
    // must not adopt anything there, so nothing created inside it is owned.
    const prevOwner = setOwner(null);
    try {
      const value = this.fn(this.last);
      this.last = value;
      if (this.failed) {
        this.failed = false;
        this.error = undefined;
      }
      return value;
    } catch (error) {
      this.failed = true;
      this.error = error;
      return new Failure();
    } finally {
      setOwner(prevOwner);
      this.computing = wasComputing;
    }
  };
}

/**
 * Creates a lazily evaluated, cached value derived from other signals. `fn` gets the
 * previous value (undefined the first time).
 * @example
 * const full = computed(() => `${first()} ${last()}`);
 * const total = computed<number>((prev) => (prev ?? 0) + delta());
 */
export function computed<T>(fn: (prev: T | undefined) => T): ReadonlySignal<T> {
  const node = new ComputedNode(fn);
  const raw = alienComputed<T | Failure>(node.getter);
  const read = (): T => {
    if (node.computing) {
      throw new ReactiveError(ReactiveErrorCode.cycle, "a computed read itself while computing");
    }
    // Flagged for the whole read, not just the getter: alien-signals refreshes stale
    // upstream computeds before this one's getter runs, and one of them reading this
    // computed back is a cycle too.
    node.computing = true;
    let value: T | Failure;
    try {
      value = raw();
    } finally {
      node.computing = false;
    }
    if (node.failed) throw node.error;
    return value as T;
  };
  const r = read as ReadonlySignal<T>;
  r.peek = () => untracked(read);
  return r;
}

/** Alias of {@link computed}, for readers coming from Solid. */
export const memo = computed;
