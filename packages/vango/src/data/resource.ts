/**
 * `resource()`: data loaded asynchronously, as a reactive value with three states —
 * `loading` (no value yet), `ready`, `error` — read from renders.
 *
 * Lifecycle: created in a component's setup, a resource belongs to the component's
 * owner; its first fetch starts at once (during setup, so the page's data starts loading
 * before anything renders), it refetches when its `key` changes, and disposal aborts the
 * fetch in flight. Every fetch gets an `AbortSignal`, aborted when the fetch is
 * superseded (new key, refetch, mutate) or the owner is disposed, and only the latest
 * fetch may apply its result, so a slow response never overwrites a newer one.
 *
 * Reads: `value()` in a render while there is no value throws a suspension (see
 * `render/suspense.ts`): the nearest `<Async>` shows its fallback until the value
 * arrives. A failed fetch makes `value()` throw a `ResourceError` (code
 * `resource_failed`, the fetcher's error as `cause`), which the nearest
 * `<ErrorBoundary>` catches. `match()` handles the states inline instead.
 *
 * Refetching keeps the current value on show (`state()` stays "ready", `loading()` is
 * true), while a new key has no value until its fetch completes (unless cached: see
 * `staleTime`).
 */
import { effect, getOwner, type Owner, type Signal, signal, untracked } from "../reactive/index.ts";
import { onRelease } from "../reactive/owner.ts";
import { refills } from "../reactive/signal.ts";
import { inComponent } from "../render/context.ts";
import { currentPendingTasks, type PendingTasks } from "../render/pending-tasks.ts";
import { Suspension } from "../render/suspense.ts";
import { createResourceCache, keyHash, type ResourceCache } from "./resource-cache.ts";
import { ResourceError, ResourceErrorCode } from "./resource-error.ts";

/** What a resource can show: no value yet, a value, or the error of its last fetch. */
export type ResourceState = "loading" | "ready" | "error";

/**
 * What a fetcher gets first. (The previous value comes as a second argument: a context
 * type mentioning the value type would stop TypeScript from inferring that type from
 * the fetcher's return.)
 */
export interface FetchContext<K> {
  /** The key read from the `key` option (undefined without one). */
  readonly key: K;
  /** Aborted when this fetch is superseded or the resource's owner is disposed. */
  readonly signal: AbortSignal;
}

/**
 * Loads the value for `ctx.key`. `previous` is the last value the resource had, for any
 * key (e.g. to append a page); annotate the resource's type parameters to use it.
 */
export type Fetcher<T, K> = (ctx: FetchContext<K>, previous: T | undefined) => T | PromiseLike<T>;

export interface ResourceOptions<T, K> {
  /**
   * The fetch's key, read reactively: when what it returns changes (compared by value,
   * see `keyHash`), the resource aborts the fetch in flight and fetches for the new key.
   */
  key?: () => K;
  /**
   * For how many ms a fetched value counts as fresh: a key whose value is fresh in the
   * cache is not fetched again (going back to an earlier key, or another resource with
   * the same `cache`). With `initial`, the initial value counts as fetched at creation.
   * Default 0: every key change fetches. `refetch()` always fetches.
   */
  staleTime?: number;
  /** Value for the first key, shown ("ready") until the first fetch completes. */
  initial?: T;
  /** Where fresh values are kept (default: a cache of this resource's own, when `staleTime` > 0). */
  cache?: ResourceCache;
}

/** Branches of {@link Resource.match}. */
export interface ResourceCases<T, R> {
  /** No value yet. Omitted: the read suspends, as `value()` does. */
  loading?: () => R;
  /** The last fetch failed. Omitted: the error is thrown, as `value()` does. */
  error?: (error: ResourceError, retry: () => Promise<void>) => R;
  ready: (value: T) => R;
}

/** See {@link resource}. Reads are tracked: a render that read a resource re-renders when it changes. */
export interface Resource<T> {
  /** "loading" (no value yet), "ready" or "error". */
  state(): ResourceState;
  /**
   * The value. In a render: suspends while there is none (the nearest `<Async>` shows its
   * fallback) and throws the `ResourceError` after a failure (the nearest
   * `<ErrorBoundary>` catches it). Elsewhere, with no value yet, throws
   * `resource_not_ready`.
   */
  value(): T;
  /** The last value, for any key, even while loading or failed; undefined before the first. */
  latest(): T | undefined;
  /** The error of the last fetch, when `state()` is "error". */
  error(): ResourceError | undefined;
  /** A fetch is in flight (also while "ready" during a refetch). */
  loading(): boolean;
  /**
   * One branch per state.
   * @example user.match({ loading: () => <Spinner />, error: (e, retry) => <button onClick={retry}>Retry</button>, ready: (u) => <b>{u.name}</b> })
   */
  match<R>(cases: ResourceCases<T, R>): R;
  /**
   * Fetches the current key again (the current value stays on show meanwhile). Resolves
   * when the resource has settled; never rejects (a failure goes to `state()`). Bound:
   * pass it as a handler as is.
   */
  readonly refetch: () => Promise<void>;
  /** Sets the value for the current key (e.g. after a mutation), aborting a fetch in flight. Bound. */
  readonly mutate: (value: T) => void;
}

interface Snapshot<T> {
  readonly state: ResourceState;
  readonly value: T | undefined;
  readonly error: ResourceError | undefined;
  readonly loading: boolean;
}

const FETCH_KEY = 0;
const FETCH_REFRESH = 1;

class ResourceNode<T, K> implements Resource<T> {
  readonly #fetcher: Fetcher<T, K>;
  readonly #staleTime: number;
  readonly #cache: ResourceCache | null;
  readonly #snap: Signal<Snapshot<T>>;
  readonly #owner: Owner | null;
  readonly #tasks: PendingTasks | null;
  #key: K = undefined as K;
  #hash: string | null = null;
  /** The last value and the hash of the key it was fetched for. */
  #latest: T | undefined = undefined;
  #latestHash: string | null = null;
  /** The fetch in flight (the only one whose result may apply). */
  #ctrl: AbortController | null = null;
  /** Settles when the resource does; created when someone waits. */
  #waiting: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #disposed = false;
  readonly refetch: () => Promise<void>;
  readonly mutate: (value: T) => void;

  constructor(fetcher: Fetcher<T, K>, options: ResourceOptions<T, K>) {
    this.#fetcher = fetcher;
    this.#staleTime = Math.max(0, options.staleTime ?? 0);
    this.#cache = options.cache ?? (this.#staleTime > 0 ? createResourceCache({ max: 16 }) : null);
    this.#owner = getOwner();
    this.#tasks = currentPendingTasks();
    const hasInitial = options.initial !== undefined;
    this.#snap = signal<Snapshot<T>>(
      hasInitial
        ? { state: "ready", value: options.initial, error: undefined, loading: false }
        : { state: "loading", value: undefined, error: undefined, loading: false },
      // Fetched data is not session state: a rebuilt page fetches again.
      { transient: true },
    );
    refills(this.#snap as Signal<unknown>);
    if (hasInitial) this.#latest = options.initial;
    this.refetch = () => {
      if (this.#disposed || this.#hash === null) return Promise.resolve();
      this.#start(this.#key, this.#hash, FETCH_REFRESH);
      return this.#until();
    };
    this.mutate = (value: T) => {
      if (this.#disposed) return;
      this.#abort();
      const hash = this.#hash ?? "";
      this.#ready(hash, value);
    };
    // Bookkeeping: while a fetch runs the page is pending (not parked) anyway.
    onRelease(() => this.#dispose());
    const keyFn = options.key;
    if (keyFn === undefined) {
      this.#first(undefined as K, hasInitial);
      return;
    }
    effect(() => {
      const key = keyFn();
      const hash = keyHash(key);
      if (hash === this.#hash) return;
      untracked(() => {
        if (this.#hash === null) this.#first(key, hasInitial);
        else {
          this.#key = key;
          this.#hash = hash;
          this.#start(key, hash, FETCH_KEY);
        }
      });
    });
  }

  /** The first key: the initial value stands in for a fetch while it is fresh. */
  #first(key: K, hasInitial: boolean): void {
    const hash = keyHash(key);
    this.#key = key;
    this.#hash = hash;
    if (!hasInitial) {
      this.#start(key, hash, FETCH_KEY);
      return;
    }
    this.#latestHash = hash;
    if (this.#staleTime > 0) {
      this.#cache?.set(hash, this.#latest, Date.now());
      return;
    }
    this.#start(key, hash, FETCH_REFRESH);
  }

  state(): ResourceState {
    return this.#snap().state;
  }

  value(): T {
    const s = this.#snap();
    if (s.state === "ready") return s.value as T;
    if (s.state === "error") throw s.error;
    if (inComponent()) throw new Suspension(this.#until(), this.#owner);
    throw new ResourceError(
      ResourceErrorCode.notReady,
      "value() read outside a render before the first value arrived",
    );
  }

  latest(): T | undefined {
    this.#snap();
    return this.#latest;
  }

  error(): ResourceError | undefined {
    return this.#snap().error;
  }

  loading(): boolean {
    return this.#snap().loading;
  }

  match<R>(cases: ResourceCases<T, R>): R {
    const s = this.#snap();
    if (s.state === "ready") return cases.ready(s.value as T);
    if (s.state === "error") {
      if (cases.error !== undefined) return cases.error(s.error!, this.refetch);
      throw s.error;
    }
    if (cases.loading !== undefined) return cases.loading();
    return cases.ready(this.value());
  }

  /** Starts a fetch for `key`, superseding the one in flight. */
  #start(key: K, hash: string, kind: typeof FETCH_KEY | typeof FETCH_REFRESH): void {
    if (this.#disposed) return;
    this.#abort();
    const cache = this.#cache;
    if (kind === FETCH_KEY && cache !== null) {
      const hit = cache.fresh(hash, this.#staleTime, Date.now());
      if (hit !== undefined) {
        this.#ready(hash, hit.value as T, false);
        return;
      }
    }
    const ctrl = new AbortController();
    let result: T | PromiseLike<T>;
    const ctx: FetchContext<K> = { key, signal: ctrl.signal };
    const previous = this.#latest;
    // A prefetch of this key still in flight: wait for it instead of fetching twice
    // (when it fails, fetch after all).
    const flying = kind === FETCH_KEY ? cache?.flying(hash) : undefined;
    try {
      // Untracked: what the fetcher reads must not subscribe a render that called refetch.
      result =
        flying === undefined
          ? untracked(() => this.#fetcher(ctx, previous))
          : flying.then(
              (v) => v as T,
              () => (ctrl.signal.aborted ? previous! : this.#fetcher(ctx, previous)),
            );
    } catch (error) {
      this.#failed(error);
      return;
    }
    if (!isThenable(result)) {
      this.#ready(hash, result);
      return;
    }
    this.#ctrl = ctrl;
    this.#tasks?.begin();
    const keep = this.#latestHash === hash && this.#snap.peek().state !== "loading";
    this.#snap.set({
      state: keep ? "ready" : "loading",
      value: keep ? this.#latest : undefined,
      error: undefined,
      loading: true,
    });
    result.then(
      (value) => {
        if (this.#settle(ctrl)) this.#ready(hash, value);
      },
      (error: unknown) => {
        if (this.#settle(ctrl)) this.#failed(error);
      },
    );
  }

  /** Whether `ctrl`'s fetch is still the latest (then it is no longer in flight). */
  #settle(ctrl: AbortController): boolean {
    if (this.#ctrl !== ctrl || this.#disposed) return false;
    this.#ctrl = null;
    this.#tasks?.end();
    return true;
  }

  #ready(hash: string, value: T, store = true): void {
    this.#latest = value;
    this.#latestHash = hash;
    if (store) this.#cache?.set(hash, value, Date.now());
    this.#snap.set({ state: "ready", value, error: undefined, loading: false });
    this.#wakeUp();
  }

  #failed(cause: unknown): void {
    const what = cause instanceof Error ? cause.message : String(cause);
    const error = new ResourceError(ResourceErrorCode.failed, what, { cause });
    this.#snap.set({ state: "error", value: undefined, error, loading: false });
    this.#wakeUp();
  }

  /** Aborts the fetch in flight, if any (waiters keep waiting for what comes next). */
  #abort(): void {
    const ctrl = this.#ctrl;
    if (ctrl === null) return;
    this.#ctrl = null;
    this.#tasks?.end();
    ctrl.abort();
  }

  /** Settles when the resource next settles (at once when nothing is in flight). */
  #until(): Promise<void> {
    if (this.#ctrl === null) return Promise.resolve();
    if (this.#waiting === null) {
      this.#waiting = new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    return this.#waiting;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    if (wake === null) return;
    this.#waiting = null;
    this.#wake = null;
    wake();
  }

  #dispose(): void {
    if (this.#disposed) return;
    this.#abort();
    this.#disposed = true;
    this.#wakeUp();
  }
}

/**
 * Creates a resource: `fetcher` is called with `{ key, signal }` (and the previous value) for the first
 * key at once, and again when `key()` changes or on `refetch()`. Call it in a
 * component's setup (the resource is owned by the component and aborted with it), read
 * it in the render.
 * @example
 * function UserCard(props: { id: number }) {
 *   const user = resource(({ key, signal }) => fetchUser(key, signal), { key: () => props.id });
 *   return () => (
 *     <Async fallback={<p>Loading…</p>}>
 *       {() => <h2>{user.value().name}</h2>}
 *     </Async>
 *   );
 * }
 */
export function resource<T, K = undefined>(
  fetcher: Fetcher<T, K>,
  options: ResourceOptions<T, K> = {},
): Resource<T> {
  return new ResourceNode(fetcher, options);
}

function isThenable<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}
