/**
 * The value cache behind a resource's `staleTime`: key → last value and when it was
 * fetched. A resource with `staleTime` and no `cache` option keeps a small one of its own
 * (so going back to an earlier key within `staleTime` does not refetch); a cache made
 * with {@link createResourceCache} can be shared, e.g. by the resources of one session
 * (provide it through a context) — never across users unless the data is public.
 * Bounded: past `max` keys the least recently used goes.
 *
 * A shared cache can also be filled ahead of need ({@link ResourceCache.prefetch}, from
 * a page's `prefetch` export): a resource that asks for a key whose prefetch is still in
 * flight waits for it instead of fetching the same thing again.
 */
import type { FetchContext } from "./resource.ts";

export interface ResourceCacheOptions {
  /** Most keys kept (least recently used dropped first); default 100. */
  max?: number;
}

interface Entry {
  readonly value: unknown;
  readonly at: number;
}

export class ResourceCache {
  readonly #entries = new Map<string, Entry>();
  /** Prefetches in flight by key hash (at most `max`). */
  readonly #flying = new Map<string, Promise<unknown>>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** Keys held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The value cached under `hash` if fetched less than `staleTime` ms before `now`; an
   * older entry is dropped.
   */
  fresh(hash: string, staleTime: number, now: number): { value: unknown } | undefined {
    const e = this.#entries.get(hash);
    if (e === undefined) return undefined;
    if (now - e.at >= staleTime) {
      this.#entries.delete(hash);
      return undefined;
    }
    // Re-insert: Map order is the LRU order.
    this.#entries.delete(hash);
    this.#entries.set(hash, e);
    return { value: e.value };
  }

  /** Stores `value` for `hash`, fetched at `at` (ms, `Date.now()`). */
  set(hash: string, value: unknown, at: number): void {
    this.#entries.delete(hash);
    this.#entries.set(hash, { value, at });
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** The prefetch of `hash` still in flight, if any. */
  flying(hash: string): Promise<unknown> | undefined {
    return this.#flying.get(hash);
  }

  /**
   * Fetches the value for `key` into the cache now, for resources with this cache (and
   * a `staleTime`) that will ask for it soon: one that mounts while the fetch is in
   * flight waits for it, one that mounts later finds the value fresh. Nothing is fetched
   * while a prefetch of the key is in flight, when the cached value is younger than
   * `freshFor` ms (default 0: always fetch), or when `max` prefetches are in flight.
   * Resolves when done; never rejects (a failed prefetch stores nothing, and a resource
   * that waited on it fetches for itself).
   * @example
   * export const prefetch: PagePrefetch = ({ params, signal }) =>
   *   items.prefetch(["item", params.id], ({ key, signal }) => getItem(key[1], signal), { signal });
   */
  prefetch<K, T>(
    key: K,
    fetcher: (ctx: FetchContext<K>) => T | PromiseLike<T>,
    opts: { readonly signal?: AbortSignal; readonly freshFor?: number } = {},
  ): Promise<void> {
    const hash = keyHash(key);
    const inFlight = this.#flying.get(hash);
    if (inFlight !== undefined) return inFlight.then(noop, noop);
    const held = this.#entries.get(hash);
    if (held !== undefined && Date.now() - held.at < (opts.freshFor ?? 0)) return Promise.resolve();
    if (this.#flying.size >= this.#max) return Promise.resolve();
    const signal = opts.signal ?? new AbortController().signal;
    let p: Promise<T>;
    try {
      p = Promise.resolve(fetcher({ key, signal }));
    } catch (err) {
      p = Promise.reject(err);
    }
    this.#flying.set(hash, p);
    return p.then(
      (value) => {
        if (this.#flying.get(hash) === p) this.#flying.delete(hash);
        this.set(hash, value, Date.now());
      },
      () => {
        if (this.#flying.get(hash) === p) this.#flying.delete(hash);
      },
    );
  }

  /** Forgets one key (e.g. after a mutation made it wrong), or everything. */
  invalidate(hash?: string): void {
    if (hash === undefined) this.#entries.clear();
    else this.#entries.delete(hash);
  }
}

function noop(): void {}

/**
 * A cache that several resources can share: a value fetched under a key by one of them
 * is reused by the others within their `staleTime`. Keys are compared by value (see
 * {@link keyHash}); give resources of different kinds different keys (`["user", id]`).
 * @example
 * const Users = createContext(createResourceCache());
 * const user = resource(({ key, signal }) => getUser(key[1], signal), {
 *   key: () => ["user", props.id], staleTime: 30_000, cache: useContext(Users),
 * });
 */
export function createResourceCache(options: ResourceCacheOptions = {}): ResourceCache {
  return new ResourceCache(Math.max(1, options.max ?? 100));
}

/**
 * A string that is equal for equal keys: JSON with object keys sorted (so `{a, b}` and
 * `{b, a}` match), bigints as `<digits>n`, `undefined` as the empty string.
 * @example keyHash(["user", 7]) === keyHash(["user", 7]); // true
 */
export function keyHash(key: unknown): string {
  if (key === undefined) return "";
  if (typeof key === "string") return JSON.stringify(key);
  if (typeof key === "number" || typeof key === "boolean" || key === null) return String(key);
  return JSON.stringify(key, sortedReplacer) ?? "";
}

function sortedReplacer(_name: string, value: unknown): unknown {
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) sorted[k] = (value as Record<string, unknown>)[k];
  return sorted;
}
