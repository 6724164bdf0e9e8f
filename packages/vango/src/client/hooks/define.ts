/**
 * What a client hook (or an island) is, for the people who write one. A hook is a
 * function the runtime calls when an element naming it is mounted; what it returns
 * receives the rest of the element's life: `updated` when the server changes the
 * options, `destroyed` when the element leaves the DOM, and `calls` the server makes
 * with `useHook(...).call(name, payload)`. The shape of a Svelte action, named after
 * LiveView's lifecycle.
 */

/** What a hook gets when its element is mounted. */
export interface HookContext<O = unknown> {
  /** The element the hook is on. */
  readonly el: HTMLElement;
  /** The options as the server rendered them (an island's props); `updated` gets new ones. */
  readonly options: O;
  /**
   * Sends event `name` to the server: the element's `on<Name>` handler receives a
   * `CustomEventPayload` whose `detail` is `payload` (JSON-cloned). The element needs
   * that handler (it gives the element its hid).
   */
  pushEvent(name: string, payload?: unknown): void;
}

/** The rest of a mounted hook's life. */
export interface HookInstance<O = unknown> {
  /** The server rendered other options (other island props); `ctx.options` already holds them. */
  updated?(options: O): void;
  /** The element left the DOM (or now names another hook). */
  destroyed?(): void;
  /** Calls the server makes with `useHook(...).call(name, payload)`. */
  // biome-ignore lint/suspicious/noExplicitAny: each call's payload is whatever the server sends
  calls?: Readonly<Record<string, (payload: any) => void>>;
}

/** A hook: runs when its element is mounted. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that only acts on mount is a function returning nothing (void)
export type Hook<O = unknown> = (ctx: HookContext<O>) => HookInstance<O> | undefined | void;

/**
 * Types a hook module's default export.
 * @example
 * export default defineHook<{ text: string }>((ctx) => {
 *   ctx.el.title = ctx.options.text;
 *   return { updated: (o) => { ctx.el.title = o.text; } };
 * });
 */
export function defineHook<O = unknown>(hook: Hook<O>): Hook<O> {
  return hook;
}

/** The registry the runtime installs as `window.__vangoHooks`; every hook chunk calls `define`. */
export interface HookRegistry {
  define(name: string, hook: Hook): void;
}
