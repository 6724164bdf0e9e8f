/**
 * Coded errors raised while rendering. Match on `code`, never on the message.
 */
import { createError } from "../errors/create-error.ts";

/** Codes a {@link RenderError} can carry. */
export const RenderErrorCode = {
  /** A tag name outside `[a-zA-Z][a-zA-Z0-9-]*`. */
  invalidTag: "invalid_tag",
  /** A VRaw with siblings: its markup could parse into any number of DOM nodes. */
  rawNotOnlyChild: "raw_html_not_only_child",
  /** A component returned a Promise during a synchronous render (use the streaming one). */
  asyncInSyncRender: "async_component_in_sync_render",
  /**
   * A component's setup read a resource it created itself before it was ready: read it
   * in the render function (inside `<Async>`), or `await` the data in an async component.
   */
  resourceReadInSetup: "resource_read_in_setup",
} as const;
export type RenderErrorCode = (typeof RenderErrorCode)[keyof typeof RenderErrorCode];

/**
 * An error raised by the renderer itself (not by user code it ran).
 * @example
 * try { renderToString(view) } catch (e) { if (e instanceof RenderError && e.code === "invalid_tag") … }
 */
export const RenderError = createError<RenderErrorCode>("RenderError");
export type RenderError = InstanceType<typeof RenderError>;
