/**
 * A session's routed view: the live root of the current page inside its layouts, and
 * navigation over the socket. Navigating sets the page state's URL and entry; the
 * layouts both pages share are the same components at the same place in the tree, so
 * they stay mounted with their state, and only the page below them is replaced. The
 * URL and title changes travel as patches in the same frame as the DOM changes.
 *
 * It is the `SessionView` the session core talks to: `handler(hid, "navigate")` is the
 * router's own binding (the client's Navigate event), and `recover(err)` turns a
 * `redirect()`/`notFound()` thrown by a handler into a navigation.
 */
import { PatchOp } from "../protocol/constants.ts";
import { ATTR_OPTIMISTIC } from "../protocol/dom-attrs.ts";
import { ErrorCode } from "../protocol/errors.ts";
import type { JsonValue, Patch } from "../protocol/patch.ts";
import { batch } from "../reactive/index.ts";
import { ClientInfoContext } from "../render/client-info.ts";
import { provide } from "../render/context.ts";
import { FormEnhancerContext } from "../render/form-enhancer.ts";
import { hashHost } from "../render/host-hash.ts";
import { type LiveRoot, mountLive } from "../render/live-root.ts";
import type { Checkpoint } from "../server/session/checkpoint.ts";
import type { Session } from "../server/session/session.ts";
import { SessionContext } from "../server/session/session-context.ts";
import type { ParkedView, SessionView, ViewSnapshot, WokenView } from "../server/session/view.ts";
import { createVNode } from "../vdom/create-element.ts";
import { on } from "../vdom/event-binding.ts";
import type { SubmitEventPayload } from "../vdom/events.ts";
import type { EventBinding } from "../vdom/host.ts";
import type { Component, VChild, VElement, VNode } from "../vdom/vnode.ts";
import { isFailure } from "./actions.ts";
import { controlOf, NotFound, Redirect } from "./control.ts";
import { PageContext, type PageEntry, PageState, type RequestInfo } from "./page-info.ts";
import { Prefetcher, type PrefetchGate } from "./prefetch.ts";
import { MAX_PATH, type RouteMatch, type Router } from "./router.ts";

/** Hidden field every POST form rendered in a session carries. */
export const CSRF_FIELD = "_csrf";
const CSRF_KEY = "vango:csrf";
/** Redirects followed in a row before the view gives up (a redirect loop). */
const MAX_REDIRECTS = 8;
/** Longest path (query and fragment included) a client's Navigate event may name. */
export const MAX_NAVIGATE_PATH = 4 * MAX_PATH;
/** A path of this origin: `/…`, not `//host` or `/\host` (other origins to a browser). */
const LOCAL_PATH = /^\/(?![/\\])/;

/** What a page view is built from. */
export interface PageViewInit {
  readonly session: Session;
  readonly router: Router;
  readonly url: URL;
  readonly request: RequestInfo;
  /** The CSRF token for the session's forms. */
  readonly csrf: string;
  /** A failed action's data to render with (the JS-off 422 answer). */
  readonly actionData?: unknown;
  /** Record component state for checkpoints (the session is persisted). */
  readonly persist?: boolean;
  /** State to start from: a checkpoint's, when the session is rebuilt. */
  readonly restore?: ReadonlyMap<string, readonly unknown[]>;
  /** What the app's pages share (absent: no default title, no warm-ups). */
  readonly app?: AppPages;
}

/** What the pages of one app share. */
export interface AppPages {
  /** The document title of a page that sets none (`createApp({ title })`). */
  readonly title: string | undefined;
  /** The bound on the app's route warm-ups running at once. */
  readonly prefetchGate: PrefetchGate;
  /** How long a page built again (a parked one waking) waits for its data (`timeouts`). */
  readonly rebuildWait?: RebuildWait;
}

/** How long a page built again from a checkpoint waits for its data ({@link PageView.rebuild}). */
export interface RebuildWait {
  /** For all of it, as a page request does (`timeouts.pageDataMs`). */
  readonly dataMs: number;
  /** Then, while it does not yet render what the browser shows (`timeouts.resumeDataMs`). */
  readonly moreMs: number;
}

/** No wait: a rebuilt page is compared as it first renders. */
export const NO_REBUILD_WAIT: RebuildWait = Object.freeze({ dataMs: 0, moreMs: 0 });

/** Outcome of opening a page: the view, or where a `redirect()` during its setup points. */
export type OpenedPage = PageView | Redirect;

/** A page built again from a checkpoint ({@link PageView.rebuild}). */
export interface RebuiltPage extends WokenView {
  readonly view: PageView;
}

/**
 * The entry for `pathname`: its page, or the nearest not-found page (the built-in one
 * when the table has no `_404`).
 */
export function entryFor(router: Router, pathname: string): PageEntry {
  const m = router.match(pathname);
  if (m !== undefined && typeof m !== "string") return pageEntry(m);
  return notFoundEntry(router, pathname);
}

function pageEntry(m: RouteMatch): PageEntry {
  return {
    page: m.page,
    component: m.page.component,
    layouts: m.page.layouts,
    params: m.params,
    pattern: m.page.pattern,
    key: `${m.page.pattern} ${JSON.stringify(m.params)}`,
  };
}

function notFoundEntry(router: Router, pathname: string): PageEntry {
  const parts = router.parts(pathname);
  const found = router.tree.notFoundFor(typeof parts === "string" ? [] : parts);
  return {
    page: undefined,
    component: found?.page ?? DefaultNotFound,
    layouts: found?.layouts ?? [],
    params: {},
    pattern: "404",
    key: "404",
  };
}

/** The not-found page of a table without `_404`. */
function DefaultNotFound(): VChild {
  return createVNode("main", {
    children: [
      createVNode("h1", { children: "Page not found" }),
      createVNode("p", { children: createVNode("a", { href: "/", children: "Home" }) }),
    ],
  });
}

export class PageView implements SessionView {
  readonly state: PageState;
  readonly #live: LiveRoot;
  readonly #init: PageViewInit;
  /** URL and title patches waiting for the next flush (they follow the DOM patches). */
  #pending: Patch[] = [];
  #title: string | undefined;
  #remounts = 0;
  /** Redirects an `enter` check asked for within the navigation being made. */
  #entering = 0;
  /** Made on first use (most sessions never navigate live or submit a page action). */
  #navigate: EventBinding | undefined = undefined;
  #submit: EventBinding | undefined = undefined;
  /**
   * The page a live navigation is leaving, until the new page has rendered with nothing
   * pending: its URL, entry, how many patches were pending before the navigation's own,
   * and whether the new page was shown already (its first frame sent).
   */
  #leaving: { url: URL; entry: PageEntry; patches: number; shown: boolean } | undefined = undefined;
  /** The last client event the session had received when the last live action settled. */
  #actionSeen = 0;
  /** Made on the first `<Link prefetch>` hint. */
  #prefetcher: Prefetcher | undefined = undefined;

  /**
   * Mounts the page for `init.url`. A `redirect()` during setup returns the `Redirect`;
   * `notFound()` mounts the not-found page (status 404).
   */
  static open(init: PageViewInit): OpenedPage {
    let entry = entryFor(init.router, init.url.pathname);
    for (let i = 0; ; i++) {
      try {
        enter(entry, init.url, init.request);
        return new PageView(init, entry);
      } catch (err) {
        const c = controlOf(err);
        if (c instanceof Redirect) return c;
        if (c instanceof NotFound && i === 0) {
          entry = notFoundEntry(init.router, init.url.pathname);
          continue;
        }
        // The nearest `_error` page, inside the same layouts, answers 500 (once).
        const failed = errorEntry(entry, err);
        if (failed === undefined) throw err;
        entry = failed;
        const view = PageView.#errorView(init, entry, err);
        if (view !== undefined) return view;
        throw err;
      }
    }
  }

  /**
   * Builds a page again — a resume on an instance that does not hold its session, or a
   * parked page woken: opened at `init.url` with `cp`'s state, then given up to
   * `wait.dataMs` for its data (the browser shows the page with its data, so the
   * comparison is with that, not with fallbacks). `same`: it renders what the checkpoint
   * recorded — its shape (the browser's hids adopted) and its HTML fingerprint; always
   * false without a checkpoint. While it is not the same and data is still loading, it
   * waits up to `wait.moreMs` more: the browser already shows the page, so waiting beats
   * sending it whole with fallbacks that its data then replaces again (a fresh process's
   * first queries after a deploy are slow). A `Redirect` when the page now redirects (its
   * data changed); a failure to open or settle throws, with the view disposed. Once
   * `stop` aborts (its session ended meanwhile) the wait for data ends at once: the
   * caller disposes the view.
   */
  static async rebuild(
    init: Omit<PageViewInit, "restore" | "persist">,
    cp: Checkpoint | undefined,
    wait: RebuildWait,
    stop?: AbortSignal,
  ): Promise<RebuiltPage | Redirect> {
    const view = PageView.open({
      ...init,
      persist: true,
      ...(cp === undefined ? {} : { restore: new Map(cp.state) }),
    });
    if (view instanceof Redirect) return view;
    try {
      await view.settle(wait.dataMs, stop);
      if (cp === undefined) return { view, same: false };
      let same = view.#renders(cp);
      if (!same && view.pending > 0 && wait.moreMs > 0 && stop?.aborted !== true) {
        await view.settle(wait.moreMs, stop);
        same = view.#renders(cp);
      }
      return { view, same };
    } catch (err) {
      view.dispose();
      throw err;
    }
  }

  /** It renders what `cp` recorded: its shape (then its hids are adopted) and its HTML. */
  #renders(cp: Checkpoint): boolean {
    return this.adoptHids(cp.hids) && this.htmlHash() === cp.hash;
  }

  /** What went wrong when this view shows an `_error` page instead of its page (for the log). */
  failure: unknown = undefined;

  static #errorView(init: PageViewInit, entry: PageEntry, err: unknown): PageView | undefined {
    try {
      const view = new PageView(init, entry);
      view.state.status = 500;
      view.failure = err;
      return view;
    } catch {
      return undefined;
    }
  }

  private constructor(init: PageViewInit, entry: PageEntry) {
    this.#init = init;
    this.state = new PageState(init.url, entry, init.request);
    if (entry.page === undefined) this.state.status = 404;
    if (init.actionData !== undefined) this.state.actionData.set(init.actionData);
    this.state.navigator = this;
    const session = init.session;
    const node = createVNode(PageScope, {
      view: this,
      session,
      children: createVNode(Outlet, { state: this.state }),
    });
    this.#live = mountLive(node, {
      onDirty: () => session.markDirty(),
      ...(init.persist === true ? { persist: { restore: init.restore } } : {}),
    });
    this.#title = this.#documentTitle();
  }

  /**
   * The title the browser's document shows: the page's, else the app's default, else
   * none (""), so a live navigation never keeps the previous page's title.
   */
  #documentTitle(): string {
    return this.state.title.peek() ?? this.#init.app?.title ?? "";
  }

  get root(): LiveRoot["root"] {
    return this.#live.root;
  }

  get dirty(): boolean {
    return this.#live.dirty || this.#pending.length > 0;
  }

  /**
   * Waits up to `budgetMs` for the page's data (resources, async setups), re-rendering as
   * it arrives, so a page request can answer with fast data inline; what is slower stays
   * behind its `<Async>` fallback, to be streamed or patched in. Ends at once when
   * `stop` aborts (nothing is rendered then: the view is about to be disposed).
   * @example await view.settle(50); // then serialize view.root
   */
  async settle(budgetMs: number, stop?: AbortSignal): Promise<void> {
    const deadline = performance.now() + budgetMs;
    while (this.#live.pending > 0) {
      const left = deadline - performance.now();
      if (left <= 0 || !(await this.#live.settled(left, stop))) break;
      this.flush([]);
    }
    if (stop?.aborted !== true && this.#live.dirty) this.flush([]);
  }

  /** Resource fetches and async setups of the page still in flight. */
  get pending(): number {
    return this.#live.pending;
  }

  /**
   * Waits up to `ms` for the next piece of data to arrive (`false`: none came); flush
   * to render it. Streaming SSR sends each arrival as it comes.
   */
  progressed(ms: number): Promise<boolean> {
    return this.#live.progressed(ms);
  }

  /** The document title the page wants now. */
  get title(): string | undefined {
    return this.state.title.peek();
  }

  owesAnswer(hid: number, eventName: string): boolean {
    // A navigation that fails (a middleware refuses it, a check throws) is answered too.
    if (eventName === "navigate") return true;
    return this.#live.element(hid)?.attrs[ATTR_OPTIMISTIC] !== undefined;
  }

  handler(hid: number, eventName: string): EventBinding | undefined {
    if (eventName === "navigate") {
      if (this.#navigate === undefined) {
        this.#navigate = on((e: { detail?: unknown }) => this.#onNavigate(e.detail));
      }
      return this.#navigate;
    }
    return this.#live.handler(hid, eventName);
  }

  flush(out: Patch[]): number {
    const start = out.length;
    for (let i = 0; ; i++) {
      try {
        this.#live.flush(out);
        const leaving = this.#leaving;
        // Arrived once nothing of the new page is pending (async setups, data).
        if (leaving !== undefined) {
          if (this.#live.pending === 0) this.#leaving = undefined;
          else leaving.shown = true;
        }
        break;
      } catch (err) {
        // A page mounted by navigation may redirect, be not found or fail during its setup.
        if (i >= MAX_REDIRECTS || !(this.recover(err) || this.#arrivalFailed(err))) throw err;
      }
    }
    const title = this.#documentTitle();
    if (title !== this.#title) {
      this.#title = title;
      this.#pending.push({ op: PatchOp.SetTitle, text: title });
    }
    if (this.#pending.length > 0) {
      for (const p of this.#pending) out.push(p);
      this.#pending = [];
    }
    return out.length - start;
  }

  dispose(): void {
    this.#prefetcher?.dispose();
    this.#live.dispose();
  }

  /**
   * True when the page can be parked: no navigation arriving, no URL or title patch
   * waiting, no route warm-up running, no failed action's data shown, and the live root
   * at rest on its own signals, the page state's and the session's client info.
   */
  atRest(): boolean {
    if (this.#init.persist !== true || this.#leaving !== undefined) return false;
    if (this.#pending.length > 0 || (this.#prefetcher?.running ?? 0) > 0) return false;
    const state = this.state;
    if (state.status !== 200 || state.hasActionState()) return false;
    return this.#live.atRest([...state.signals(), this.#init.session.clientInfo]);
  }

  park(): ParkedView {
    this.dispose();
    return new ParkedPage(this.#init, this.state.url.peek().origin);
  }

  /** What a checkpoint holds of this page (`undefined` unless the session is persisted). */
  snapshot(): ViewSnapshot | undefined {
    if (this.#init.persist !== true) return undefined;
    const url = this.state.url.peek();
    return {
      url: url.pathname + url.search + url.hash,
      state: this.#live.collectState(),
      hids: this.#live.hids(),
      hash: this.htmlHash(),
    };
  }

  /** A fingerprint of what the browser's DOM holds of the page (hids included). */
  htmlHash(): string {
    return hashHost(this.#live.root.children);
  }

  /**
   * Makes the rebuilt page address the browser's DOM as the checkpointed one did (its
   * hids); `false` when the trees differ in shape.
   */
  adoptHids(hids: readonly number[]): boolean {
    return this.#live.adoptHids(hids);
  }

  /** A `redirect()`/`notFound()` thrown by a handler or a page: navigates; true when it was one. */
  recover(err: unknown): boolean {
    const c = controlOf(err);
    if (c instanceof Redirect) {
      if (c.document) this.#load(c.location, c.replace ?? true);
      else this.navigate(c.location, c.replace ?? true, false);
      return true;
    }
    if (c instanceof NotFound) {
      this.state.entry.set(notFoundEntry(this.#init.router, this.state.url.peek().pathname));
      this.#init.session.markDirty();
      return true;
    }
    return false;
  }

  /**
   * A page a live navigation mounts threw while rendering (its setup, its render, or
   * later, an async setup rejecting before it finished loading): as its page request
   * would, the nearest `_error` page answers, in the same layouts (the failure is
   * logged). Without one — or when the `_error` page throws too — the view goes back to
   * the page it left and the browser loads the URL as a document, to get the HTTP
   * answer (a 500 page). Either way a frame answers the navigation, so the client's
   * progress ends. False when no navigation is arriving.
   */
  #arrivalFailed(err: unknown): boolean {
    const leaving = this.#leaving;
    if (leaving === undefined) return false;
    const session = this.#init.session;
    const entry = this.state.entry.peek();
    const failed = errorEntry(entry, err);
    session.logger.error(
      {
        err,
        code: ErrorCode.render_error,
        session_id: session.id,
        route: entry.pattern,
        component_stack: (err as { componentStack?: unknown }).componentStack,
      },
      failed === undefined
        ? "page render failed during a live navigation; loading it as a document"
        : "page render failed during a live navigation; its _error page answers",
    );
    if (failed !== undefined) {
      this.state.status = 500;
      this.state.entry.set(failed);
      return true;
    }
    const url = this.state.url.peek();
    this.#leaving = undefined;
    // Not shown yet: the browser's URL never moved (its push is dropped); shown: the
    // document load replaces the entry the push made.
    if (!leaving.shown) this.#pending.length = leaving.patches;
    batch(() => {
      this.state.url.set(leaving.url);
      this.state.entry.set(leaving.entry);
    });
    session.route = leaving.entry.pattern;
    this.#pending.push({
      op: PatchOp.Navigate,
      url: url.pathname + url.search + url.hash,
      replace: leaving.shown,
    });
    return true;
  }

  /**
   * Moves the page to `location` (resolved against the current URL): the same page with
   * another query keeps its instance; another page (or other params) replaces it below
   * the shared layouts. `pop`: the browser already moved (back/forward), so no history
   * entry is written. Another origin is a full page load.
   */
  dispatch(name: string, payload: JsonValue): void {
    this.#pending.push({ op: PatchOp.Dispatch, hid: 0, name, payload });
    this.#init.session.markDirty();
  }

  navigate(location: string, replace: boolean, pop: boolean, fresh = false): void {
    const cur = this.state.url.peek();
    let url: URL;
    try {
      url = new URL(location, cur);
    } catch {
      return;
    }
    if (url.origin !== cur.origin) {
      this.#pending.push({ op: PatchOp.Navigate, url: url.href, replace });
      this.#init.session.markDirty();
      return;
    }
    let next = entryFor(this.#init.router, url.pathname);
    // Another page (or other params): its subtrees' `enter` checks decide first.
    if (next.key !== this.state.entry.peek().key && (next.page?.enter.length ?? 0) > 0) {
      try {
        enter(next, url, this.state.request);
      } catch (err) {
        const c = controlOf(err);
        if (c instanceof NotFound) next = notFoundEntry(this.#init.router, url.pathname);
        else if (!(c instanceof Redirect) || this.#entering >= MAX_REDIRECTS) throw err;
        else {
          this.#entering++;
          try {
            // Refused: the page asked for was never shown, so the redirect replaces it.
            if (c.document) this.#load(c.location, true);
            else this.navigate(c.location, true, pop);
          } finally {
            this.#entering--;
          }
          return;
        }
      }
    }
    const same = next.key === this.state.entry.peek().key;
    // `fresh`: after a successful action the page starts afresh even on the same path.
    if (same && fresh) next = { ...next, key: `${next.key}#${++this.#remounts}` };
    // (A redirect within this navigation, before anything was shown, keeps the first.)
    if ((!same || fresh) && (this.#leaving === undefined || this.#leaving.shown)) {
      const entry = this.state.entry.peek();
      this.#leaving = { url: cur, entry, patches: this.#pending.length, shown: false };
    }
    batch(() => {
      this.state.url.set(url);
      if (!same || fresh) {
        this.state.actionData.set(undefined);
        this.state.entry.set(next);
      }
    });
    this.#init.session.route = next.pattern;
    // Back/forward (`pop`): the browser's history already moved, so the URL is only
    // replaced — which also gives the client a frame that answers its navigation.
    const path = url.pathname + url.search + url.hash;
    this.#pending.push({ op: replace || pop ? PatchOp.ReplaceUrl : PatchOp.PushUrl, url: path });
    this.#init.session.markDirty();
  }

  /**
   * Warms the route of `location` for a live navigation that may follow: matches it
   * (its parsers run), runs its `enter` checks against the session's request, then
   * the page's `prefetch` export in the background. Nothing is mounted and the page on
   * show does not change; another origin, an unknown path, a refusal or a hint over the
   * bounds of `prefetch.ts` does nothing.
   */
  prefetch(location: string): void {
    const cur = this.state.url.peek();
    let url: URL;
    try {
      url = new URL(location, cur);
    } catch {
      return;
    }
    if (url.origin !== cur.origin) return;
    const gate = this.#init.app?.prefetchGate;
    if (gate === undefined) return;
    this.#prefetcher ??= new Prefetcher(gate);
    const p = this.#prefetcher;
    if (!p.admit(url.pathname + url.search)) return;
    const m = this.#init.router.match(url.pathname);
    if (m === undefined || typeof m === "string") return;
    const warm = m.page.prefetch;
    if (warm === undefined) return;
    const request = this.state.request;
    try {
      enter(pageEntry(m), url, request);
    } catch {
      return;
    }
    const session = this.#init.session;
    p.run(
      (signal) => warm({ url, params: m.params, pattern: m.page.pattern, signal }, request),
      (err) =>
        session.logger.warn(
          { err, session_id: session.id, route: m.page.pattern },
          "page prefetch failed",
        ),
    );
  }

  /**
   * Sends the browser to `location` as a page load (a document redirect): same-origin
   * targets go as a path, so a proxy's scheme and host stay the browser's.
   */
  #load(location: string, replace: boolean): void {
    const cur = this.state.url.peek();
    let url: URL;
    try {
      url = new URL(location, cur);
    } catch {
      return;
    }
    const target = url.origin === cur.origin ? url.pathname + url.search + url.hash : url.href;
    this.#pending.push({ op: PatchOp.Navigate, url: target, replace });
    this.#init.session.markDirty();
  }

  /**
   * The client's Navigate event: `{ path, replace }` (`replace` also marks back/forward).
   * The client sends a path of this origin: anything else, or a path over
   * {@link MAX_NAVIGATE_PATH}, is refused with a `bad_request` Error frame (non-fatal;
   * the page stays; `uri_too_long` is an HTTP code that does not travel in frames). A
   * path the router refuses (a malformed escape, too long, too many segments) is loaded
   * as a document, so the browser shows what the page request answers (400, 414), as it
   * would without JavaScript.
   */
  #onNavigate(detail: unknown): void {
    const d = detail as { path?: unknown; replace?: unknown } | null;
    const path = d?.path;
    const replace = d?.replace === true;
    const session = this.#init.session;
    if (typeof path !== "string" || !LOCAL_PATH.test(path) || path.length > MAX_NAVIGATE_PATH) {
      session.sendError(ErrorCode.bad_request, false);
      return;
    }
    const end = path.search(/[?#]/);
    if (typeof this.#init.router.parts(end < 0 ? path : path.slice(0, end)) === "string") {
      this.#load(path, replace);
      return;
    }
    // The client sends back/forward as a replace: the browser's history already moved.
    this.navigate(path, replace, replace);
  }

  /**
   * A live submission of a POST form: the page's action, as the JS-off POST runs it.
   * A submit that reached the session while the previous action ran is dropped: the
   * session's queue held it until that action settled, but the user made it without
   * having seen the answer — the same click twice (the client only knows the first
   * started, not that it finished).
   */
  async #runAction(e: SubmitEventPayload): Promise<void> {
    const entry = this.state.entry.peek();
    const action = entry.page?.action;
    const session = this.#init.session;
    if (
      action === undefined ||
      this.state.submitting.peek() ||
      session.processedCseq <= this.#actionSeen
    ) {
      return;
    }
    this.state.submitting.set(true);
    try {
      const r = await action({
        form: e.fields,
        params: entry.params,
        url: this.state.url.peek(),
        request: this.state.request,
        userId: this.#init.session.userId,
      });
      if (isFailure(r)) {
        this.state.actionData.set(r.data);
        return;
      }
      // Success: as after a post-redirect-get, the page starts afresh (forms cleared).
      batch(() => {
        this.state.actionData.set(undefined);
        const cur = this.state.entry.peek();
        this.state.entry.set({ ...cur, key: `${cur.key}#${++this.#remounts}` });
      });
    } catch (err) {
      const c = controlOf(err);
      // The action's result is a step of its own: pushed unless it says replace.
      if (c instanceof Redirect && c.document) this.#load(c.location, c.replace ?? false);
      else if (c instanceof Redirect) this.navigate(c.location, c.replace ?? false, false, true);
      else if (!this.recover(err)) throw err;
    } finally {
      this.#actionSeen = session.lastCseq;
      this.state.submitting.set(false);
    }
  }

  /**
   * Adds the CSRF field to POST forms (last, keyed: the form's own elements keep their
   * places and hids), and binds their submit to the page's action.
   */
  enhanceForm(form: VElement): VElement {
    const method = form.props.method;
    if (typeof method !== "string" || method.toLowerCase() !== "post") return form;
    const children: VChild[] = [...form.children];
    if (!hasCsrfField(form.children)) {
      children.push(
        createVNode(
          "input",
          { type: "hidden", name: CSRF_FIELD, value: this.#init.csrf },
          CSRF_KEY,
        ),
      );
    }
    const props: Record<string, unknown> = { ...form.props, children };
    // Forms posting to this page submit live to its action (JS off, the browser posts).
    const target = form.props.action;
    const own = target === undefined || target === "" || target === this.state.url.peek().pathname;
    if (
      own &&
      form.props.onSubmit === undefined &&
      this.state.entry.peek().page?.action !== undefined
    ) {
      if (this.#submit === undefined) {
        this.#submit = on((e: SubmitEventPayload) => this.#runAction(e), { prevent: true });
      }
      props.onSubmit = this.#submit;
    }
    return createVNode("form", props, form.key) as VElement;
  }
}

/** Runs the `enter` checks of `entry`'s page (outermost first); they throw to refuse. */
function enter(entry: PageEntry, url: URL, request: RequestInfo): void {
  const checks = entry.page?.enter;
  if (checks === undefined || checks.length === 0) return;
  const info = { url, params: entry.params, pattern: entry.pattern };
  for (const check of checks) check(info, request);
}

/**
 * The nearest `_error` page in place of `entry`'s page, told the code of `err`;
 * `undefined` when there is none, or `entry` is that page already.
 */
function errorEntry(entry: PageEntry, err: unknown): PageEntry | undefined {
  const errorPage = entry.page?.errorPage;
  if (errorPage === undefined || entry.pattern === "500") return undefined;
  return {
    ...entry,
    component: errorPage,
    params: { code: codeOf(err) },
    pattern: "500",
    key: "500",
  };
}

/** The code an `_error` page is told (never the message: it may hold internals). */
function codeOf(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === "string" ? c : "internal_error";
}

function hasCsrfField(children: readonly VNode[]): boolean {
  for (const c of children) {
    if ((c as VElement).tag === "input" && (c as VElement).props.name === CSRF_FIELD) return true;
  }
  return false;
}

/** Provides the page state, the form enhancer and the session's handshake facts. */
function PageScope(props: { view: PageView; session: Session; children: VChild }): VChild {
  provide(ClientInfoContext, props.session.clientInfo);
  provide(SessionContext, props.session);
  provide(PageContext, props.view.state);
  provide(FormEnhancerContext, props.view);
  return props.children;
}

/** The current page inside its layouts (outermost first); re-renders on navigation. */
function Outlet(props: { state: PageState }): () => VChild {
  return () => {
    const e = props.state.entry();
    let node: VChild = createVNode(e.component as Component, { params: e.params }, e.key);
    for (let i = e.layouts.length - 1; i >= 0; i--) {
      node = createVNode(e.layouts[i] as Component, { children: node }, `layout:${i}`);
    }
    return node;
  };
}

/**
 * A parked page: what it was opened with (its request, the session's CSRF token, its
 * URL's origin), to be opened again at its checkpoint's URL with the checkpoint's state
 * — as a resume on another instance rebuilds it.
 */
class ParkedPage implements ParkedView {
  readonly #session: Session;
  readonly #router: Router;
  readonly #request: RequestInfo;
  readonly #csrf: string;
  readonly #app: AppPages | undefined;
  readonly #origin: string;

  constructor(init: PageViewInit, origin: string) {
    this.#session = init.session;
    this.#router = init.router;
    this.#request = init.request;
    this.#csrf = init.csrf;
    this.#app = init.app;
    this.#origin = internOrigin(origin);
  }

  async wake(cp: Checkpoint): Promise<WokenView | ErrorCode> {
    const init = {
      session: this.#session,
      router: this.#router,
      url: new URL(cp.url, this.#origin),
      request: this.#request,
      csrf: this.#csrf,
      ...(this.#app === undefined ? {} : { app: this.#app }),
    };
    const wait = this.#app?.rebuildWait ?? NO_REBUILD_WAIT;
    const rebuilt = await this.#session.building((stop) => PageView.rebuild(init, cp, wait, stop));
    // The page now redirects (its data changed): a fresh load follows the redirect.
    if (rebuilt instanceof Redirect) return ErrorCode.session_expired;
    this.#session.route = rebuilt.view.state.entry.peek().pattern;
    return rebuilt;
  }
}

/** Origins parked pages were served under: one string each, shared by their pages. */
const origins = new Map<string, string>();

function internOrigin(origin: string): string {
  const known = origins.get(origin);
  if (known !== undefined) return known;
  // A bounded table: an app serves a handful of origins (a flood of Host headers falls through).
  if (origins.size < 64) origins.set(origin, origin);
  return origin;
}
