/**
 * Control flow out of a page: `redirect()` and `notFound()` throw, from a component's
 * setup or render, a handler, a page action or route middleware; whoever runs the page
 * turns them into what fits — an HTTP 3xx or 404 during a page request, a live
 * navigation or the not-found page in a live session, a 303 after a form POST.
 */
import { createError } from "../errors/create-error.ts";

const RedirectBase = createError<"redirect">("Redirect", 302);
const NotFoundBase = createError<"not_found">("NotFound", 404);

/** Thrown by {@link redirect}; carries where to and how. */
export class Redirect extends RedirectBase {
  readonly location: string;
  /** 301, 302, 303, 307 or 308 during a page request. */
  readonly httpStatus: number;
  /**
   * Replace the history entry in a live navigation; `undefined`: as fits where it was
   * thrown — replace from setup, render and handlers (a redirect is not a step of its
   * own), push from an action (its result is).
   */
  readonly replace: boolean | undefined;
  /**
   * In a live session, load `location` as a new document instead of navigating over the
   * socket (from {@link redirectDocument}).
   */
  readonly document: boolean;

  constructor(
    location: string,
    httpStatus: number,
    replace: boolean | undefined,
    document = false,
  ) {
    super("redirect", location);
    this.location = location;
    this.httpStatus = httpStatus;
    this.replace = replace;
    this.document = document;
  }
}

/** Thrown by {@link notFound}. */
export class NotFound extends NotFoundBase {
  constructor() {
    super("not_found");
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** How {@link redirect} and {@link redirectDocument} send the user on. */
export interface RedirectOptions {
  /** The HTTP status during a page request: 301, 302 (default), 303, 307 or 308. */
  readonly status?: number;
  /**
   * In a live session, replace the current history entry (`true`) or add one (`false`).
   * Default: replace from a component or a handler, add one from an action.
   */
  readonly replace?: boolean;
}

function redirectOf(location: string, opts: number | RedirectOptions | undefined, doc: boolean) {
  const o: RedirectOptions = typeof opts === "number" ? { status: opts } : (opts ?? {});
  const status = o.status ?? 302;
  if (!REDIRECT_STATUSES.has(status)) throw new RangeError(`redirect status ${status}`);
  if (o.replace !== undefined && typeof o.replace !== "boolean") {
    throw new TypeError("redirect replace must be a boolean");
  }
  return new Redirect(location, status, o.replace, doc);
}

/**
 * Sends the user to `location` (a path, or an absolute same-origin URL): an HTTP
 * redirect during a page request (302 unless told otherwise), a live navigation in a
 * session — from setup, render, a handler or a page action, also after an `await`.
 * `{ replace }` picks whether the live navigation replaces the history entry (see
 * {@link RedirectOptions}); a number is the status. Never returns.
 * @example
 * function Account() { if (!useUser()) redirect("/login?next=/account"); … }
 * export async function action() { await save(); redirect("/saved", { replace: true }); }
 */
export function redirect(location: string, options?: number | RedirectOptions): never {
  throw redirectOf(location, options, false);
}

/**
 * Like {@link redirect}, but a live session sends the browser to `location` as a page
 * load rather than a live navigation — for answers only an HTTP response can give, such
 * as setting cookies (a sign-in completing through an endpoint). During a page request
 * or after a JS-off form POST it is the same 3xx as `redirect()`. Never returns.
 * @example
 * export async function action() { const code = await grant(); redirectDocument(`/auth/complete?code=${code}`); }
 */
export function redirectDocument(location: string, options?: number | RedirectOptions): never {
  throw redirectOf(location, options, true);
}

/**
 * Renders the nearest `_404` page instead of this one (HTTP 404 during a page request).
 * Never returns.
 * @example
 * const item = items.get(props.params.id) ?? notFound();
 */
export function notFound(): never {
  throw new NotFound();
}

/** The control-flow signal inside `err` (renderers wrap thrown errors in `cause`). */
export function controlOf(err: unknown): Redirect | NotFound | undefined {
  let e = err;
  for (let i = 0; i < 8 && e !== undefined && e !== null; i++) {
    if (e instanceof Redirect || e instanceof NotFound) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
