/**
 * Coded errors of `hook()`, `useHook()`, `<Island>` and `optimistic()`. Match on `code`,
 * never on the message.
 */
import { createError } from "../errors/create-error.ts";

/** Codes a {@link HookError} can carry. */
export const HookErrorCode = {
  /** A hook name that is neither a built-in's (`Sortable`) nor an app module path (`./x.client.ts`). */
  invalidName: "hook_name_invalid",
  /** Options, props, a call payload or an optimistic change that JSON cannot carry (a cycle, a BigInt, a function). */
  invalidValue: "hook_value_invalid",
  /** `useHook` outside a page's component setup. */
  outsidePage: "hook_outside_page",
} as const;
export type HookErrorCode = (typeof HookErrorCode)[keyof typeof HookErrorCode];

/**
 * @example
 * try { hook("Sortable", { big: 1n }) } catch (e) { if (e instanceof HookError) e.code; // "hook_value_invalid" }
 */
export const HookError = createError<HookErrorCode>("HookError");
export type HookError = InstanceType<typeof HookError>;
