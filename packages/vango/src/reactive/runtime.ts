/**
 * Error routing for code the reactive core runs on the user's behalf (effect bodies,
 * effect cleanups, tracker callbacks). alien-signals lets an error thrown inside an effect
 * abort its flush and silently skip every effect still queued; Vango instead catches it
 * per callback, lets the flush finish (so every other effect still sees the update), and
 * rethrows from the outermost Vango call that started the work: `signal.set`/`update`,
 * the end of the outermost `batch`, `effect()` or `Tracker.track()`.
 * @internal
 */
import { throwErrors } from "./errors.ts";

/** Nesting depth of Vango entry points and callback runs; 0 = no reactive work under way. */
let depth = 0;
let pending: unknown[] | null = null;

/** Marks the start of reactive work; returns true when this call is the outermost. */
export function enter(): boolean {
  return depth++ === 0;
}

/** Ends what {@link enter} started. */
export function leave(): void {
  depth--;
}

/** True while reactive work is under way (errors are then deferred, not thrown). */
export function busy(): boolean {
  return depth !== 0;
}

/** Defers an error caught in a callback until the outermost entry point returns. */
export function report(error: unknown): void {
  if (pending === null) pending = [error];
  else pending.push(error);
}

/** Called by the outermost entry point when it is done: throws what callbacks reported. */
export function rethrowReported(): void {
  const errors = pending;
  if (errors !== null) {
    pending = null;
    throwErrors(errors);
  }
}

/** Drops reported errors because the entry point is already throwing an error of its own. */
export function discardReported(): void {
  pending = null;
}
