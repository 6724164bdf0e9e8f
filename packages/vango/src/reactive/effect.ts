/**
 * Effects over alien-signals' effect, with Vango ownership and error routing.
 *
 * Each effect is also an owner: what it creates while running (effects, roots, trackers,
 * `onCleanup` callbacks) belongs to that run and is disposed before the next run and on
 * dispose, newest first, after the cleanup the body returned. alien-signals' own parent
 * linking of nested effects is bypassed (they are created with no active subscriber) so
 * that the owner tree alone decides lifetimes.
 *
 * Self-triggering is bounded by alien-signals natively: a write made while an effect runs
 * never re-queues that effect (it is flagged Recursed and skipped), and neither can any
 * effect still on the run stack be re-queued, so an effect that writes a signal it reads
 * runs once per outside change instead of looping.
 */
import { effect as alienEffect, getActiveSub, setActiveSub } from "alien-signals";
import type { ReactiveNode } from "alien-signals/system";
import { adopt, callInto, OwnerNode, setOwner } from "./owner.ts";
import { dependsOnlyOn } from "./quiescence.ts";
import { discardReported, enter, leave, report, rethrowReported } from "./runtime.ts";

/**
 * The body of an effect; it may return a cleanup. `void` (not `undefined`) so that bodies
 * written as expressions, like `() => log(count())`, type-check.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: the contract other modules code against
export type EffectFn = () => void | (() => void);

const STARTED = 1;
const FIRST_RUN_FAILED = 2;

class EffectNode extends OwnerNode {
  readonly fn: EffectFn;
  cleanup: (() => void) | undefined = undefined;
  stop: (() => void) | undefined = undefined;
  /** alien-signals' node (captured on the first run): its dependencies tell `atRest`. */
  node: ReactiveNode | undefined = undefined;
  flags = 0;
  firstError: unknown = undefined;

  constructor(fn: EffectFn) {
    super();
    this.fn = fn;
  }

  /** Given to alien-signals, which calls it with itself as the active subscriber. */
  readonly run = (): void => {
    if (this.isDisposed) return;
    enter();
    const firstRun = (this.flags & STARTED) === 0;
    this.flags |= STARTED;
    if (firstRun) this.node = getActiveSub();
    if (!firstRun && (this.cleanup !== undefined || this.first !== null)) {
      const prevSub = setActiveSub(undefined);
      const errors = this.runCleanups(null);
      setActiveSub(prevSub);
      if (errors !== null) for (const e of errors) report(e);
    }
    const prevOwner = setOwner(this);
    try {
      const cleanup = this.fn();
      if (typeof cleanup === "function") {
        if (this.isDisposed) cleanupNow(cleanup);
        else this.cleanup = cleanup;
      }
    } catch (error) {
      if (firstRun) {
        this.flags |= FIRST_RUN_FAILED;
        this.firstError = error;
      } else {
        report(error);
      }
    } finally {
      setOwner(prevOwner);
      leave();
    }
  };

  runCleanups(errors: unknown[] | null): unknown[] | null {
    const cleanup = this.cleanup;
    if (cleanup !== undefined) {
      this.cleanup = undefined;
      errors = callInto(cleanup, errors);
    }
    return this.disposeChildren(errors);
  }

  /**
   * At rest when it only follows `sources` and holds nothing: no cleanup of its own, and
   * what it created at rest too (a view built again runs it afresh).
   */
  override atRest(sources: ReadonlySet<ReactiveNode>, seen: Set<ReactiveNode>): boolean {
    if (this.isDisposed) return true;
    if (this.cleanup !== undefined || !dependsOnlyOn(this.node, sources, seen)) return false;
    return super.atRest(sources, seen);
  }

  disposeInto(errors: unknown[] | null): unknown[] | null {
    if (this.isDisposed) return errors;
    this.isDisposed = true;
    const stop = this.stop;
    this.stop = undefined;
    if (stop !== undefined) stop();
    this.detach();
    return this.runCleanups(errors);
  }
}

function cleanupNow(cleanup: () => void): void {
  const prevSub = setActiveSub(undefined);
  try {
    cleanup();
  } catch (error) {
    report(error);
  } finally {
    setActiveSub(prevSub);
  }
}

/**
 * Runs `fn` now and again whenever a signal or computed it read changes (once per batch).
 * A function returned by `fn` runs before the next run and on dispose. The effect belongs
 * to the current owner. Returns a function that disposes it.
 *
 * Errors: if the first run throws, the effect is disposed and `effect()` throws. An error
 * in a later run does not stop other effects: it is rethrown to the code whose write (or
 * batch) caused the run, after all effects ran; the effect stays subscribed to what it
 * read before throwing, so a later change runs it again. Under a disposed owner the
 * effect never runs.
 * @example
 * const stop = effect(() => {
 *   document.title = `${count()} clicks`;
 *   return () => { document.title = ""; };
 * });
 */
export function effect(fn: EffectFn): () => void {
  const node = new EffectNode(fn);
  const dispose = (): void => node.dispose();
  if (!adopt(node)) {
    node.isDisposed = true;
    return dispose;
  }
  const outermost = enter();
  const prevSub = setActiveSub(undefined);
  try {
    const stop = alienEffect(node.run);
    // Disposed during its first run (before `stop` existed): unsubscribe now.
    if (node.isDisposed) stop();
    else node.stop = stop;
  } finally {
    setActiveSub(prevSub);
    leave();
  }
  if (node.flags & FIRST_RUN_FAILED) {
    // The body's own error is what the caller needs; errors of cleanups that ran while
    // disposing the failed effect, and of effects its writes triggered, are dropped.
    const error = node.firstError;
    node.firstError = undefined;
    const prev = setActiveSub(undefined);
    node.disposeInto(null);
    setActiveSub(prev);
    if (outermost) discardReported();
    throw error;
  }
  if (outermost) rethrowReported();
  return dispose;
}
