/**
 * Route table: exact paths and `:param` segments, matched segment by segment. Exact
 * routes win over parametrised ones; among parametrised routes the first declared wins.
 */

import { ConfigError } from "../server/core/errors.ts";
import type { Component } from "../vdom/vnode.ts";

export interface RouteDef {
  readonly component: Component;
  readonly title?: string;
}

export type RouteInput = Component | RouteDef;

export interface CompiledRoute {
  /** The pattern as declared, e.g. `/users/:id` (a bounded label for logs and metrics). */
  readonly pattern: string;
  readonly component: Component;
  readonly title: string | undefined;
  /** Segments; a `null` entry at i means "parameter named paramNames[i]". */
  readonly segments: readonly (string | null)[];
  readonly paramNames: readonly (string | null)[];
}

export interface RouteMatch {
  readonly route: CompiledRoute;
  readonly params: Record<string, string>;
}

export class Router {
  readonly #exact = new Map<string, CompiledRoute>();
  readonly #dynamic: CompiledRoute[] = [];

  /**
   * @example new Router({ "/": Home, "/users/:id": { component: User, title: "User" } })
   */
  constructor(routes: Readonly<Record<string, RouteInput>>) {
    for (const pattern of Object.keys(routes)) {
      const input = routes[pattern];
      const problem = routeProblem(pattern, input);
      if (problem !== undefined)
        throw new ConfigError(`routes[${JSON.stringify(pattern)}]`, problem);
      const def: RouteDef = typeof input === "function" ? { component: input } : input!;
      const parts = splitPath(pattern);
      const segments: (string | null)[] = [];
      const paramNames: (string | null)[] = [];
      for (const p of parts) {
        if (p.startsWith(":")) {
          segments.push(null);
          paramNames.push(p.slice(1));
        } else {
          segments.push(p);
          paramNames.push(null);
        }
      }
      const route: CompiledRoute = {
        pattern,
        component: def.component,
        title: def.title,
        segments,
        paramNames,
      };
      if (paramNames.every((n) => n === null)) this.#exact.set(normalize(parts), route);
      else this.#dynamic.push(route);
    }
  }

  /** Matches a URL pathname (without query); `undefined` when nothing matches. */
  match(pathname: string): RouteMatch | undefined {
    const parts = splitPath(pathname);
    const exact = this.#exact.get(normalize(parts));
    if (exact) return { route: exact, params: {} };
    outer: for (const route of this.#dynamic) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i];
        const part = parts[i]!;
        if (seg === null) {
          let value: string;
          try {
            value = decodeURIComponent(part);
          } catch {
            continue outer;
          }
          params[route.paramNames[i]!] = value;
        } else if (seg !== part) continue outer;
      }
      return { route, params };
    }
    return undefined;
  }
}

/** Why a route entry is unusable (`undefined` when it is fine). */
export function routeProblem(pattern: string, input: unknown): string | undefined {
  if (!pattern.startsWith("/")) return 'the pattern must start with "/"';
  for (const p of splitPath(pattern)) if (p === ":") return "unnamed parameter";
  const component =
    typeof input === "function" ? input : (input as { component?: unknown } | null)?.component;
  if (typeof component !== "function") return "needs a component function";
  const title = (input as { title?: unknown }).title;
  if (typeof input !== "function" && title !== undefined && typeof title !== "string") {
    return "title must be a string";
  }
  return undefined;
}

function splitPath(path: string): string[] {
  const out: string[] = [];
  for (const p of path.split("/")) if (p !== "") out.push(p);
  return out;
}

function normalize(parts: readonly string[]): string {
  return "/" + parts.join("/");
}
