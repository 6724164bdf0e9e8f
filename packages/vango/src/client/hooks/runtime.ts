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
 * Starts the runtime (once per window); returns a function that stops it, destroying
 * every mounted hook.
 * @example startHooks(document, { Sortable: "/_vango/chunk/0123456789abcdef.js" });
 */
export function startHooks(doc: Document, manifest: Readonly<Record<string, string>>): () => void {
  const win = doc.defaultView!;
  if (win.__vangoHooks) return () => {};
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

  /** Mounts `el` if it names a hook and is not mounted; calls `updated` when its options changed. */
  const visit = (el: HTMLElement): void => {
    const m = live.get(el);
    if (m === undefined) {
      const name = el.getAttribute(ATTR_HOOK);
      if (name !== null) mount(el, name);
      return;
    }
    const opts = el.getAttribute(ATTR_HOOK_OPTS) ?? "null";
    if (opts !== m.opts) {
      m.opts = opts;
      m.ctx.options = parse(opts);
      guard(m.name, () => m.inst?.updated?.(m.ctx.options));
    }
  };

  /** Visits `root` and every hooked element under it. */
  const visitTree = (root: Element): void => {
    if (root.hasAttribute(ATTR_HOOK)) visit(root as HTMLElement);
    const all = root.querySelectorAll<HTMLElement>(`[${ATTR_HOOK}]`);
    for (let i = 0; i < all.length; i++) visit(all[i]!);
  };

  /** Destroys the hooks whose element left the DOM or now names another hook. */
  const sweep = (): void => {
    for (const [el, m] of live) {
      if (!el.isConnected || el.getAttribute(ATTR_HOOK) !== m.name) destroy(el, m);
    }
  };

  /**
   * Only what the mutations touched is visited: a page that patches a long list often
   * pays for the added subtrees, not for a query over the whole document.
   */
  const onMutations = (records: MutationRecord[]): void => {
    // Leavers first: an element that now names another hook is destroyed, then mounted anew.
    if (
      live.size > 0 &&
      records.some((r) => r.type === "attributes" || r.removedNodes.length > 0)
    ) {
      sweep();
    }
    for (const r of records) {
      if (r.type === "attributes") visit(r.target as HTMLElement);
      else {
        for (let i = 0; i < r.addedNodes.length; i++) {
          const n = r.addedNodes[i]!;
          if (n.nodeType === 1) visitTree(n as Element);
        }
      }
    }
  };

  win.__vangoHooks = {
    define(name, hook) {
      defs.set(name, hook);
      visitTree(doc.documentElement);
    },
  };

  const onCall = (e: Event): void => {
    const d = (e as CustomEvent<{ k?: string; c?: string; p?: unknown } | null>).detail;
    if (d === null || typeof d !== "object") return;
    for (const [el, m] of live) {
      if (el.getAttribute(ATTR_HOOK_KEY) !== d.k) continue;
      const call = m.inst?.calls?.[d.c ?? ""];
      if (call === undefined) console.warn(`vango: hook ${m.name} has no call "${d.c}"`);
      else guard(m.name, () => call(d.p ?? null));
    }
  };
  win.addEventListener(HOOK_CALL_EVENT, onCall);

  const observer = new MutationObserver(onMutations);
  observer.observe(doc.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: [ATTR_HOOK, ATTR_HOOK_OPTS],
  });
  const stopOptimistic = installOptimistic(doc);
  visitTree(doc.documentElement);
  return () => {
    observer.disconnect();
    stopOptimistic();
    win.removeEventListener(HOOK_CALL_EVENT, onCall);
    for (const [el, m] of live) destroy(el, m);
    delete win.__vangoHooks;
  };
}
