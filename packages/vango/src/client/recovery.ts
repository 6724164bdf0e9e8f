/**
 * Form recovery (an on-demand chunk beside the core client): what the user typed survives
 * a full resync — a session rebuilt without its checkpoint, or a new one — and a reload.
 *
 * Recording. A form the user types into is *followed*: its named controls are recorded
 * as the page shows them (by form id or index, name, plus the value for checkboxes and
 * radios), on every `input`/`change` and again whenever the DOM changes — so rows added,
 * removed or renumbered in a form array are recorded as they are now. Unnamed controls
 * are recorded one by one, by hid. The record is mirrored to `sessionStorage` for the
 * current path; a submit forgets its form's fields.
 *
 * Restoring, after a full resync (the core client's `vango:resync` event, sent once it is
 * un-muted) and after a reload (named controls only: hids of a fresh render may name other
 * controls):
 * - recorded values that differ from the page's controls are put back, and each of those
 *   controls gets bubbling `input` and `change` events, so a live form's handlers send
 *   the values to the server;
 * - a form whose controls are not the recorded ones (rows added to or removed from a form
 *   array before the reload) hands its whole record to the server: a `formrecover` event
 *   on the form, whose detail is the `[name, value]` pairs as a submit would send them
 *   (`useForm` adds or drops rows to match, and sets the values);
 * - a form that is not in the page yet (behind an `<Async>` fallback) is restored when it
 *   appears.
 *
 * Never recorded: file, password and hidden inputs, buttons, multiple selects, and
 * controls inside (or on) an element with `data-no-recover`.
 */
import { ATTR_HID, ATTR_NO_RECOVER, RESYNC_EVENT } from "../protocol/dom-attrs.ts";
import { RECOVER_EVENT } from "../protocol/recover-event.ts";

/** Input, textarea or select: they share `value`, `name`, `type` and `form`. */
type Control = HTMLInputElement;
/** A form's id, else its index in `document.forms`; "" for controls outside any form. */
type FormKey = string | number;

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
  /** `["<form>","<name>"(,"<value>")]` (JSON) or `#<hid>` → the value or checked state. */
  let map: Record<string, string | boolean> = {};
  /** Keys handed to the server for controls the page lacked, kept until the controls show. */
  const pending = new Set<string>();
  /** Forms whose record follows the DOM. */
  const followed = new Set<HTMLFormElement>();
  /** Forms with recorded fields that were not in the page when it was restored. */
  const late = new Set<FormKey>();
  try {
    const saved = JSON.parse(sessionStorage.getItem(RECOVERY_STORE_KEY) ?? "null");
    if (saved && typeof saved.p === "string" && saved.m && typeof saved.m === "object") {
      path = saved.p;
      map = saved.m;
    }
  } catch {
    // Storage blocked or garbled: recovery after a resync still works from memory.
  }

  const formKey = (form: HTMLFormElement | null): FormKey =>
    form === null ? "" : form.id || Array.prototype.indexOf.call(doc.forms, form);

  const formOf = (f: FormKey): HTMLFormElement | null => {
    const el = typeof f === "number" ? doc.forms[f] : f === "" ? null : doc.getElementById(f);
    return el?.tagName === "FORM" ? (el as HTMLFormElement) : null;
  };

  /** The control's key in the map, "" when it is not recorded. */
  const keyOf = (el: Control): string => {
    const type = el.type;
    if (!CONTROL.test(el.tagName) || SKIP.test(type) || el.closest(`[${ATTR_NO_RECOVER}]`)) {
      return "";
    }
    if (el.name) {
      const k: FormKey[] = [formKey(el.form), el.name];
      if (CHECKABLE.test(type)) k.push(el.value);
      return JSON.stringify(k);
    }
    const hid = el.getAttribute(ATTR_HID);
    return hid === null ? "" : `#${hid}`;
  };

  /** Keys of `form`'s named controls start with this. */
  const prefixOf = (form: HTMLFormElement): string =>
    `${JSON.stringify([formKey(form)]).slice(0, -1)},`;

  /** Records `form`'s named controls as the page shows them now. */
  const snap = (form: HTMLFormElement): void => {
    const prefix = prefixOf(form);
    for (const k in map) if (k.startsWith(prefix) && !pending.has(k)) delete map[k];
    for (const c of form.elements) {
      const el = c as Control;
      const k = keyOf(el);
      if (k[0] !== "[") continue;
      map[k] = CHECKABLE.test(el.type) ? el.checked : el.value;
      pending.delete(k);
    }
  };

  const save = (): void => {
    try {
      sessionStorage.setItem(RECOVERY_STORE_KEY, JSON.stringify({ p: path, m: map }));
    } catch {
      // Blocked or full: the in-memory record still serves resyncs.
    }
  };

  /** A new path (a live navigation) starts a new record. */
  const here = (): void => {
    if (path === loc.pathname) return;
    path = loc.pathname;
    map = {};
    pending.clear();
    late.clear();
  };

  const record = (e: Event): void => {
    const el = e.target as Control;
    if (el.nodeType !== 1) return;
    here();
    if (e.type === "submit") {
      if (el.tagName !== "FORM") return;
      const form = el as unknown as HTMLFormElement;
      followed.delete(form);
      const prefix = prefixOf(form);
      for (const k in map) {
        if (k.startsWith(prefix)) {
          delete map[k];
          pending.delete(k);
        }
      }
      for (const c of form.elements) delete map[keyOf(c as Control)];
    } else {
      const k = keyOf(el);
      if (k === "") return;
      const form = el.form;
      if (k[0] === "[" && form !== null) {
        followed.add(form);
        snap(form);
      } else map[k] = CHECKABLE.test(el.type) ? el.checked : el.value;
    }
    save();
  };

  const restore = (boot?: boolean, only?: ReadonlySet<FormKey>): void => {
    if (path !== loc.pathname) return;
    /** Recorded named fields by form, in the order recorded (the form's order). */
    const recorded = new Map<FormKey, [key: string, name: string, value: string | undefined][]>();
    for (const k in map) {
      if (k[0] !== "[") continue;
      const [f, name, value] = JSON.parse(k) as [FormKey, string, string?];
      if (f === "" || (only !== undefined && !only.has(f))) continue;
      const fields = recorded.get(f);
      if (fields === undefined) recorded.set(f, [[k, name, value]]);
      else fields.push([k, name, value]);
    }
    /** Forms whose controls are not the recorded ones (rows added or removed). */
    const reshaped = new Set<FormKey>();
    const present = new Set<string>();
    const changed: Control[] = [];
    for (const el of doc.querySelectorAll<Control>("input,textarea,select")) {
      const k = keyOf(el);
      if (k === "") continue;
      present.add(k);
      const f = k[0] === "[" ? formKey(el.form) : "";
      if (only !== undefined && !only.has(f)) continue;
      const v = map[k];
      if (v === undefined) {
        if (recorded.has(f)) reshaped.add(f);
        continue;
      }
      if (boot && k[0] === "#") continue;
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
    // A form that is not in the page yet is restored when it shows.
    const forms = new Map<HTMLFormElement, [string, string][]>();
    for (const [f, fields] of recorded) {
      const form = formOf(f);
      if (form === null) {
        late.add(f);
        continue;
      }
      for (const [k] of fields) {
        if (present.has(k)) continue;
        reshaped.add(f);
        pending.add(k);
      }
      if (!reshaped.has(f)) continue;
      // The server gets the form's whole record: its arrays take the recorded rows.
      const pairs: [string, string][] = [];
      for (const [k, name, value] of fields) {
        const v = map[k]!;
        if (v !== false) pairs.push([name, value ?? String(v)]);
      }
      forms.set(form, pairs);
    }
    for (const el of changed) {
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }
    for (const [form, pairs] of forms) {
      followed.add(form);
      form.dispatchEvent(new CustomEvent(RECOVER_EVENT, { bubbles: true, detail: pairs }));
    }
  };

  const observer = new MutationObserver((records) => {
    here();
    if (late.size > 0) {
      const shown = new Set<FormKey>();
      for (const f of late) if (formOf(f) !== null) shown.add(f);
      for (const f of shown) late.delete(f);
      if (shown.size > 0) restore(true, shown);
    }
    if (followed.size === 0) return;
    let saving = false;
    for (const f of followed) {
      if (!f.isConnected) followed.delete(f);
      else if (records.some((r) => f.contains(r.target))) {
        snap(f);
        saving = true;
      }
    }
    if (saving) save();
  });
  observer.observe(doc.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["name"],
  });

  const resynced = (): void => restore();
  const types = ["input", "change", "submit"] as const;
  for (const t of types) doc.addEventListener(t, record, true);
  doc.addEventListener(RESYNC_EVENT, resynced);
  return {
    restore,
    dispose() {
      observer.disconnect();
      for (const t of types) doc.removeEventListener(t, record, true);
      doc.removeEventListener(RESYNC_EVENT, resynced);
    },
  };
}
