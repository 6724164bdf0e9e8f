/**
 * Middleware chains around event handling and HTTP requests. Tracing, metrics, rate
 * limits and auth plug in here. A chain is composed once; with no middleware the
 * handler is called directly, so an app without middleware pays nothing per event.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode } from "../../protocol/errors.ts";
import { ServerError } from "./errors.ts";

export type Next = () => Promise<void>;
export type Middleware<C> = (ctx: C, next: Next) => Promise<void>;

/**
 * @internal A middleware may carry, under this key, a check that it would do nothing for
 * this context but call `next()` (tracing with no SDK registered): the chain then calls
 * the rest directly, without the `next` closure and the call through the middleware.
 */
export const PASS_THROUGH: unique symbol = Symbol("vango.passThrough");

interface PassThrough<C> {
  readonly [PASS_THROUGH]?: (ctx: C) => boolean;
}

/**
 * Composes `mws` around `inner` (first middleware outermost). Calling `next()` twice
 * rejects with a `ServerError` coded `internal_error`. With no middleware the result is
 * `inner` itself, so a synchronous `inner` stays synchronous (no promise per call).
 * @example const run = compose([timing], (ctx) => handle(ctx)); await run(ctx);
 */
export function compose<C, R extends void | Promise<void> = Promise<void>>(
  mws: readonly Middleware<C>[],
  inner: (ctx: C) => R,
): (ctx: C) => R | Promise<void> {
  // Precomposed once: each link knows its successor, so a call allocates one `next`
  // closure per middleware and nothing else (no dispatch closure, no index bookkeeping).
  let run: (ctx: C) => R | Promise<void> = inner;
  for (let i = mws.length - 1; i >= 0; i--) run = link(mws[i]!, run);
  return run;
}

/**
 * What `next()` returns when the rest of the chain finished synchronously. A middleware
 * that hands it straight back (`return next()`, as tracing does with no SDK) lets the
 * caller see the event as done without waiting a microtask.
 */
export const SETTLED: Promise<void> = Promise.resolve();

function link<C>(
  mw: Middleware<C>,
  after: (ctx: C) => void | Promise<void>,
): (ctx: C) => Promise<void> {
  const pass = (mw as PassThrough<C>)[PASS_THROUGH];
  return (ctx: C) => {
    // Passed through: what `mw` would return from `return next()`, minus the closure.
    if (pass?.(ctx) === true) return callRest(after, ctx);
    let called = false;
    try {
      return mw(ctx, () => {
        if (called) {
          return Promise.reject(
            new ServerError(ErrorCode.internal_error, "next() called more than once"),
          );
        }
        called = true;
        return callRest(after, ctx);
      });
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

/** The rest of a chain as `next()` returns it: `SETTLED` when it finished synchronously. */
function callRest<C>(after: (ctx: C) => void | Promise<void>, ctx: C): Promise<void> {
  try {
    return after(ctx) ?? SETTLED;
  } catch (err) {
    return Promise.reject(err);
  }
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

/** Express's `next`: called when the app leaves a request to what is mounted after it. */
export type NextFn = (err?: unknown) => void;
