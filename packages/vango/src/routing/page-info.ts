/**
 * What a page knows about where it is: the current URL (a signal: live navigation and
 * `urlState` change it), the page request's headers and cookies, the matched page and
 * its params — and the hooks components read them with. One {@link PageState} per
 * session, provided to the whole tree; during a page request it also collects what
 * becomes the HTTP answer (status, title).
 */

import { ErrorCode } from "../protocol/errors.ts";
import type { JsonValue } from "../protocol/patch.ts";
import { computed, type ReadonlySignal, type Signal, signal } from "../reactive/index.ts";
import { onRelease } from "../reactive/owner.ts";
import { createContext, useContext } from "../render/context.ts";
import { ServerError } from "../server/core/errors.ts";
import type { Component } from "../vdom/vnode.ts";
import type { CompiledPage } from "./route-table.ts";

/** Where a page is: its URL, params and pattern (what `title`/`head` functions receive). */
export interface PageInfo {
  readonly url: URL;
  readonly params: Readonly<Record<string, unknown>>;
  /** The route pattern (`/items/:id`), or `404` on the not-found page. */
  readonly pattern: string;
}

/** The page request a session started from (read-only). */
export interface RequestInfo {
  readonly method: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly cookies: ReadonlyMap<string, string>;
  /**
   * What the app's HTTP middleware put in `requestLocals(req)` for this request (the
   * signed-in user's state, …); empty for sessions opened without a request.
   */
  readonly locals: ReadonlyMap<symbol, unknown>;
}

/** The page a session opens with: its URL and the request (headers, cookies). */
export interface PageInit {
  readonly url: URL;
  readonly request: RequestInfo;
  /** What a failed action gave `invalid()` (the JS-off 422 answer renders with it). */
  readonly actionData?: unknown;
  /** Persisted values to start the page's components from (a handed-off page's). */
  readonly restore?: ReadonlyMap<string, readonly unknown[]>;
}

/** The page a session shows: a route's page, or a not-found page. */
export interface PageEntry {
  /** The route's page; `undefined` on a not-found page. */
  readonly page: CompiledPage | undefined;
  readonly component: Component;
  /** Outermost first. */
  readonly layouts: readonly Component[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly pattern: string;
  /** Identity of the page instance: the same page with other params is a new instance. */
  readonly key: string;
}

/** How to move the page elsewhere (set by the view that owns the state). */
export interface Navigator {
  navigate(location: string, replace: boolean, pop: boolean): void;
  /** Sends a `Dispatch` patch on the window with the next frame (server-to-hook calls). */
  dispatch(name: string, payload: JsonValue): void;
  /** Warms the route of `location` for a navigation that may follow (`<Link prefetch>`). */
  prefetch(location: string): void;
}

const TRANSIENT = { transient: true } as const;
/** URLs are equal when their hrefs are (one options object for every page). */
const SAME_HREF = { equals: (a: URL, b: URL) => a.href === b.href };

export class PageState {
  /** The current URL (path, query). */
  readonly url: Signal<URL>;
  readonly entry: Signal<PageEntry>;
  readonly request: RequestInfo;
  /** HTTP status of the page request (200, 404 on a not-found page, or set by `status()`). */
  status = 200;
  // Made on first use: most pages have no action (two signals were ~300 B per session).
  #actionData: Signal<unknown> | undefined = undefined;
  #submitting: Signal<boolean> | undefined = undefined;
  /** Set by the view that owns the state (an object, not a closure per page). */
  navigator: Navigator | null = null;
  /** Keys handed to `useHook` in this page, in creation order (deterministic on a rebuild). */
  hookKeys = 0;
  /** Outside signals a page built again reads again (see {@link shareSource}). */
  #sources: ReadonlySignal<unknown>[] | undefined = undefined;
  /** Titles set by `useTitle` (the innermost, last set, wins). */
  readonly #titles: Signal<readonly ReadonlySignal<string>[]> = signal([]);
  readonly title: ReadonlySignal<string | undefined>;

  constructor(url: URL, entry: PageEntry, request: RequestInfo) {
    this.url = signal(url, SAME_HREF);
    this.entry = signal(entry);
    this.request = request;
    this.title = computed(() => {
      const own = this.#titles();
      if (own.length > 0) return own[own.length - 1]!();
      const e = this.entry();
      const t = e.page?.title;
      if (t === undefined) return undefined;
      return typeof t === "string" ? t : t(this.info());
    });
  }

  /** Moves the page to `location` (see `PageView.navigate`). */
  navigate(location: string, opts: { replace: boolean }): void {
    const n = this.navigator;
    if (n === null) {
      throw new ServerError(ErrorCode.internal_error, "navigate() before the page is live");
    }
    n.navigate(location, opts.replace, false);
  }

  /** Warms the route of `location` (see `PageView.prefetch`); before the page is live: nothing. */
  prefetch(location: string): void {
    this.navigator?.prefetch(location);
  }

  /** Server-to-hook calls; before the page is live, nothing listens: dropped. */
  dispatch(name: string, payload: JsonValue): void {
    this.navigator?.dispatch(name, payload);
  }

  /** What the last failed action submission gave `invalid()` (cleared by a success). */
  get actionData(): Signal<unknown> {
    // Transient: page state, never a component's (a getter may run in a setup).
    if (this.#actionData === undefined) this.#actionData = signal<unknown>(undefined, TRANSIENT);
    return this.#actionData;
  }

  /** True while the page's action runs (a live submission). */
  get submitting(): Signal<boolean> {
    if (this.#submitting === undefined) this.#submitting = signal(false, TRANSIENT);
    return this.#submitting;
  }

  /** The page's facts as `title`/`head` functions receive them (reads the signals). */
  info(): PageInfo {
    const e = this.entry();
    return { url: this.url(), params: e.params, pattern: e.pattern };
  }

  /**
   * Marks `s`, a signal from outside the page that its components read (the sign-in's
   * user, the browser session's flash messages), as one a page built again from its
   * checkpoint reads again: it does not keep the page from being parked while idle. A
   * change to it while the page is parked shows at the page's next event (sent whole).
   */
  shareSource(s: ReadonlySignal<unknown>): void {
    if (this.#sources === undefined) this.#sources = [s];
    else if (!this.#sources.includes(s)) this.#sources.push(s);
  }

  /**
   * The signals the page's components may read of it (a page built again makes its own)
   * and the outside ones marked with {@link shareSource}.
   */
  signals(): ReadonlySignal<unknown>[] {
    const out: ReadonlySignal<unknown>[] = [this.url, this.entry, this.#titles];
    if (this.#actionData !== undefined) out.push(this.#actionData);
    if (this.#submitting !== undefined) out.push(this.#submitting);
    if (this.#sources !== undefined) for (const s of this.#sources) out.push(s);
    return out;
  }

  /** True while an action runs or a failed action's data is shown (neither is checkpointed). */
  hasActionState(): boolean {
    return this.#actionData?.peek() !== undefined || this.#submitting?.peek() === true;
  }

  /** Adds a title source; returns its removal. */
  addTitle(t: ReadonlySignal<string>): () => void {
    this.#titles.set([...this.#titles.peek(), t]);
    return () => this.#titles.set(this.#titles.peek().filter((x) => x !== t));
  }
}

/** @internal Provided by the page view around the whole tree. */
export const PageContext = createContext<PageState | null>(null, "Page");

function state(what: string): PageState {
  const s = useContext(PageContext);
  if (s === null) throw new ServerError(ErrorCode.internal_error, `${what} outside a page`);
  return s;
}

/**
 * The current URL, as a signal: it changes on live navigation, back/forward and
 * `urlState` writes. Call in setup, read in render.
 * @example
 * function Crumb() { const url = useUrl(); return () => <span>{url().pathname}</span>; }
 */
export function useUrl(): ReadonlySignal<URL> {
  return state("useUrl()").url;
}

/** What {@link useRequest} gives: the current URL and the page request's headers and cookies. */
export interface PageRequest {
  /** The current URL (reactive when read in render). */
  readonly url: URL;
  /** The current query (reactive when read in render). */
  readonly query: URLSearchParams;
  readonly method: string;
  readonly headers: RequestInfo["headers"];
  readonly cookies: RequestInfo["cookies"];
}

/**
 * The page request (headers, cookies — read-only) and the current URL and query.
 * Call in setup.
 * @example
 * function Hello() { const req = useRequest(); return () => <p>lang: {req.headers["accept-language"]}</p>; }
 */
export function useRequest(): PageRequest {
  const s = state("useRequest()");
  return {
    get url() {
      return s.url();
    },
    get query() {
      return s.url().searchParams;
    },
    method: s.request.method,
    headers: s.request.headers,
    // Read when asked for: a page's request parses its cookies on first use.
    get cookies() {
      return s.request.cookies;
    },
  };
}

/**
 * The current page's params (parsed by its parsers), as a signal.
 * @example const params = useParams<{ id: number }>();
 */
export function useParams<P extends Record<string, unknown>>(): ReadonlySignal<P> {
  const s = state("useParams()");
  return computed(() => s.entry().params as P);
}

/**
 * A function that moves the page: a live navigation over the socket (pushes a history
 * entry unless `replace`). Call in setup, use in handlers — also after an `await`.
 * @example
 * const go = useNavigate();
 * <button onClick={async () => { await save(); go("/saved"); }}>Save</button>
 */
export function useNavigate(): (location: string, opts?: { replace?: boolean }) => void {
  const s = state("useNavigate()");
  return (location, opts) => s.navigate(location, { replace: opts?.replace === true });
}

/**
 * What the page's action last refused with `invalid(data)` (`undefined` before any
 * submission and after a successful one), as a signal — with and without JavaScript.
 * @example
 * const failed = useActionData<{ errors: Record<string, string> }>();
 * return () => <p data-testid="field-error">{failed()?.errors.title}</p>;
 */
export function useActionData<D>(): ReadonlySignal<D | undefined> {
  return state("useActionData()").actionData as ReadonlySignal<D | undefined>;
}

/**
 * True while the page's action runs for a live submission (disable the button, show a
 * spinner).
 * @example const busy = useSubmitting(); <button disabled={busy()}>Save</button>
 */
export function useSubmitting(): ReadonlySignal<boolean> {
  return state("useSubmitting()").submitting;
}

/**
 * Sets the HTTP status of the page request (e.g. 410 for a deleted item); no effect on
 * live navigation. Call in setup.
 * @example function Gone() { status(410); return <p>This item was removed.</p>; }
 */
export function status(code: number): void {
  if (!Number.isInteger(code) || code < 200 || code > 599) {
    throw new RangeError(`status ${code}`);
  }
  state("status()").status = code;
}

/**
 * Sets the document title from a component (the innermost wins over the route's
 * `title`); a function is reactive. Call in setup.
 * @example function Item() { const item = resource(…); useTitle(() => item.value()?.name ?? "Item"); … }
 */
export function useTitle(title: string | (() => string)): void {
  const s = state("useTitle()");
  const t = typeof title === "string" ? computed(() => title) : computed(title);
  const remove = s.addTitle(t);
  // Removed when the component goes away (a page left by navigation).
  onRelease(remove);
}
