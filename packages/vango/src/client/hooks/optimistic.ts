/**
 * Optimistic updates, part of the hook runtime chunk. An element rendered with
 * `optimistic({...})` carries its predicted changes in `data-vo`:
 * `{ "e": "click", "c": { "starred": true }, "a": { "aria-pressed": "true" }, "t": "Saving…" }`
 * (event, classes on/off, attributes — `null` removes —, text). When that event fires
 * on it, the changes apply at once, before the event even leaves. The server owes an
 * answer to such an event (an empty Patches frame when nothing changed): once the
 * client has seen the server process it, every change the server's patches did not
 * write over is reverted — the server disagreed. A `vango:error` reverts at once; so
 * does no answer within {@link ANSWER_MS}.
 */
import { ATTR_OPTIMISTIC } from "../../protocol/dom-attrs.ts";

/** Without an answer by then (offline, a lost socket), the prediction is withdrawn. */
export const ANSWER_MS = 10_000;

interface Spec {
  readonly e?: string;
  readonly c?: Readonly<Record<string, boolean>>;
  readonly a?: Readonly<Record<string, string | null>>;
  readonly t?: string;
}

/** One applied prediction, and how to take each part of it back. */
interface Applied {
  readonly el: Element;
  /** cseq the client had sent before this event: an answer is any processed cseq above. */
  readonly after: number;
  readonly at: number;
  /** Attribute name (or "" for the text) → undo. */
  readonly undo: Map<string, () => void>;
  readonly watch: MutationObserver;
}

const specOf = (el: Element): Spec | null => {
  try {
    return JSON.parse(el.getAttribute(ATTR_OPTIMISTIC)!);
  } catch {
    return null;
  }
};

/** The element's first non-blank text node (the label a text prediction replaces). */
const textNode = (el: Element): Text | null => {
  const w = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) if (n.nodeValue!.trim() !== "") return n as Text;
  return null;
};

/**
 * Starts applying optimistic changes; returns a function that stops (pending
 * predictions are reverted).
 * @example const stop = installOptimistic(document);
 */
export function installOptimistic(doc: Document): () => void {
  const win = doc.defaultView!;
  const bound = new Set<string>();
  const pending: Applied[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;

  const settle = (p: Applied, revert: boolean): void => {
    // Mutations still queued for this element are the server's: they win.
    for (const r of p.watch.takeRecords())
      p.undo.delete(r.type === "attributes" ? r.attributeName! : "");
    p.watch.disconnect();
    if (revert) for (const undo of p.undo.values()) undo();
  };

  const check = (): void => {
    const c = win.__vango;
    const now = Date.now();
    for (let i = pending.length - 1; i >= 0; i--) {
      const p = pending[i]!;
      const answered = c !== undefined && c.handled > p.after;
      if (answered || now - p.at > ANSWER_MS) {
        pending.splice(i, 1);
        settle(p, true);
      }
    }
    if (pending.length === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const apply = (el: Element, spec: Spec): void => {
    const undo = new Map<string, () => void>();
    if (spec.c !== undefined) {
      const before = el.getAttribute("class");
      for (const [name, on] of Object.entries(spec.c)) el.classList.toggle(name, on);
      undo.set("class", () =>
        before === null ? el.removeAttribute("class") : el.setAttribute("class", before),
      );
    }
    for (const [name, value] of Object.entries(spec.a ?? {})) {
      if (/^on/i.test(name)) continue;
      const before = el.getAttribute(name);
      if (value === null) el.removeAttribute(name);
      else el.setAttribute(name, value);
      undo.set(name, () =>
        before === null ? el.removeAttribute(name) : el.setAttribute(name, before),
      );
    }
    const text = spec.t === undefined ? null : textNode(el);
    if (text !== null) {
      const before = text.data;
      text.data = spec.t!;
      undo.set("", () => {
        text.data = before;
      });
    }
    const watch = new MutationObserver((records) => {
      for (const r of records) undo.delete(r.type === "attributes" ? r.attributeName! : "");
    });
    watch.observe(el, { attributes: true, childList: true, characterData: true, subtree: true });
    pending.push({ el, after: win.__vango?.cseq ?? 0, at: Date.now(), undo, watch });
    timer ??= setInterval(check, 30);
  };

  // Capture phase on the document: the prediction shows before the core client (which
  // listens in the bubble phase) sends the event.
  const onEvent = (e: Event): void => {
    for (let el = e.target as Element | null; el; el = el.parentElement) {
      if (el.nodeType !== 1 || !el.hasAttribute(ATTR_OPTIMISTIC)) continue;
      const spec = specOf(el);
      if (spec !== null && (spec.e ?? "click") === e.type) apply(el, spec);
      return;
    }
  };

  const bind = (el: Element): void => {
    const type = specOf(el)?.e ?? "click";
    if (!bound.has(type)) {
      bound.add(type);
      doc.addEventListener(type, onEvent, true);
    }
  };
  /** Binds the events of `root` and every optimistic element under it. */
  const bindTree = (root: Element): void => {
    if (root.hasAttribute(ATTR_OPTIMISTIC)) bind(root);
    const all = root.querySelectorAll(`[${ATTR_OPTIMISTIC}]`);
    for (let i = 0; i < all.length; i++) bind(all[i]!);
  };

  const revertAll = (): void => {
    for (const p of pending.splice(0)) settle(p, true);
  };
  doc.addEventListener("vango:error", revertAll);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes") {
        if ((r.target as Element).hasAttribute(ATTR_OPTIMISTIC)) bind(r.target as Element);
        continue;
      }
      for (let i = 0; i < r.addedNodes.length; i++) {
        const n = r.addedNodes[i]!;
        if (n.nodeType === 1) bindTree(n as Element);
      }
    }
  });
  observer.observe(doc.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: [ATTR_OPTIMISTIC],
  });
  bindTree(doc.documentElement);
  return () => {
    observer.disconnect();
    doc.removeEventListener("vango:error", revertAll);
    for (const type of bound) doc.removeEventListener(type, onEvent, true);
    revertAll();
    clearInterval(timer);
  };
}
