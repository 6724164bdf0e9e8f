/**
 * Values an HTTP middleware hands to the page it lets through (SvelteKit's `locals`):
 * keyed by symbols its own module owns, kept against the request object, and carried
 * into the page's `RequestInfo.locals` — so whatever a middleware learned about a
 * request (the signed-in user, a tenant) is what the page's components and its action
 * see, for the request and for the live session it starts.
 */
import type { IncomingMessage } from "node:http";

const locals = new WeakMap<IncomingMessage, Map<symbol, unknown>>();

/**
 * The request's locals (created on first use).
 * @example
 * const TENANT = Symbol("tenant");
 * requestLocals(ctx.req).set(TENANT, await tenantOf(ctx.req));
 */
export function requestLocals(req: IncomingMessage): Map<symbol, unknown> {
  let m = locals.get(req);
  if (m === undefined) {
    m = new Map();
    locals.set(req, m);
  }
  return m;
}
