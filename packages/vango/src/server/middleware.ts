/**
 * Middleware chains around event handling and HTTP requests. Tracing, metrics, rate
 * limits and auth plug in here. A chain is composed once; with no middleware the
 * handler is called directly, so an app without middleware pays nothing per event.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export type Next = () => Promise<void>;
export type Middleware<C> = (ctx: C, next: Next) => Promise<void>;

/**
 * Composes `mws` around `inner` (first middleware outermost). Calling `next()` twice
 * rejects with a TypeError.
 * @example const run = compose([timing], (ctx) => handle(ctx)); await run(ctx);
 */
export function compose<C>(
  mws: readonly Middleware<C>[],
  inner: (ctx: C) => Promise<void>,
): (ctx: C) => Promise<void> {
  if (mws.length === 0) return inner;
  const chain = mws.slice();
  return (ctx: C) => {
    let last = -1;
    const dispatch = (i: number): Promise<void> => {
      if (i <= last) return Promise.reject(new TypeError("next() called more than once"));
      last = i;
      if (i === chain.length) return inner(ctx);
      try {
        return chain[i]!(ctx, () => dispatch(i + 1));
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return dispatch(0);
  };
}

/** Context of an HTTP request passing through the app's HTTP middleware chain. */
export interface HttpContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** URL pathname (no query). */
  readonly path: string;
  /** Route pattern once matched (`/users/:id`), else `undefined`; bounded label. */
  route: string | undefined;
  /** True when the handler was given a `next` (Express): unknown paths fall through. */
  readonly fallThrough: boolean;
  /** Set to false by the app when it left the request to `next`. */
  handled: boolean;
}

export type HttpMiddleware = Middleware<HttpContext>;
