/**
 * Writable signals over alien-signals. The read function *is* alien's signal function,
 * so a tracked read costs exactly what it costs in alien-signals; `set` applies Vango's
 * equality (default `Object.is`, or custom, or `false` = always notify) before writing.
 */
import { signal as alienSignal, endBatch, setActiveSub, startBatch } from "alien-signals";
import { enter, leave, rethrowReported } from "./runtime.ts";

/** A value that can be read: calling it is a tracked read, `peek()` an untracked one. */
export interface ReadonlySignal<T> {
  (): T;
  peek(): T;
}

/**
 * A {@link ReadonlySignal} that can be written. `peek`, `set` and `update` are methods
 * shared by all signals: call them on the signal, or bind them (`count.set.bind(count)`)
 * to pass one along.
 */
export interface Signal<T> extends ReadonlySignal<T> {
  set(value: T): void;
  update(fn: (prev: T) => T): void;
}

export interface SignalOptions<T> {
  /** When a write counts as a change; `false` makes every write notify. Default `Object.is`. */
  equals?: false | ((a: T, b: T) => boolean);
  /**
   * Not part of the session's persisted state: a signal created in a component's setup is
   * checkpointed and restored after a restart or on another instance unless it is
   * transient (caches, in-flight flags, values that cannot be serialized).
   */
  transient?: boolean;
}

/**
 * @internal What the renderer installs while a component is set up, so the session can
 * persist the signals it creates: `adopt` may replace the initial value with a restored
 * one, `created` hands over the signal (both in creation order).
 */
export interface SignalRecorder {
  adopt(initial: unknown): unknown;
  /** A persisted signal was created (in creation order). */
  created(s: Signal<unknown>): void;
  /** A transient signal was created, holding `initial`: the component's, but not persisted. */
  createdTransient(s: Signal<unknown>, initial: unknown): void;
  /** `s`, created transient, gets its value back by itself in a rebuilt view (fetched data). */
  refills(s: Signal<unknown>): void;
}

let recorder: SignalRecorder | null = null;

/** @internal Installs `r` (or none); returns the previous recorder to put back. */
export function setSignalRecorder(r: SignalRecorder | null): SignalRecorder | null {
  const prev = recorder;
  recorder = r;
  return prev;
}

type AlienSignal<T> = { (): T; (value: T): void };

/** Written through to alien-signals to force a change it would otherwise not see. */
const FORCE: unique symbol = Symbol("vango.force");

/**
 * alien-signals compares with `!==`, so it ignores a write of the identical value (and of
 * -0 over +0). To notify anyway, route the write through a sentinel inside a batch: the
 * untracked read commits the sentinel, so the final write is a real change for every
 * subscriber, and the batch keeps effects from seeing the sentinel.
 */
function forceWrite<T>(raw: AlienSignal<T>, value: T): void {
  startBatch();
  try {
    (raw as unknown as AlienSignal<typeof FORCE>)(FORCE);
    const prevSub = setActiveSub(undefined);
    raw();
    setActiveSub(prevSub);
    raw(value);
  } finally {
    endBatch();
  }
}

/**
 * The methods every signal shares: a signal is alien-signals' read function with this
 * object as its prototype, so it costs no closure per method (measured per session in
 * `bench/session-heap.bench.ts`: three closures and their scope were ~40 % of a signal).
 * The value last set is an own property (`v`: one slot, no closure scope); a custom
 * `equals` is one more, on the few signals that have one.
 * The methods use `this`: call them on the signal (`count.set(1)`), or bind them.
 */
interface SignalFn<T> extends AlienSignal<T> {
  /** The value last set (what `peek` returns and `set` compares with). */
  v: T;
  eq?: false | ((a: T, b: T) => boolean);
}

const SignalMethods = Object.create(Function.prototype, {
  peek: {
    writable: true,
    value: function peek<T>(this: SignalFn<T>): T {
      return this.v;
    },
  },
  set: {
    writable: true,
    value: function set<T>(this: SignalFn<T>, value: T): void {
      const prev = this.v;
      const equals = this.eq;
      if (equals === undefined) {
        if (Object.is(prev, value)) return;
      } else if (equals !== false && equals(prev, value)) {
        return;
      }
      this.v = value;
      const outermost = enter();
      try {
        if (prev !== value) this(value);
        else forceWrite(this, value);
      } finally {
        leave();
      }
      if (outermost) rethrowReported();
    },
  },
  update: {
    writable: true,
    value: function update<T>(this: Signal<T>, fn: (prev: T) => T): void {
      this.set(fn(this.peek()));
    },
  },
}) as object;

/**
 * Creates a signal holding `initial`.
 * @example
 * const count = signal(0);
 * count.set(count.peek() + 1);
 * count.update((n) => n + 1);
 * const list = signal<string[]>([], { equals: false }); // mutate in place, then list.set(list.peek())
 */
export function signal<T>(initial: T, options?: SignalOptions<T>): Signal<T> {
  // One null check when no component is being set up with persistence on.
  const rec = recorder;
  const transient = rec !== null && options?.transient === true;
  if (rec !== null && !transient) initial = rec.adopt(initial) as T;
  const raw = alienSignal<T>(initial) as SignalFn<T>;
  Object.setPrototypeOf(raw, SignalMethods);
  raw.v = initial;
  const equals = options?.equals;
  if (equals !== undefined) raw.eq = equals;
  const s = raw as unknown as Signal<T>;
  if (transient) rec!.createdTransient(s as Signal<unknown>, initial);
  else if (rec !== null) rec.created(s as Signal<unknown>);
  return s;
}

/**
 * @internal Runs `fn` with no recorder: the signals it creates belong to no component
 * (the process's shared state), neither persisted nor counted as a view's own.
 */
export function unrecorded<T>(fn: () => T): T {
  const prev = recorder;
  recorder = null;
  try {
    return fn();
  } finally {
    recorder = prev;
  }
}

/**
 * @internal Tells the component being set up that `s` (transient) gets its value back by
 * itself when its view is built again — data fetched again — so a value other than its
 * initial one does not keep the view from being parked.
 */
export function refills(s: Signal<unknown>): void {
  recorder?.refills(s);
}
