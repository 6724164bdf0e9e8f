/**
 * The matcher: a segment trie over the compiled pages. At each segment a static child is
 * tried first, then a parameter, then a catch-all, backtracking when the rest does not
 * match or a page's parameter parser refuses a value — so static beats param beats
 * catch-all, and a refused parameter is a 404 (or a less specific route), never a 500.
 *
 * Paths are decoded once, segment by segment (`%2F` stays inside its segment). A
 * malformed escape is `bad_request`, a path over {@link MAX_PATH} characters or
 * {@link MAX_SEGMENTS} segments `uri_too_long`: coded refusals, decided before any work.
 */
import { ErrorCode } from "../protocol/errors.ts";
import { INVALID, parseParam } from "./params.ts";
import { type CompiledPage, type RouteTable, RouteTree, SegKind } from "./route-table.ts";

/** Longest path matched (bytes of the raw pathname). */
export const MAX_PATH = 2048;
/** Most segments matched. */
export const MAX_SEGMENTS = 64;

/** A matched page with its parsed parameters. */
export interface RouteMatch {
  readonly page: CompiledPage;
  /** Parsed by the page's parsers; raw decoded strings where it declares none. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** Why a path could not even be matched. */
export type PathRefusal = typeof ErrorCode.bad_request | typeof ErrorCode.uri_too_long;

interface Node {
  readonly statics: Map<string, Node>;
  param: Node | null;
  /** Pages ending in a catch-all at this depth (tried in declaration order). */
  readonly catchAll: CompiledPage[];
  /** Pages ending exactly here (at most one per shape; the table refuses duplicates). */
  readonly pages: CompiledPage[];
}

function node(): Node {
  return { statics: new Map(), param: null, catchAll: [], pages: [] };
}

export class Router {
  readonly tree: RouteTree;
  readonly #root: Node = node();

  /**
   * @example
   * const r = new Router({ "/": Home, "/items/:id": { default: Item, params: { id: Number } } });
   * r.match("/items/7")?.params // { id: 7 }
   */
  constructor(routes: RouteTable) {
    this.tree = new RouteTree(routes);
    for (const page of this.tree.pages) {
      let n = this.#root;
      for (const s of page.segments) {
        if (s.kind === SegKind.CatchAll) break;
        if (s.kind === SegKind.Static) {
          let next = n.statics.get(s.value);
          if (next === undefined) {
            next = node();
            n.statics.set(s.value, next);
          }
          n = next;
        } else {
          n.param ??= node();
          n = n.param;
        }
      }
      const last = page.segments.at(-1);
      if (last?.kind === SegKind.CatchAll) n.catchAll.push(page);
      else n.pages.push(page);
    }
  }

  /**
   * Matches a URL pathname (no query): the page and its parsed params, `undefined` when
   * no page matches, or a refusal code for a malformed or over-long path.
   */
  match(pathname: string): RouteMatch | PathRefusal | undefined {
    const parts = splitPath(pathname);
    if (typeof parts === "string") return parts;
    return this.#walk(this.#root, parts, 0);
  }

  /** Decoded segments of `pathname` (for the 404 lookup), or a refusal. */
  parts(pathname: string): string[] | PathRefusal {
    return splitPath(pathname);
  }

  #walk(n: Node, parts: readonly string[], i: number): RouteMatch | undefined {
    if (i === parts.length) {
      for (const page of n.pages) {
        const m = bind(page, parts);
        if (m !== undefined) return m;
      }
      return undefined;
    }
    const s = n.statics.get(parts[i]!);
    if (s !== undefined) {
      const m = this.#walk(s, parts, i + 1);
      if (m !== undefined) return m;
    }
    if (n.param !== null) {
      const m = this.#walk(n.param, parts, i + 1);
      if (m !== undefined) return m;
    }
    for (const page of n.catchAll) {
      const m = bind(page, parts);
      if (m !== undefined) return m;
    }
    return undefined;
  }
}

/** The page's params from `parts`, parsed; `undefined` when a parser refuses one. */
function bind(page: CompiledPage, parts: readonly string[]): RouteMatch | undefined {
  const params: Record<string, unknown> = {};
  const segs = page.segments;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.kind === SegKind.Static) continue;
    const raw = s.kind === SegKind.CatchAll ? parts.slice(i).join("/") : parts[i]!;
    const parser = page.params?.[s.value];
    if (parser === undefined) params[s.value] = raw;
    else {
      const v = parseParam(parser, raw);
      if (v === INVALID) return undefined;
      params[s.value] = v;
    }
  }
  return { page, params };
}

function splitPath(pathname: string): string[] | PathRefusal {
  if (pathname.length > MAX_PATH) return ErrorCode.uri_too_long;
  const out: string[] = [];
  let start = 1;
  while (start <= pathname.length) {
    let end = pathname.indexOf("/", start);
    if (end === -1) end = pathname.length;
    if (end > start) {
      const raw = pathname.slice(start, end);
      let part = raw;
      if (raw.includes("%")) {
        try {
          part = decodeURIComponent(raw);
        } catch {
          return ErrorCode.bad_request;
        }
      }
      if (out.push(part) > MAX_SEGMENTS) return ErrorCode.uri_too_long;
    }
    start = end + 1;
  }
  return out;
}

export type { RouteTable };
export { RouteTree };
