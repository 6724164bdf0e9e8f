/**
 * The value cache behind a resource's `staleTime`: key → last value and when it was
 * fetched. A resource with `staleTime` and no `cache` option keeps a small one of its own
 * (so going back to an earlier key within `staleTime` does not refetch); a cache made
 * with {@link createResourceCache} can be shared, e.g. by the resources of one session
 * (provide it through a context) — never across users unless the data is public.
 * Bounded: past `max` keys the least recently used goes.
 */

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

  /** Forgets one key (e.g. after a mutation made it wrong), or everything. */
  invalidate(hash?: string): void {
    if (hash === undefined) this.#entries.clear();
    else this.#entries.delete(hash);
  }
}

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
