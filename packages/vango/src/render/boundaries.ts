/**
 * `<ErrorBoundary>` and `<Async>`: the two boundary components. Both renderers know them
 * by identity and handle them structurally (the live renderer in `boundary-live.ts`, SSR
 * in `html-writer.ts`); the function bodies only run if someone calls them directly,
 * and then pass their children through.
 *
 * A boundary renders its children and its fallback inside region components, so that a
 * function child (`{() => <p>{user.value().name}</p>}`) is called inside the boundary,
 * tracked like a render: JSX children are evaluated by the parent's render, outside the
 * boundary, so a read written directly as a child would suspend or fail the parent.
 */
import type { VChild } from "../vdom/vnode.ts";

/** A boundary's children or fallback: nodes, or a function rendered inside the boundary. */
export type RegionChildren = VChild | (() => VChild);

/** What an `onError` callback learns besides the error. */
export interface ErrorInfo {
  /** Components from the one that threw out to the root, innermost first (live renderer). */
  readonly componentStack: readonly string[];
}

export interface ErrorBoundaryProps {
  /**
   * Shown instead of the children once one of them threw while being set up or
   * rendered. Gets what was thrown (as thrown, e.g. a `ResourceError`) and `reset`, which
   * mounts the children again from scratch (their setups run anew).
   */
  fallback: (error: unknown, reset: () => void) => VChild;
  /** Called once per caught error, before the fallback renders (e.g. to log it). */
  onError?: (error: unknown, info: ErrorInfo) => void;
  children?: RegionChildren;
}

export interface AsyncProps {
  /** Shown while something inside is loading (a resource read before it was ready, an async component). */
  fallback?: RegionChildren;
  children?: RegionChildren;
}

/**
 * Catches errors thrown while its children are set up or rendered (live and SSR) and
 * renders `fallback(error, reset)` instead. Errors of event handlers, `onMount`
 * callbacks and cleanups are not caught; a fallback's own error goes to the next
 * boundary up. A suspension (data still loading) is not an error and passes through.
 * @example
 * <ErrorBoundary fallback={(err, reset) => <p>Failed. <button onClick={reset}>Retry</button></p>}>
 *   {() => <Profile user={user.value()} />}
 * </ErrorBoundary>
 */
export function ErrorBoundary(props: ErrorBoundaryProps): VChild {
  return regionOutput(props.children);
}

/**
 * Shows `fallback` while anything inside is loading and the children once it is all
 * ready. The children stay mounted meanwhile (their setups run once; their resources
 * keep loading). Live: the swap arrives as patches when the data does. `renderToString`:
 * the fallback if anything is still loading; streaming SSR waits for the data in place.
 * @example
 * <Async fallback={<p>Loading…</p>}>
 *   {() => <h1>{user.value().name}</h1>}
 * </Async>
 */
export function Async(props: AsyncProps): VChild {
  return regionOutput(props.children);
}

/** @internal Renders a boundary's children; a stateful component, so reads are tracked. */
export function ContentRegion(props: { children?: RegionChildren }): () => VChild {
  return () => regionOutput(props.children);
}

/** @internal Renders a boundary's fallback (a distinct type, so lookups can tell them apart). */
export function FallbackRegion(props: { children?: RegionChildren }): () => VChild {
  return () => regionOutput(props.children);
}

function regionOutput(children: RegionChildren | undefined): VChild {
  return typeof children === "function" ? children() : children;
}
