/**
 * The hook runtime: an on-demand chunk the core client injects once an element naming a
 * hook (`data-vh`) or optimistic changes (`data-vo`) reaches the DOM. It finds hooked
 * elements by watching the DOM (a MutationObserver), so the core needs no callback into
 * it: an element that appears is mounted — its hook's chunk injected the first time the
 * name is seen —, a changed `data-vh-o` calls `updated`, an element that leaves (or
 * names another hook) is destroyed. Server-to-hook calls arrive as `Dispatch` patches
 * on the window (`vango:hook`, detail `{ k, c, p }`) and go to the hook whose
 * `data-vh-k` is `k`.
 */
import {
  ATTR_HID,
  ATTR_HOOK,
  ATTR_HOOK_KEY,
  ATTR_HOOK_OPTS,
  HOOK_CALL_EVENT,
} from "../../protocol/dom-attrs.ts";
import type { VangoClient } from "../client.ts";
import type { Hook, HookContext, HookInstance, HookRegistry } from "./define.ts";
import { installOptimistic } from "./optimistic.ts";

declare global {
  interface Window {
    __vangoHooks?: HookRegistry;
  }
}

interface Mounted {
  readonly name: string;
  opts: string;
  readonly ctx: { el: HTMLElement; options: unknown; pushEvent: HookContext["pushEvent"] };
  inst: HookInstance | undefined;
}

const parse = (json: string | null): unknown => {
  try {
    return json === null ? null : JSON.parse(json);
  } catch {
    return null;
  }
};

/** Runs `f`, reporting what it throws without stopping the other hooks. */
const guard = (name: string, f: () => void): void => {
  try {
    f();
  } catch (err) {
    console.error(`vango: hook ${name} failed`, err);
  }
};

/**
 * @example startHooks(document, { Sortable: "/_vango/chunk/0123456789abcdef.js" });
 */
export function startHooks(doc: Document, manifest: Readonly<Record<string, string>>): void {
  const win = doc.defaultView!;
  if (win.__vangoHooks) return;
  const defs = new Map<string, Hook>();
  const requested = new Set<string>();
  const live = new Map<HTMLElement, Mounted>();

  const client = (): VangoClient | undefined => win.__vango;

  const load = (name: string): void => {
    if (requested.has(name)) return;
    requested.add(name);
    const url = manifest[name];
    if (url === undefined) {
      console.error(`vango: no client hook or island named "${name}"`);
      return;
    }
    const s = doc.createElement("script");
    s.src = url;
    doc.head.append(s);
  };

  const mount = (el: HTMLElement, name: string): void => {
    const hook = defs.get(name);
    if (hook === undefined) {
      load(name);
      return;
    }
    const opts = el.getAttribute(ATTR_HOOK_OPTS) ?? "null";
    const ctx: Mounted["ctx"] = {
      el,
      options: parse(opts),
      pushEvent(event, payload) {
        const hid = el.getAttribute(ATTR_HID);
        if (hid === null)
          console.warn(`vango: hook ${name} pushed "${event}" from an element without handlers`);
        else client()?.hook(+hid, event, payload ?? null);
      },
    };
    const m: Mounted = { name, opts, ctx, inst: undefined };
    live.set(el, m);
    guard(name, () => {
      m.inst = hook(ctx) ?? undefined;
    });
  };

  const destroy = (el: HTMLElement, m: Mounted): void => {
    live.delete(el);
    guard(m.name, () => m.inst?.destroyed?.());
  };

  /** Brings the mounted set in line with the DOM. */
  const scan = (): void => {
    for (const [el, m] of live) {
      if (!el.isConnected || el.getAttribute(ATTR_HOOK) !== m.name) destroy(el, m);
    }
    const all = doc.querySelectorAll<HTMLElement>(`[${ATTR_HOOK}]`);
    for (let i = 0; i < all.length; i++) {
      const el = all[i]!;
      const m = live.get(el);
      if (m === undefined) {
        mount(el, el.getAttribute(ATTR_HOOK)!);
        continue;
      }
      const opts = el.getAttribute(ATTR_HOOK_OPTS) ?? "null";
      if (opts !== m.opts) {
        m.opts = opts;
        m.ctx.options = parse(opts);
        guard(m.name, () => m.inst?.updated?.(m.ctx.options));
      }
    }
  };

  win.__vangoHooks = {
    define(name, hook) {
      defs.set(name, hook);
      scan();
    },
  };

  win.addEventListener(HOOK_CALL_EVENT, (e) => {
    const d = (e as CustomEvent<{ k?: string; c?: string; p?: unknown } | null>).detail;
    if (d === null || typeof d !== "object") return;
    for (const [el, m] of live) {
      if (el.getAttribute(ATTR_HOOK_KEY) !== d.k) continue;
      const call = m.inst?.calls?.[d.c ?? ""];
      if (call === undefined) console.warn(`vango: hook ${m.name} has no call "${d.c}"`);
      else guard(m.name, () => call(d.p ?? null));
    }
  });

  new MutationObserver(scan).observe(doc.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: [ATTR_HOOK, ATTR_HOOK_OPTS],
  });
  installOptimistic(doc);
  scan();
}
