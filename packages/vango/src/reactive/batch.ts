/**
 * Batching and untracked reads.
 */
import { endBatch, getActiveSub, setActiveSub, startBatch } from "alien-signals";
import type { ReactiveNode } from "alien-signals/system";
import { discardReported, enter, leave, rethrowReported } from "./runtime.ts";

/**
 * Runs `fn` with effects held back; they run once each when the outermost batch ends,
 * however many writes `fn` made. Returns what `fn` returns. Errors thrown by effects are
 * rethrown after all of them ran; if `fn` itself throws, its error wins and theirs are
 * dropped.
 * @example
 * batch(() => { first.set("Ada"); last.set("Lovelace"); }); // a name effect runs once
 */
export function batch<T>(fn: () => T): T {
  const outermost = enter();
  startBatch();
  let failed = true;
  try {
    const result = fn();
    failed = false;
    return result;
  } finally {
    try {
      endBatch();
    } finally {
      leave();
    }
    if (outermost) {
      if (failed) discardReported();
      else rethrowReported();
    }
  }
}

/**
 * Runs `fn` without tracking what it reads.
 * @example
 * effect(() => log(count(), untracked(() => label()))); // re-runs on count only
 */
export function untracked<T>(fn: () => T): T {
  const prevSub = setActiveSub(undefined);
  try {
    return fn();
  } finally {
    setActiveSub(prevSub);
  }
}

/**
 * @internal `untracked` for hot paths, without a closure: stops tracking and returns
 * what {@link resumeTracking} (in a `finally`) needs to restore it.
 */
export function pauseTracking(): ReactiveNode | undefined {
  return setActiveSub(undefined);
}

/** @internal Ends what {@link pauseTracking} started. */
export function resumeTracking(prev: ReactiveNode | undefined): void {
  setActiveSub(prev);
}

/** @internal Whether a read now would be tracked (an effect, computed or tracker runs). */
export function isTracking(): boolean {
  return getActiveSub() !== undefined;
}
