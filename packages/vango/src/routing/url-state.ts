/**
 * `urlState`: a signal two-way bound to one query parameter. Reading it reads the URL
 * (so a reload, a shared link and back/forward all restore it); writing it updates the
 * value at once and the URL after an optional debounce (a `ReplaceUrl` patch by default,
 * so typing into a filter does not fill the history; `{ replace: false }` adds an entry
 * per change), without re-mounting the page.
 */

import { ErrorCode } from "../protocol/errors.ts";
import { computed, type Signal, signal } from "../reactive/index.ts";
import { onRelease } from "../reactive/owner.ts";
import { useContext } from "../render/context.ts";
import { ServerError } from "../server/core/errors.ts";
import { PageContext } from "./page-info.ts";

/** Turns a value into its query text and back; `parse` returns `undefined` for text it refuses. */
export interface UrlCodec<T> {
  parse(text: string): T | undefined;
  format(value: T): string;
}

export interface UrlStateOptions<T> {
  /**
   * Replace the current history entry when the value changes (default `true`); `false`
   * adds an entry per change, so back/forward steps through the values.
   */
  readonly replace?: boolean;
  /** The older spelling of `replace: false` (ignored when `replace` is given). */
  readonly push?: boolean;
  /** Ms to wait after the last write before the URL changes (default 0). */
  readonly debounce?: number;
  /** How the value is written in the query (default by the default value's type). */
  readonly codec?: UrlCodec<T>;
}

const STRING: UrlCodec<string> = { parse: (s) => s, format: (v) => v };
const NUMBER: UrlCodec<number> = {
  parse: (s) => (s.trim() === "" || Number.isNaN(Number(s)) ? undefined : Number(s)),
  format: (v) => String(v),
};
const BOOLEAN: UrlCodec<boolean> = {
  parse: (s) => (s === "1" || s === "true" ? true : s === "0" || s === "false" ? false : undefined),
  format: (v) => (v ? "1" : "0"),
};

function codecFor<T>(initial: T): UrlCodec<T> {
  switch (typeof initial) {
    case "string":
      return STRING as unknown as UrlCodec<T>;
    case "number":
      return NUMBER as unknown as UrlCodec<T>;
    case "boolean":
      return BOOLEAN as unknown as UrlCodec<T>;
    default:
      return {
        parse: (s) => {
          try {
            return JSON.parse(s) as T;
          } catch {
            return undefined;
          }
        },
        format: (v) => JSON.stringify(v),
      };
  }
}

/**
 * A signal stored in the query parameter `key`; the default is not written to the URL.
 * Call in setup.
 * @example
 * function Products() {
 *   const q = urlState("q", "", { debounce: 300 });
 *   const page = urlState("page", 1);
 *   return () => <input value={q()} onInput={(e) => q.set(e.value)} />;
 * }
 */
export function urlState<T>(key: string, initial: T, opts: UrlStateOptions<T> = {}): Signal<T> {
  const state = useContext(PageContext);
  if (state === null) throw new ServerError(ErrorCode.internal_error, "urlState() outside a page");
  const codec = opts.codec ?? codecFor(initial);
  const replace = opts.replace ?? opts.push !== true;
  const fromUrl = computed(() => {
    const text = state.url().searchParams.get(key);
    if (text === null) return initial;
    const v = codec.parse(text);
    return v === undefined ? initial : v;
  });
  /** A written value not in the URL yet (while the debounce runs). */
  const pending = signal<{ readonly v: T } | null>(null, { transient: true });
  const value = computed(() => {
    const p = pending();
    return p === null ? fromUrl() : p.v;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = (): void => {
    timer = undefined;
    const p = pending.peek();
    if (p === null) return;
    const url = new URL(state.url.peek());
    const text = codec.format(p.v);
    if (text === codec.format(initial)) url.searchParams.delete(key);
    else url.searchParams.set(key, text);
    pending.set(null);
    state.navigate(url.pathname + url.search + url.hash, { replace });
  };
  onRelease(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
  const set = (v: T): void => {
    pending.set({ v });
    if (timer !== undefined) clearTimeout(timer);
    if ((opts.debounce ?? 0) > 0) timer = setTimeout(write, opts.debounce);
    else write();
  };
  const sig = (() => value()) as Signal<T>;
  sig.peek = () => value.peek();
  sig.set = set;
  sig.update = (fn) => set(fn(value.peek()));
  return sig;
}
