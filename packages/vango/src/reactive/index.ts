/**
 * Vango's reactive core: signals, computeds, effects, batching, ownership and trackers,
 * built on alien-signals.
 */
export { batch, untracked } from "./batch.ts";
export { computed, memo } from "./computed.ts";
export type { EffectFn } from "./effect.ts";
export { effect } from "./effect.ts";
export { ReactiveError, ReactiveErrorCode } from "./errors.ts";
export type { Owner } from "./owner.ts";
export { createRoot, getOwner, onCleanup, runWithOwner } from "./owner.ts";
export type { ReadonlySignal, Signal, SignalOptions } from "./signal.ts";
export { signal } from "./signal.ts";
export type { Tracker } from "./tracker.ts";
export { createTracker } from "./tracker.ts";
