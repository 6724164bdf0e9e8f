/**
 * `data-*` attribute names shared by the SSR output and the browser client, and the
 * compact listener spec carried in `data-on`.
 *
 * `data-on` lists the events an element listens to, comma-separated; each entry is the
 * DOM event name followed by `.`-separated modifiers:
 *   p        preventDefault()          s        stopPropagation()
 *   d<ms>    debounce                  t<ms>    throttle
 *   k<keys>  only these `KeyboardEvent.key` values, `|`-separated, each URI-encoded
 * Example: `click.p,input.d300,keydown.kEnter|Escape`.
 */

export const ATTR_HID = "data-hid";
export const ATTR_ON = "data-on";

/** Names the client hook (a built-in's name, or an app chunk's `./path.client.ts`) on an element. */
export const ATTR_HOOK = "data-vh";
/** The hook's options (an island's props) as JSON; a change calls the hook's `updated`. */
export const ATTR_HOOK_OPTS = "data-vh-o";
/** Key of a hook the server calls (`useHook`), unique within the page. */
export const ATTR_HOOK_KEY = "data-vh-k";
/** Declarative optimistic changes (JSON) the hook runtime applies when the element's event fires. */
export const ATTR_OPTIMISTIC = "data-vo";
/**
 * Name of the `Dispatch` patch (on the window) that carries a server-to-hook call; its
 * detail is `{ k: key, c: call name, p: payload }`.
 */
export const HOOK_CALL_EVENT = "vango:hook";
/** Where the on-demand chunks (the hook runtime, built-in hooks, app hooks and islands) are served. */
export const CHUNK_PATH_PREFIX = "/_vango/chunk/";

/** `id` of the container the app renders into (the client's FullResync target). */
export const ROOT_ID = "vango-root";
/** `id` of the `<script type="application/json">` holding the client's boot data. */
export const BOOT_ID = "vango-boot";
/** The page shell's live region: the client announces the new page's title in it. */
export const ANNOUNCE_ID = "vango-announce";
/** `<html>` class while a live navigation waits for its answer (the shell shows a bar). */
export const NAVIGATING_CLASS = "vango-navigating";

export interface ListenerSpec {
  readonly event: string;
  readonly prevent: boolean;
  readonly stop: boolean;
  /** Milliseconds; 0 = off. */
  readonly debounce: number;
  /** Milliseconds; 0 = off. */
  readonly throttle: number;
  /** Allowed `KeyboardEvent.key` values; empty = any key. */
  readonly keys: readonly string[];
}

const EVENT_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

export function encodeListeners(specs: readonly ListenerSpec[]): string {
  let out = "";
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i]!;
    if (i > 0) out += ",";
    out += s.event;
    if (s.prevent) out += ".p";
    if (s.stop) out += ".s";
    if (s.debounce > 0) out += ".d" + Math.floor(s.debounce);
    if (s.throttle > 0) out += ".t" + Math.floor(s.throttle);
    if (s.keys.length > 0) out += ".k" + s.keys.map(encodeURIComponent).join("|");
  }
  return out;
}

/** Parses a `data-on` value; malformed entries are skipped, never thrown on. */
export function decodeListeners(value: string): ListenerSpec[] {
  const out: ListenerSpec[] = [];
  if (value === "") return out;
  for (const entry of value.split(",")) {
    const parts = entry.split(".");
    const event = parts[0]!;
    if (!EVENT_NAME.test(event)) continue;
    let prevent = false;
    let stop = false;
    let debounce = 0;
    let throttle = 0;
    let keys: string[] = [];
    for (let i = 1; i < parts.length; i++) {
      const m = parts[i]!;
      const c = m.charAt(0);
      const rest = m.slice(1);
      if (c === "p") prevent = true;
      else if (c === "s") stop = true;
      else if (c === "d") debounce = toMs(rest);
      else if (c === "t") throttle = toMs(rest);
      else if (c === "k") keys = rest.split("|").map(safeDecode);
    }
    out.push({ event, prevent, stop, debounce, throttle, keys });
  }
  return out;
}

function toMs(s: string): number {
  const n = Number.parseInt(s, 10);
  // NaN fails `n > 0`; an overlong digit run parses to Infinity and is capped.
  return n > 0 ? Math.min(n, 60_000) : 0;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
