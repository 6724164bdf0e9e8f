/**
 * Suspension: how code running in a render says "what I need is not here yet". A data
 * source (a `resource` that is still loading) throws a {@link Suspension}; the renderer
 * catches it at the component that read it:
 *  - in the live renderer, a component whose render suspends keeps its last output (or
 *    shows nothing on its first render) and the nearest enclosing `<Async>` shows its
 *    fallback; the render runs again when the data it read changes;
 *  - in streaming SSR the component is awaited in place (like an async component); in
 *    `renderToString` the nearest `<Async>` renders its fallback, else the component
 *    renders nothing.
 * A suspension is not an error: error boundaries let it pass.
 */
import type { Owner } from "../reactive/index.ts";

export class Suspension {
  /** Settles (fulfils, never rejects) once what was waited for has settled. */
  readonly until: PromiseLike<unknown>;
  /**
   * Owner of the thing waited for (for a resource, the owner it was created under). A
   * component whose setup reads a resource it created itself can never get past that
   * read (each retry of the setup creates a new, loading resource): the renderer refuses
   * it with `resource_read_in_setup` rather than looping.
   */
  readonly owner: Owner | null;

  constructor(until: PromiseLike<unknown>, owner: Owner | null) {
    this.until = until;
    this.owner = owner;
  }
}

/** Whether `e` is a {@link Suspension} (a thrown "not ready"), not an error. */
export function isSuspension(e: unknown): e is Suspension {
  return e instanceof Suspension;
}
