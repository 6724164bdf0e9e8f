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
  /** Replace the history entry in a live navigation (default true: a redirect is not a step). */
  readonly replace: boolean;
  /**
   * In a live session, load `location` as a new document instead of navigating over the
   * socket (from {@link redirectDocument}).
   */
  readonly document: boolean;

  constructor(location: string, httpStatus: number, replace: boolean, document = false) {
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

/**
 * Sends the user to `location` (a path, or an absolute same-origin URL): an HTTP
 * redirect during a page request (302 unless `status` says otherwise), a live
 * navigation in a session. Never returns.
 * @example
 * function Account() { if (!useUser()) redirect("/login?next=/account"); … }
 */
export function redirect(location: string, status = 302): never {
  if (!REDIRECT_STATUSES.has(status)) throw new RangeError(`redirect status ${status}`);
  throw new Redirect(location, status, true);
}

/**
 * Like {@link redirect}, but a live session sends the browser to `location` as a page
 * load rather than a live navigation — for answers only an HTTP response can give, such
 * as setting cookies (a sign-in completing through an endpoint). During a page request
 * or after a JS-off form POST it is the same 3xx as `redirect()`. Never returns.
 * @example
 * export async function action() { const code = await grant(); redirectDocument(`/auth/complete?code=${code}`); }
 */
export function redirectDocument(location: string, status = 302): never {
  if (!REDIRECT_STATUSES.has(status)) throw new RangeError(`redirect status ${status}`);
  throw new Redirect(location, status, true, true);
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
