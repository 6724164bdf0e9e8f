/**
 * Client hooks from the server's side: `hook(name, options)` gives the attributes that
 * put a hook on an element (spread them on it), `useHook(name)` does the same and lets
 * handlers call the mounted hook. The hook's code runs in the browser, loaded on demand
 * (`docs/hooks.md`): a built-in by name (`Sortable`, `Tooltip`, `Popover`, `Dialog`,
 * `Dropdown`, `Combobox`, `Accordion`) or one of the app's modules by path (`./chart.client.ts`,
 * relative to the app's `clientDir`). Events a hook pushes reach the element's
 * `on<Name>` handler.
 */
import {
  ATTR_HOOK,
  ATTR_HOOK_KEY,
  ATTR_HOOK_OPTS,
  HOOK_CALL_EVENT,
} from "../protocol/dom-attrs.ts";
import type { JsonValue } from "../protocol/patch.ts";
import { useContext } from "../render/context.ts";
import { PageContext } from "../routing/page-info.ts";
import { HookError, HookErrorCode } from "./hook-error.ts";

/** The attributes that put a hook on an element. */
export interface HookAttrs {
  readonly "data-vh": string;
  readonly "data-vh-o"?: string;
  readonly "data-vh-k"?: string;
}

/** A built-in's name, or an app module's path from `clientDir`. */
const NAME = /^(?:[A-Z][A-Za-z0-9]{0,63}|\.\/[\w./-]{1,200}\.client\.(?:ts|tsx|js|mjs|jsx))$/;

/** `JSON.stringify(value)`, or a coded error naming `what`. */
export function toJsonText(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new HookError(HookErrorCode.invalidValue, `${what} is not JSON: ${err}`, { cause: err });
  }
  if (text === undefined) throw new HookError(HookErrorCode.invalidValue, `${what} is not JSON`);
  return text;
}

function checkName(name: string): void {
  if (typeof name !== "string" || !NAME.test(name) || name.includes("..")) {
    throw new HookError(
      HookErrorCode.invalidName,
      `hook name ${JSON.stringify(name)}: a built-in's name or "./path.client.ts"`,
    );
  }
}

/**
 * The attributes that mount hook `name` on an element, with `options` (JSON) for it; new
 * options on a re-render reach the hook's `updated`.
 * @example
 * <ul {...hook("Sortable", { label: "Tasks" })} onReorder={(e) => move(e.detail.from, e.detail.to)}>…</ul>
 */
export function hook(name: string, options?: unknown): HookAttrs {
  checkName(name);
  return options === undefined
    ? { [ATTR_HOOK]: name }
    : { [ATTR_HOOK]: name, [ATTR_HOOK_OPTS]: toJsonText(options, `options of hook ${name}`) };
}

/** A hook the server can call: render its attributes, then `call` it from handlers. */
export interface HookRef<O = unknown> {
  /** The element's attributes, with `options`. */
  (options?: O): HookAttrs;
  /** Key that ties the calls to the element (`data-vh-k`). */
  readonly key: string;
  /**
   * Calls the mounted hook's `calls[name](payload)` in the browser, with the next frame
   * (nothing happens where the hook is not mounted).
   */
  call(name: string, payload?: JsonValue): void;
}

/**
 * A hook whose handlers can call it. Call in a page's component setup.
 * @example
 * const chart = useHook<{ points: number[] }>("./chart.client.ts");
 * return () => (
 *   <div>
 *     <div {...chart({ points: points() })} />
 *     <button onClick={() => chart.call("zoom", 2)}>Zoom</button>
 *   </div>
 * );
 */
export function useHook<O = unknown>(name: string): HookRef<O> {
  checkName(name);
  const page = useContext(PageContext);
  if (page === null) throw new HookError(HookErrorCode.outsidePage, "useHook() outside a page");
  const key = `h${++page.hookKeys}`;
  const ref = ((options?: O) => ({ ...hook(name, options), [ATTR_HOOK_KEY]: key })) as HookRef<O>;
  Object.defineProperty(ref, "key", { value: key });
  ref.call = (call, payload) => {
    toJsonText(payload ?? null, `payload of call ${call}`);
    page.dispatch(HOOK_CALL_EVENT, { k: key, c: call, p: payload ?? null });
  };
  return ref;
}
