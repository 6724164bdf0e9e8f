/**
 * Span names of WebSocket events: `vango.<dom event>` (`vango.click`) and
 * `vango.hook.<name>`. Names are cached so the hot path does not concatenate; they are
 * bounded because an event only reaches middleware when a handler is bound under its
 * name, and the cache is capped anyway.
 */

const PREFIX = "vango.";
const HOOK_PREFIX = "vango.hook.";
const MAX_CACHED = 512;

/**
 * @example
 * const names = new EventSpanNames();
 * names.dom("click");   // "vango.click"
 * names.hook("resize"); // "vango.hook.resize"
 */
export class EventSpanNames {
  readonly #dom = new Map<string, string>();
  readonly #hook = new Map<string, string>();

  dom(eventName: string): string {
    return cached(this.#dom, PREFIX, eventName);
  }

  hook(name: string): string {
    return cached(this.#hook, HOOK_PREFIX, name);
  }
}

function cached(map: Map<string, string>, prefix: string, key: string): string {
  let v = map.get(key);
  if (v === undefined) {
    v = prefix + key;
    if (map.size < MAX_CACHED) map.set(key, v);
  }
  return v;
}

/**
 * Span names an `ignoreEvents` list stands for: `"click"` → `vango.click`,
 * `"hook.resize"` → `vango.hook.resize`; `"hook"` alone means every hook.
 */
export function ignoredSpanNames(list: readonly string[]): {
  readonly names: ReadonlySet<string>;
  readonly allHooks: boolean;
} {
  const names = new Set<string>();
  let allHooks = false;
  for (const e of list) {
    if (e === "hook") allHooks = true;
    else names.add(PREFIX + e);
  }
  return { names, allHooks };
}
