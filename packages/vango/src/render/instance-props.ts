/**
 * The props object a stateful component receives: one stable object for the instance's
 * lifetime, whose reads are tracked per prop.
 *
 * It is a read-only Proxy over the latest props from the parent. Each prop read inside
 * a render also reads a per-prop version signal (created on first read). When the parent
 * re-renders, the new props are compared shallowly (`Object.is`) with the previous ones
 * and only the versions of changed props are bumped, in one batch: a render that read
 * only unchanged props stays clean. Enumerating the keys (`{...props}`, `in`) tracks
 * the key set. Values are not wrapped, so a prop holding a function or an object is
 * passed through as is. Destructuring in setup reads once, untracked (as in Solid).
 */
import { isTracking } from "../reactive/batch.ts";
import { batch, type ReadonlySignal, type Signal, signal } from "../reactive/index.ts";
import type { Props } from "../vdom/vnode.ts";

const hasOwn = Object.hasOwn;

/** Props' version counters belong to the renderer, not to the session's state. */
const TRANSIENT = { transient: true } as const;

export class PropsStore implements ProxyHandler<Props> {
  /** The latest props given by the parent. */
  raw: Props;
  readonly proxy: Props;
  #versions: Map<string, Signal<number>> | null = null;
  #keys: Signal<number> | null = null;

  constructor(raw: Props) {
    this.raw = raw;
    this.proxy = new Proxy<Props>({}, this);
  }

  /**
   * Replaces the props; readers of props that changed are invalidated (synchronously,
   * when the batch ends).
   */
  update(next: Props): void {
    const prev = this.raw;
    if (prev === next) return;
    this.raw = next;
    if (this.#versions === null && this.#keys === null) return;
    if (!this.#affects(prev, next)) return;
    // A closure per update that changes a tracked prop (rare), rather than a bound
    // arrow field per instance.
    batch(() => this.#bumpChanged(prev, next));
  }

  #bumpChanged(prev: Props, next: Props): void {
    let keysChanged = false;
    for (const k in next) {
      if (!hasOwn(prev, k)) keysChanged = true;
      else if (Object.is(prev[k], next[k])) continue;
      this.#bump(k);
    }
    for (const k in prev) {
      if (hasOwn(next, k)) continue;
      keysChanged = true;
      this.#bump(k);
    }
    const keys = this.#keys;
    if (keysChanged && keys !== null) keys.set(keys.peek() + 1);
  }

  /** Whether going from `prev` to `next` changes a prop or key set someone tracks. */
  #affects(prev: Props, next: Props): boolean {
    const versions = this.#versions;
    const keysTracked = this.#keys !== null;
    for (const k in next) {
      if (!hasOwn(prev, k)) {
        if (keysTracked || versions?.has(k)) return true;
      } else if (!Object.is(prev[k], next[k]) && versions?.has(k)) {
        return true;
      }
    }
    for (const k in prev) {
      if (!hasOwn(next, k) && (keysTracked || versions?.has(k))) return true;
    }
    return false;
  }

  /** Appends the signals its readers track (the props' versions) to `out`. */
  signals(out: ReadonlySignal<unknown>[]): void {
    if (this.#versions !== null) for (const s of this.#versions.values()) out.push(s);
    if (this.#keys !== null) out.push(this.#keys);
  }

  #bump(key: string): void {
    const s = this.#versions?.get(key);
    if (s !== undefined) s.set(s.peek() + 1);
  }

  #trackKey(key: string): void {
    // An untracked read (setup, a stateless call) subscribes nothing: no version needed.
    if (!isTracking()) return;
    let map = this.#versions;
    if (map === null) map = this.#versions = new Map();
    let s = map.get(key);
    if (s === undefined) {
      s = signal(0, TRANSIENT);
      map.set(key, s);
    }
    s();
  }

  #trackKeys(): void {
    if (!isTracking()) return;
    let s = this.#keys;
    if (s === null) s = this.#keys = signal(0, TRANSIENT);
    s();
  }

  get(_target: Props, key: string | symbol): unknown {
    if (typeof key === "symbol") return undefined;
    this.#trackKey(key);
    return hasOwn(this.raw, key) ? this.raw[key] : undefined;
  }

  has(_target: Props, key: string | symbol): boolean {
    if (typeof key === "symbol") return false;
    this.#trackKeys();
    return hasOwn(this.raw, key);
  }

  ownKeys(): ArrayLike<string | symbol> {
    this.#trackKeys();
    return Object.keys(this.raw);
  }

  getOwnPropertyDescriptor(target: Props, key: string | symbol): PropertyDescriptor | undefined {
    if (typeof key === "symbol" || !hasOwn(this.raw, key)) return undefined;
    return { value: this.get(target, key), writable: false, enumerable: true, configurable: true };
  }

  set(): boolean {
    return false;
  }

  deleteProperty(): boolean {
    return false;
  }

  defineProperty(): boolean {
    return false;
  }
}
