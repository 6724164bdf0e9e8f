/**
 * The route table: what `createApp({ routes })` and `fileRoutes(dir)` describe, compiled
 * into pages, each with the layouts that wrap it, the middleware of its subtree and the
 * nearest `_404` and `_error` pages.
 *
 * Keys mirror the file layout of `app/routes/`, so both forms build one tree:
 *
 * | key                    | file                          | what                          |
 * | ---------------------- | ----------------------------- | ----------------------------- |
 * | `/`                    | `index.tsx`                   | a page                        |
 * | `/items/:id`           | `items/[id].tsx`              | a page with a parameter       |
 * | `/docs/*slug`          | `docs/[...slug].tsx`          | a catch-all (≥ 1 segment)     |
 * | `/admin/_layout`       | `admin/_layout.tsx`           | wraps every page below        |
 * | `/admin/_middleware`   | `admin/_middleware.ts`        | HTTP + event middleware below |
 * | `/_404`, `/_error`     | `_404.tsx`, `_error.tsx`      | not-found / error pages below |
 *
 * `[id]` and `[...slug]` are accepted in keys too. A value is a component or a module
 * object (`{ default, title, head, params, action, prefetch }` — what `import()` of a route file
 * gives).
 */

import { ConfigError } from "../server/core/errors.ts";
import type { HttpMiddleware } from "../server/core/middleware.ts";
import type { EventMiddleware } from "../server/session/event-context.ts";
import type { AsyncComponent } from "../vdom/jsx-types.ts";
import type { Component, VChild } from "../vdom/vnode.ts";
import type { ActionContext, ActionResult, PageAction } from "./actions.ts";
import type { PageInfo, RequestInfo } from "./page-info.ts";
import type { PageProps, ParamParsers, ParsedParams } from "./params.ts";

/**
 * A page, layout or error page: a component, or an `async` one (awaited once; what it
 * resolves to is its output — the page's HTML waits for it as for any page data).
 */
// biome-ignore lint/suspicious/noExplicitAny: props are the route's own (params, children), as for `Component`.
export type RouteComponent = Component | AsyncComponent<any>;

/** What a page module (or a `routes` entry object) may export. */
export interface PageModule {
  /** The page component (a file route's default export). */
  readonly default?: RouteComponent;
  /** The page component (the programmatic spelling). */
  readonly component?: RouteComponent;
  /** The document title, fixed or from the page's params and URL. */
  readonly title?: string | ((page: PageInfo) => string);
  /** Extra `<head>` content of this page (meta, canonical link). */
  readonly head?: (page: PageInfo) => VChild;
  /** Parsers of the route's parameters; a refused value makes the route not match (404). */
  readonly params?: ParamParsers;
  /** Handles POST to the page (forms, with and without JavaScript). */
  readonly action?: PageAction;
  /** Warms what the page will need when a `<Link prefetch>` to it is about to be followed. */
  readonly prefetch?: PagePrefetch;
}

/** What a page's `prefetch` receives besides the request: where the link points. */
export interface PrefetchInfo extends PageInfo {
  /** Aborted when the warm-up runs out of time or the session ends. */
  readonly signal: AbortSignal;
}

/**
 * Warms what the page will need (data into a shared `ResourceCache`, a connection)
 * when a `<Link prefetch>` to it is about to be followed; runs after the page's `enter`
 * checks let the session's request in, never mounts the page. Its result is not used.
 */
export type PagePrefetch = (page: PrefetchInfo, request: RequestInfo) => unknown;

/** {@link PageInfo} with the params a page's parsers give. */
export interface TypedPageInfo<P extends ParamParsers> extends Omit<PageInfo, "params"> {
  readonly params: ParsedParams<P>;
}

/** A page module typed by its parsers `P`: every part sees the params they give. */
export interface PageDefinition<P extends ParamParsers> {
  /** Parsers by parameter name (a parameter without one is a raw string: declare `String`). */
  readonly params?: P;
  readonly default: Component<PageProps<P>>;
  readonly title?: string | ((page: TypedPageInfo<P>) => string);
  readonly head?: (page: TypedPageInfo<P>) => VChild;
  readonly action?: (
    ctx: Omit<ActionContext, "params"> & { readonly params: ParsedParams<P> },
  ) => ActionResult | Promise<ActionResult>;
  readonly prefetch?: (
    page: TypedPageInfo<P> & { readonly signal: AbortSignal },
    request: RequestInfo,
  ) => unknown;
}

/**
 * A page module whose component, `title`, `head`, `action` and `prefetch` are typed by
 * its parsers: `props.params.id` is a `number` for `{ id: Number }`, and a component
 * declaring other params does not compile. At run time it is the module as given. (A
 * route file types its component with `PageProps<typeof params>` instead.)
 * @example
 * const routes = {
 *   "/items/:id": definePage({ params: { id: Number }, default: (p) => <h1>{p.params.id + 1}</h1> }),
 * };
 */
export function definePage<P extends ParamParsers = {}>(page: PageDefinition<P>): PageModule {
  return page as unknown as PageModule;
}

/** A `_layout` entry: the component, or a module exporting it. */
export type LayoutInput = RouteComponent | { readonly default: RouteComponent };

/**
 * A check run before a page is mounted: on the page request and on every live navigation
 * into it (where no HTTP middleware runs). It throws `redirect()` or `notFound()` to
 * refuse, and returns to let the page in.
 */
export type PageEnter = (page: PageInfo, request: RequestInfo) => void;

/** A `_middleware` entry: middleware for the subtree's HTTP requests and/or events. */
export interface MiddlewareModule {
  readonly http?: HttpMiddleware;
  readonly event?: EventMiddleware;
  /** Runs before any page of the subtree is mounted, by a request or a live navigation. */
  readonly enter?: PageEnter;
}

/** One `routes` value. */
export type RouteInput = RouteComponent | PageModule | MiddlewareModule;

/** The `routes` option. */
export type RouteTable = Readonly<Record<string, RouteInput>>;

export const SegKind = { Static: 0, Param: 1, CatchAll: 2 } as const;
export type SegKind = (typeof SegKind)[keyof typeof SegKind];

export interface Segment {
  readonly kind: SegKind;
  /** The literal (static) or the parameter's name. */
  readonly value: string;
}

/** A page with everything that applies to it. */
export interface CompiledPage {
  /** The pattern in `:param`/`*rest` form: a bounded label for metrics, logs and spans. */
  readonly pattern: string;
  readonly segments: readonly Segment[];
  readonly component: Component;
  readonly title: PageModule["title"];
  readonly head: PageModule["head"];
  readonly params: ParamParsers | undefined;
  readonly action: PageAction | undefined;
  readonly prefetch: PagePrefetch | undefined;
  /** Outermost first. */
  readonly layouts: readonly Component[];
  /** Outermost first. */
  readonly httpMiddleware: readonly HttpMiddleware[];
  readonly eventMiddleware: readonly EventMiddleware[];
  /** `enter` checks of the subtrees above, outermost first. */
  readonly enter: readonly PageEnter[];
  /** The nearest `_error` page above this one. */
  readonly errorPage: Component | undefined;
}

/** Special keys: the last segment names what the entry is. */
const SPECIAL = new Set(["_layout", "_middleware", "_404", "_error"]);
const NAME = /^[A-Za-z_$][\w$]*$/;

/** The table, compiled. */
export class RouteTree {
  readonly pages: readonly CompiledPage[];
  readonly #notFound = new Map<string, Component>();
  readonly #layouts = new Map<string, Component>();
  readonly #errors = new Map<string, Component>();

  /**
   * Compiles `table`; a malformed key or entry is a `ConfigError` naming it.
   * @example new RouteTree({ "/": Home, "/items/:id": { default: Item, params: { id: Number } } })
   */
  constructor(table: RouteTable) {
    if (table === null || typeof table !== "object") {
      throw new ConfigError("routes", "must be an object of path → page");
    }
    const middleware = new Map<string, MiddlewareModule>();
    const pages: [string, Segment[], PageModule][] = [];
    for (const key of Object.keys(table)) {
      const where = `routes[${JSON.stringify(key)}]`;
      const input = table[key];
      const segments = parseKey(key, where);
      const last = segments.at(-1);
      const special =
        last !== undefined && last.kind === SegKind.Static && SPECIAL.has(last.value)
          ? last.value
          : undefined;
      if (special === undefined) {
        pages.push([key, segments, pageModule(input, where)]);
        continue;
      }
      const prefix = prefixOf(segments.slice(0, -1), where);
      if (special === "_middleware") middleware.set(prefix, middlewareModule(input, where));
      else {
        const c = componentOf(input, where);
        if (special === "_layout") this.#layouts.set(prefix, c);
        else if (special === "_404") this.#notFound.set(prefix, c);
        else this.#errors.set(prefix, c);
      }
    }
    const seen = new Map<string, string>();
    this.pages = pages.map(([key, segments, mod]) => {
      const pattern = patternOf(segments);
      const shape = segments.map((s) => (s.kind === SegKind.Static ? s.value : `\0${s.kind}`));
      const clash = seen.get(shape.join("/"));
      if (clash !== undefined) {
        throw new ConfigError(`routes[${JSON.stringify(key)}]`, `same path as ${clash}`);
      }
      seen.set(shape.join("/"), key);
      const chain = prefixes(segments);
      const http: HttpMiddleware[] = [];
      const event: EventMiddleware[] = [];
      const enter: PageEnter[] = [];
      for (const p of chain) {
        const m = middleware.get(p);
        if (m?.http !== undefined) http.push(m.http);
        if (m?.event !== undefined) event.push(m.event);
        if (m?.enter !== undefined) enter.push(m.enter);
      }
      return {
        pattern,
        segments,
        // An async component is a `Component` to the renderer (it awaits the promise).
        component: (mod.default ?? mod.component) as Component,
        title: mod.title,
        head: mod.head,
        params: mod.params,
        action: mod.action,
        prefetch: mod.prefetch,
        layouts: this.#along(this.#layouts, chain),
        httpMiddleware: http,
        eventMiddleware: event,
        enter,
        errorPage: this.#along(this.#errors, chain).at(-1),
      };
    });
  }

  /**
   * The nearest `_404` page for a path no page matched, with the layouts above it, or
   * `undefined` when the table has none there.
   */
  notFoundFor(pathParts: readonly string[]): { page: Component; layouts: Component[] } | undefined {
    const chain = ["/"];
    let p = "";
    for (const part of pathParts) {
      p += `/${part}`;
      chain.push(p);
    }
    let at = -1;
    for (let i = chain.length - 1; i >= 0 && at < 0; i--) if (this.#notFound.has(chain[i]!)) at = i;
    if (at < 0) return undefined;
    const used = chain.slice(0, at + 1);
    return { page: this.#notFound.get(chain[at]!)!, layouts: this.#along(this.#layouts, used) };
  }

  /** Entries of `map` along a prefix chain, outermost first. */
  #along(map: Map<string, Component>, chain: readonly string[]): Component[] {
    const out: Component[] = [];
    for (const p of chain) {
      const c = map.get(p);
      if (c !== undefined) out.push(c);
    }
    return out;
  }
}

/** `/items/:id` style, for labels (`[id]` keys are normalised to it). */
function patternOf(segments: readonly Segment[]): string {
  if (segments.length === 0) return "/";
  let out = "";
  for (const s of segments) {
    out +=
      s.kind === SegKind.Static
        ? `/${s.value}`
        : s.kind === SegKind.Param
          ? `/:${s.value}`
          : `/*${s.value}`;
  }
  return out;
}

/** The static prefix of a special key (`/admin` of `/admin/_layout`). */
function prefixOf(segments: readonly Segment[], where: string): string {
  for (const s of segments) {
    if (s.kind !== SegKind.Static) {
      throw new ConfigError(where, "layouts, middleware and error pages apply to static prefixes");
    }
  }
  return segments.length === 0 ? "/" : `/${segments.map((s) => s.value).join("/")}`;
}

/** `/`, `/a`, `/a/b` … for a page's static lead (stops at its first parameter). */
function prefixes(segments: readonly Segment[]): string[] {
  const out = ["/"];
  let p = "";
  for (const s of segments) {
    if (s.kind !== SegKind.Static) break;
    p += `/${s.value}`;
    out.push(p);
  }
  // A page's own path prefixes its layouts too (`/admin` page under `/admin/_layout`).
  return out;
}

function parseKey(key: string, where: string): Segment[] {
  if (typeof key !== "string" || !key.startsWith("/")) {
    throw new ConfigError(where, 'the path must start with "/"');
  }
  const out: Segment[] = [];
  const parts = key.split("/").filter((p) => p !== "");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    let seg: Segment;
    if (p.startsWith(":")) seg = { kind: SegKind.Param, value: p.slice(1) };
    else if (p.startsWith("*")) seg = { kind: SegKind.CatchAll, value: p.slice(1) };
    else if (p.startsWith("[...") && p.endsWith("]")) {
      seg = { kind: SegKind.CatchAll, value: p.slice(4, -1) };
    } else if (p.startsWith("[") && p.endsWith("]"))
      seg = { kind: SegKind.Param, value: p.slice(1, -1) };
    else seg = { kind: SegKind.Static, value: p };
    if (seg.kind !== SegKind.Static && !NAME.test(seg.value)) {
      throw new ConfigError(where, `bad parameter name "${seg.value}"`);
    }
    if (seg.kind === SegKind.CatchAll && i !== parts.length - 1) {
      throw new ConfigError(where, "a catch-all must be the last segment");
    }
    out.push(seg);
  }
  const names = out.filter((s) => s.kind !== SegKind.Static).map((s) => s.value);
  if (new Set(names).size !== names.length)
    throw new ConfigError(where, "duplicate parameter name");
  return out;
}

function pageModule(input: unknown, where: string): PageModule {
  if (typeof input === "function") return { component: input as Component };
  if (input === null || typeof input !== "object") {
    throw new ConfigError(where, "needs a component or a page module");
  }
  const m = input as PageModule;
  const c = m.default ?? m.component;
  if (typeof c !== "function") throw new ConfigError(where, "needs a component function");
  if (m.title !== undefined && typeof m.title !== "string" && typeof m.title !== "function") {
    throw new ConfigError(where, "title must be a string or a function");
  }
  if (m.head !== undefined && typeof m.head !== "function") {
    throw new ConfigError(where, "head must be a function");
  }
  if (m.action !== undefined && typeof m.action !== "function") {
    throw new ConfigError(where, "action must be a function");
  }
  if (m.prefetch !== undefined && typeof m.prefetch !== "function") {
    throw new ConfigError(where, "prefetch must be a function");
  }
  if (m.params !== undefined && (m.params === null || typeof m.params !== "object")) {
    throw new ConfigError(where, "params must be an object of parsers");
  }
  return m;
}

function componentOf(input: unknown, where: string): Component {
  const c = typeof input === "function" ? input : (input as { default?: unknown } | null)?.default;
  if (typeof c !== "function") throw new ConfigError(where, "needs a component function");
  return c as Component;
}

function middlewareModule(input: unknown, where: string): MiddlewareModule {
  const m = input as MiddlewareModule | null;
  if (m === null || typeof m !== "object") {
    throw new ConfigError(where, "needs { http, event, enter }");
  }
  if (m.http !== undefined && typeof m.http !== "function") {
    throw new ConfigError(where, "http must be a middleware function");
  }
  if (m.event !== undefined && typeof m.event !== "function") {
    throw new ConfigError(where, "event must be a middleware function");
  }
  if (m.enter !== undefined && typeof m.enter !== "function") {
    throw new ConfigError(where, "enter must be a function");
  }
  if (m.http === undefined && m.event === undefined && m.enter === undefined) {
    throw new ConfigError(where, "needs an http or an event middleware, or an enter check");
  }
  return m;
}
