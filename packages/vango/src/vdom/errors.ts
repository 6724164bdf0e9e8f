/**
 * Coded errors of the JSX runtime and vdom helpers. Match on `code`, never on the message.
 */
import { createError } from "../errors/create-error.ts";

/** Codes a {@link VdomError} can carry. */
export const VdomErrorCode = {
  /** An element child that is not a node, primitive or array (e.g. a function or object). */
  invalidChild: "invalid_child",
  /** An `on()` modifier out of range (debounce/throttle not an integer in 0–60000 ms). */
  invalidModifier: "invalid_modifier",
  /** `raw()` given something other than a string. */
  invalidRaw: "invalid_raw",
} as const;
export type VdomErrorCode = (typeof VdomErrorCode)[keyof typeof VdomErrorCode];

/**
 * An error raised by the JSX runtime or the vdom helpers.
 * @example
 * try { h("p", null, () => 1) } catch (e) { if (e instanceof VdomError && e.code === "invalid_child") … }
 */
export const VdomError = createError<VdomErrorCode>("VdomError");
export type VdomError = InstanceType<typeof VdomError>;
