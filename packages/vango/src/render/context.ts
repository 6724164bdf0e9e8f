/**
 * Component context and lifecycle hooks for setup code: `createContext`, `provide`,
 * `useContext`, `onMount`.
 *
 * Each mounted component is a scope with a parent link (the enclosing component). The
 * scope in effect is the component being set up or rendered; outside of that (e.g. in a
 * callback run later with `runWithOwner`) it is found from the current reactive owner,
 * which the renderer binds to the component that created it.
 */
import { getOwner, type Owner } from "../reactive/index.ts";
import { MountError, MountErrorCode } from "./mount-error.ts";
import type { PendingTasks } from "./pending-tasks.ts";

/** A typed slot that components provide and descendants read. */
export interface Context<T> {
  readonly defaultValue: T;
  /** For debugging only. */
  readonly name: string;
}

/** @internal What a component exposes to the hooks in this module. */
export interface ContextScope {
  readonly parent: ContextScope | null;
  contexts: Map<Context<unknown>, unknown> | null;
  mountFns: MountFn[] | null;
  /** The live root's pending-task counter (null in SSR, which awaits data in place). */
  readonly tasks: PendingTasks | null;
}

// biome-ignore lint/suspicious/noConfusingVoidType: a callback may return nothing or a cleanup
export type MountFn = () => void | (() => void);

let current: ContextScope | null = null;
// A strong Map with explicit unbinding: a WeakMap's ephemeron bookkeeping made every GC
// cycle several times slower when each component instance added an entry (measured: a
// 200-component mount went from 2.4 ms to 11 ms).
const ownerScopes = new Map<Owner, ContextScope>();

/** @internal Makes `scope` current; returns the previous one for {@link leaveScope}. */
export function enterScope(scope: ContextScope | null): ContextScope | null {
  const prev = current;
  current = scope;
  return prev;
}

/** @internal Restores the scope {@link enterScope} replaced. */
export function leaveScope(prev: ContextScope | null): void {
  current = prev;
}

/**
 * @internal Lets hooks find `scope` from `owner` when no component is running. The
 * binding lasts until {@link unbindOwner} (called when the owner is disposed).
 */
export function bindOwner(owner: Owner | null, scope: ContextScope): void {
  if (owner !== null) ownerScopes.set(owner, scope);
}

/** @internal Ends a {@link bindOwner} binding. */
export function unbindOwner(owner: Owner | null): void {
  if (owner !== null) ownerScopes.delete(owner);
}

/**
 * @internal The component scope in effect: the component being set up or rendered, else
 * the one whose owner is current (a callback run later with `runWithOwner`), else null.
 */
export function currentScope(): ContextScope | null {
  if (current !== null) return current;
  const owner = getOwner();
  return owner === null ? null : (ownerScopes.get(owner) ?? null);
}

/** @internal True while a component's setup or render runs (not in handlers or timers). */
export function inComponent(): boolean {
  return current !== null;
}

function requireScope(what: string): ContextScope {
  const scope = currentScope();
  if (scope === null) {
    throw new MountError(MountErrorCode.noComponentScope, `${what} called outside a component`);
  }
  return scope;
}

/**
 * Creates a context; `useContext` returns `defaultValue` where nothing provides it.
 * @example
 * const Theme = createContext<"light" | "dark">("light");
 */
export function createContext<T>(defaultValue: T, name = "context"): Context<T> {
  return { defaultValue, name };
}

/**
 * Provides `value` for `ctx` to the calling component's descendants (call in setup).
 * @example
 * function App() { provide(Theme, "dark"); return () => <Page />; }
 */
export function provide<T>(ctx: Context<T>, value: T): void {
  const scope = requireScope("provide()");
  if (scope.contexts === null) scope.contexts = new Map();
  scope.contexts.set(ctx as Context<unknown>, value);
}

/**
 * The value of `ctx` provided by the nearest enclosing component (the calling component
 * included), else its default. Read it in setup: it is not reactive — provide a signal
 * to share changing state.
 * @example
 * function Page() { const theme = useContext(Theme); return () => <main class={theme} />; }
 */
export function useContext<T>(ctx: Context<T>): T {
  return contextFrom(currentScope(), ctx);
}

/** @internal The value of `ctx` as seen from `scope` (the renderer reads it for elements). */
export function contextFrom<T>(scope: ContextScope | null, ctx: Context<T>): T {
  for (let s = scope; s !== null; s = s.parent) {
    const map = s.contexts;
    if (map?.has(ctx as Context<unknown>)) return map.get(ctx as Context<unknown>) as T;
  }
  return ctx.defaultValue;
}

/**
 * Runs `fn` once, after the mount or flush that created the calling component has
 * completed (its nodes have hids and the patches are built). A returned function runs
 * when the component is disposed.
 * @example
 * function Clock() { const now = signal(Date.now()); onMount(() => { const t = setInterval(() => now.set(Date.now()), 1000); return () => clearInterval(t); }); return () => <time>{now()}</time>; }
 */
export function onMount(fn: MountFn): void {
  const scope = requireScope("onMount()");
  if (scope.mountFns === null) scope.mountFns = [fn];
  else scope.mountFns.push(fn);
}
