/**
 * Coded errors of resources. Match on `code`, never on the message.
 */
import { createError } from "../errors/create-error.ts";

/** Codes a {@link ResourceError} can carry. */
export const ResourceErrorCode = {
  /** The fetcher threw or its promise rejected; what it threw is `cause`. */
  failed: "resource_failed",
  /**
   * `value()` was called outside a component's render (a handler, a timer) while the
   * resource had no value yet: there is nothing to suspend. Use `latest()` or `state()`.
   */
  notReady: "resource_not_ready",
} as const;
export type ResourceErrorCode = (typeof ResourceErrorCode)[keyof typeof ResourceErrorCode];

/**
 * An error of a resource; a failed fetch keeps what the fetcher threw as `cause`.
 * @example
 * <ErrorBoundary fallback={(e) => <p>{e instanceof ResourceError && e.code === "resource_failed" ? "Could not load" : "Error"}</p>}>…</ErrorBoundary>
 */
export const ResourceError = createError<ResourceErrorCode>("ResourceError", 500);
export type ResourceError = InstanceType<typeof ResourceError>;
