/**
 * `<Toasts>`: shows the browser session's flash messages as toasts (put it in a layout,
 * so a live navigation keeps it mounted). See `flash.ts` for which messages a tab takes.
 */
import { effect, signal } from "../reactive/index.ts";
import { onRelease } from "../reactive/owner.ts";
import { useContext } from "../render/context.ts";
import { PageContext } from "../routing/page-info.ts";
import { SessionContext } from "../server/session/session-context.ts";
import { createVNode } from "../vdom/create-element.ts";
import type { VNode } from "../vdom/vnode.ts";
import { FLASH_TTL_MS, type FlashMessage, holdPending, toastsFlashSignal } from "./flash.ts";

/** No toast shown (the list a page can be parked with). */
const NONE: readonly FlashMessage[] = Object.freeze([]);

/** A message shown this long is off the pending list (it will not show on the next page). */
export const TAKE_MS = 2_000;

export interface ToastsProps {
  /** How long a toast stays, in ms (default 6,000); it can be dismissed sooner. */
  readonly timeoutMs?: number;
}

/**
 * @example
 * export default function Shell(props: { children?: Children }) {
 *   return () => <div><Toasts />{props.children}</div>;
 * }
 */
export function Toasts(props: ToastsProps): () => VNode {
  const session = useContext(SessionContext);
  // Outside a live page (a static render) there is no session to flash to.
  if (session === null) return () => createVNode("div", { class: "vango-toasts" });
  const me = session.id;
  const pending = toastsFlashSignal(session.sid);
  // Messages for this tab come from its own requests: an idle page may be parked (see
  // `Session.park`), and takes the list again when it is built again.
  useContext(PageContext)?.shareSource(pending);
  const shown = signal<readonly FlashMessage[]>(NONE, { transient: true });
  /** Ids this tab has shown (so a dismissed message still pending is not shown again). */
  const seen = new Set<string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const take = (id: string): void => {
    const list = pending.peek();
    if (list.some((m) => m.id === id)) pending.set(list.filter((m) => m.id !== id));
  };
  const dismiss = (id: string): void => {
    const left = shown.peek().filter((m) => m.id !== id);
    // Back to the initial list once empty: a page showing no toast can be parked.
    shown.set(left.length === 0 ? NONE : left);
    take(id);
  };
  effect(() => {
    const now = Date.now();
    const add = pending().filter(
      (m) => (m.by === me || m.by === "") && now - m.at < FLASH_TTL_MS && !seen.has(m.id),
    );
    if (add.length === 0) return;
    shown.set([...shown.peek(), ...add]);
    for (const m of add) {
      seen.add(m.id);
      later(TAKE_MS, () => take(m.id));
      later(props.timeoutMs ?? 6_000, () => dismiss(m.id));
    }
  });
  // Its timers run only while a toast shows, and then the page is not parked (`shown`).
  onRelease(() => {
    for (const t of timers) clearTimeout(t);
    // Messages this tab flashed and has not shown long enough go to the next page (held
    // past this component, which releases the list right after this cleanup).
    if (pending.peek().some((m) => m.by === me)) {
      holdPending(session.sid, (list) => list.map((m) => (m.by === me ? { ...m, by: "" } : m)));
    }
  });
  return () =>
    createVNode("div", {
      class: "vango-toasts",
      role: "status",
      "aria-live": "polite",
      "data-testid": "toasts",
      children: shown().map((m) =>
        createVNode(
          "div",
          {
            class: `vango-toast vango-toast-${m.kind}`,
            "data-testid": "toast",
            children: [
              createVNode("span", { children: m.text }),
              createVNode("button", {
                type: "button",
                "aria-label": "Dismiss",
                onClick: () => dismiss(m.id),
                children: "×",
              }),
            ],
          },
          m.id,
        ),
      ),
    });
}
