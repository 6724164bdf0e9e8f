/**
 * Form recovery (an on-demand chunk beside the core client): what the user typed survives
 * a full resync — a session rebuilt without its checkpoint, or a new one — and a reload.
 *
 * Every `input`/`change` of a control records its value: named controls by form and name
 * (`<form id or index> <name>`, plus the value for checkboxes and radios), unnamed ones by
 * hid. The record is mirrored to `sessionStorage` for the current path; a submit forgets
 * its form's fields. After a full resync (the core client's `vango:resync` event, sent
 * once it is un-muted) recorded values that differ from the rebuilt controls are put
 * back; after a reload, the named ones (hids of a fresh render may name other controls).
 * Each restored control then gets bubbling `input` and `change` events, so a live form's
 * handlers send the values to the server.
 *
 * Never recorded: file, password and hidden inputs, buttons, multiple selects, and
 * controls inside (or on) an element with `data-no-recover`.
 */
import { ATTR_HID, ATTR_NO_RECOVER, RESYNC_EVENT } from "../protocol/dom-attrs.ts";

/** Input, textarea or select: they share `value`, `name`, `type` and `form`. */
type Control = HTMLInputElement;

/** `sessionStorage` key of `{ p: path, m: { key: value } }`. */
export const RECOVERY_STORE_KEY = "vango:form";

const CONTROL = /^(INPUT|TEXTAREA|SELECT)$/;
const SKIP = /^(file|password|hidden|submit|button|reset|image|select-multiple)$/;
const CHECKABLE = /^(checkbox|radio)$/;

export interface Recovery {
  /** Puts recorded values back into the controls that differ; `boot`: named controls only. */
  restore(boot?: boolean): void;
  /** Stops recording (removes the listeners). */
  dispose(): void;
}

/**
 * Starts recording, and restores after every full resync.
 * @example
 * createRecovery(document).restore(true); // at page load: what was typed before a reload
 */
export function createRecovery(doc: Document): Recovery {
  const loc = doc.defaultView!.location;
  let path = loc.pathname;
  let map: Record<string, string | boolean> = {};
  try {
    const saved = JSON.parse(sessionStorage.getItem(RECOVERY_STORE_KEY) ?? "null");
    if (saved && typeof saved.p === "string" && saved.m && typeof saved.m === "object") {
      path = saved.p;
      map = saved.m;
    }
  } catch {
    // Storage blocked or garbled: recovery after a resync still works from memory.
  }

  /** The control's key in the map, "" when it is not recorded. */
  const keyOf = (el: Control): string => {
    const type = el.type;
    if (!CONTROL.test(el.tagName) || SKIP.test(type) || el.closest(`[${ATTR_NO_RECOVER}]`)) {
      return "";
    }
    if (el.name) {
      const form = el.form;
      const f = form === null ? "" : form.id || Array.prototype.indexOf.call(doc.forms, form);
      return `${f} ${el.name}${CHECKABLE.test(type) ? ` ${el.value}` : ""}`;
    }
    const hid = el.getAttribute(ATTR_HID);
    return hid === null ? "" : `#${hid}`;
  };

  const save = (): void => {
    try {
      sessionStorage.setItem(RECOVERY_STORE_KEY, JSON.stringify({ p: path, m: map }));
    } catch {
      // Blocked or full: the in-memory record still serves resyncs.
    }
  };

  const record = (e: Event): void => {
    const el = e.target as Control;
    if (el.nodeType !== 1) return;
    if (path !== loc.pathname) {
      path = loc.pathname;
      map = {};
    }
    if (e.type === "submit") {
      if (el.tagName !== "FORM") return;
      for (const c of (el as unknown as HTMLFormElement).elements) delete map[keyOf(c as Control)];
    } else {
      const k = keyOf(el);
      if (k === "") return;
      map[k] = CHECKABLE.test(el.type) ? el.checked : el.value;
    }
    save();
  };

  const restore = (boot?: boolean): void => {
    if (path !== loc.pathname) return;
    const changed: Control[] = [];
    for (const el of doc.querySelectorAll<Control>("input,textarea,select")) {
      const k = keyOf(el);
      const v = map[k];
      if (v === undefined || (boot && k[0] === "#")) continue;
      if (typeof v === "boolean") {
        if (el.checked === v) continue;
        el.checked = v;
        // An unchecked radio says nothing: the one checked in its group tells the server.
        if (el.type === "radio" && !v) continue;
      } else {
        if (el.value === v) continue;
        el.value = v;
      }
      changed.push(el);
    }
    for (const el of changed) {
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };

  const resynced = (): void => restore();
  const types = ["input", "change", "submit"] as const;
  for (const t of types) doc.addEventListener(t, record, true);
  doc.addEventListener(RESYNC_EVENT, resynced);
  return {
    restore,
    dispose() {
      for (const t of types) doc.removeEventListener(t, record, true);
      doc.removeEventListener(RESYNC_EVENT, resynced);
    },
  };
}
