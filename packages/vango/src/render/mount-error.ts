/**
 * Coded errors of the live renderer. Match on `code`, never on the message.
 */
import { createError } from "../errors/create-error.ts";

/** Codes a {@link MountError} can carry. */
export const MountErrorCode = {
  /** A component's setup, render or lifecycle callback threw; the original is `cause`. */
  renderError: "render_error",
  /** `provide`/`onMount` called outside a component's setup. */
  noComponentScope: "no_component_scope",
} as const;
export type MountErrorCode = (typeof MountErrorCode)[keyof typeof MountErrorCode];

/**
 * An error raised by the live renderer (`mountLive`, `LiveRoot.flush`).
 * @example
 * try { root.flush(out) } catch (e) { if (e instanceof MountError && e.code === "render_error") log(e.cause) }
 */
export class MountError extends createError<MountErrorCode>("MountError") {
  /**
   * The components from the one that failed out to the root (`["Row", "List", "Page"]`),
   * for error reports; empty when the failure was outside a component.
   */
  componentStack: readonly string[] = [];
}

/**
 * `error` as a `render_error` (unchanged when it already is one: the innermost
 * component's report wins), with the component stack it happened in.
 */
export function toRenderError(
  error: unknown,
  where: string,
  componentStack: readonly string[] = [],
): MountError {
  if (error instanceof MountError && error.code === MountErrorCode.renderError) return error;
  const what = error instanceof Error ? error.message : String(error);
  const e = new MountError(MountErrorCode.renderError, `${where}: ${what}`, { cause: error });
  e.componentStack = componentStack;
  return e;
}
