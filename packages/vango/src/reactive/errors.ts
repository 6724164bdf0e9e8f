/**
 * Coded errors of the reactive core. Match on `code`, never on the message.
 */
import { createError } from "../errors/create-error.ts";

/** Codes a {@link ReactiveError} can carry. */
export const ReactiveErrorCode = {
  /** A computed read itself, directly or through other computeds, while computing. */
  cycle: "reactive_cycle",
} as const;
export type ReactiveErrorCode = (typeof ReactiveErrorCode)[keyof typeof ReactiveErrorCode];

/**
 * An error raised by the reactive core itself (not by user code it ran).
 * @example
 * try { total() } catch (e) { if (e instanceof ReactiveError && e.code === "reactive_cycle") … }
 */
export const ReactiveError = createError<ReactiveErrorCode>("ReactiveError");
export type ReactiveError = InstanceType<typeof ReactiveError>;

/** Throws the one error as is, or several as an `AggregateError` (in the order they occurred). */
export function throwErrors(errors: readonly unknown[]): never {
  if (errors.length === 1) throw errors[0];
  throw new AggregateError(errors, `${errors.length} errors in reactive callbacks`);
}
