// @vitest-environment happy-dom
/**
 * Form recovery: what was typed comes back after a full resync and after a reload — into
 * the controls the page has, and to the server (`formrecover`) for those it lacks.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRecovery, type Recovery } from "../../src/client/recovery.ts";
import { EventType, FrameType } from "../../src/protocol/constants.ts";
import { RESYNC_EVENT, ROOT_ID } from "../../src/protocol/dom-attrs.ts";
import { NodeKind, type WireNode } from "../../src/protocol/patch.ts";
import { RECOVER_EVENT } from "../../src/protocol/recover-event.ts";
import { connected, useClientHarness } from "./client-harness.ts";
import { byHid, mountRoot } from "./fixtures.ts";

const STORE_KEY = "vango:form";
const FORM =
  '<form data-hid="2" id="f">' +
  '<input data-hid="3" name="title" value="">' +
  '<input data-hid="4" name="done" type="checkbox">' +
  '<input data-hid="5" name="size" type="radio" value="s" checked>' +
  '<input data-hid="6" name="size" type="radio" value="l">' +
  '<input data-hid="7" name="secret" type="password">' +
  '<input data-hid="8" name="_csrf" type="hidden" value="c">' +
  '<textarea data-hid="9" name="notes" data-no-recover></textarea>' +
  '<select data-hid="10" name="pick"><option value="a">A</option><option value="b">B</option></select>' +
  '<input data-hid="12" name="photo" type="file">' +
  "</form>" +
  '<input data-hid="11">';

const input = (hid: number) => byHid(hid) as HTMLInputElement;

/** The map key of a named control: form, name (and value, for checkboxes and radios). */
const key = (...parts: string[]) => JSON.stringify(parts);

/** The record of FORM as it renders, untouched. */
const UNTOUCHED = {
  [key("f", "title")]: "",
  [key("f", "done", "on")]: false,
  [key("f", "size", "s")]: true,
  [key("f", "size", "l")]: false,
  [key("f", "pick")]: "a",
};

const stored = () => JSON.parse(sessionStorage.getItem(STORE_KEY)!);

/** Lets the recovery's MutationObserver see what the test changed. */
const observed = () => new Promise<void>((r) => setTimeout(r, 0));

/** Sets a control as a user would, firing its `input` and `change` events. */
function type(hid: number, value: string | boolean): void {
  const el = input(hid);
  if (typeof value === "boolean") el.checked = value;
  else el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

/** Records every input/change event that reaches the document, as `hid:value`. */
function watchEvents(): string[] {
  const seen: string[] = [];
  for (const t of ["input", "change"]) {
    document.addEventListener(t, (e) => {
      const el = e.target as HTMLInputElement;
      seen.push(
        `${t} ${el.getAttribute("data-hid")}:${el.type === "checkbox" || el.type === "radio" ? el.checked : el.value}`,
      );
    });
  }
  return seen;
}

describe("recording and reload", () => {
  let rec: Recovery | undefined;
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, "", "/todos");
    mountRoot(FORM);
  });
  afterEach(() => rec?.dispose());

  it("keeps the typed-in form's named controls by form and name, never files, passwords, hidden or opted-out ones", () => {
    rec = createRecovery(document);
    type(3, "milk");
    type(4, true);
    type(6, true);
    type(7, "hunter2");
    type(9, "private");
    (byHid(10) as HTMLSelectElement).value = "b";
    byHid(10).dispatchEvent(new Event("change", { bubbles: true }));
    // A file chosen: its change event reaches the recovery like any other.
    byHid(12).dispatchEvent(new Event("input", { bubbles: true }));
    byHid(12).dispatchEvent(new Event("change", { bubbles: true }));
    type(11, "unnamed");
    expect(stored()).toEqual({
      p: "/todos",
      m: {
        [key("f", "title")]: "milk",
        [key("f", "done", "on")]: true,
        [key("f", "size", "s")]: false,
        [key("f", "size", "l")]: true,
        [key("f", "pick")]: "b",
        "#11": "unnamed",
      },
    });
    expect(JSON.stringify(stored())).not.toMatch(/photo|secret|notes|_csrf|hunter2|private/);
  });

  it("after a reload restores the named controls that differ and fires their events", () => {
    rec = createRecovery(document);
    type(3, "milk");
    type(4, true);
    type(6, true);
    type(11, "unnamed");
    rec.dispose();
    mountRoot(FORM); // the reloaded page, as the server renders it
    const seen = watchEvents();
    rec = createRecovery(document);
    rec.restore(true);
    expect([input(3).value, input(4).checked, input(5).checked, input(6).checked]).toEqual([
      "milk",
      true,
      false,
      true,
    ]);
    // Hids of a fresh render may name other controls: unnamed ones wait for a resync.
    expect(input(11).value).toBe("");
    expect(seen).toEqual([
      "input 3:milk",
      "change 3:milk",
      "input 4:true",
      "change 4:true",
      "input 6:true",
      "change 6:true",
    ]);
  });

  it("a submit forgets its form's fields", () => {
    rec = createRecovery(document);
    type(3, "milk");
    type(11, "unnamed");
    byHid(2).dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    expect(stored().m).toEqual({ "#11": "unnamed" });
  });

  it("restores nothing on another path, and a new path starts a new record", () => {
    rec = createRecovery(document);
    type(3, "milk");
    rec.dispose();
    history.replaceState(null, "", "/other");
    mountRoot(FORM);
    rec = createRecovery(document);
    rec.restore(true);
    expect(input(3).value).toBe("");
    type(3, "tea");
    expect(stored()).toEqual({ p: "/other", m: { ...UNTOUCHED, [key("f", "title")]: "tea" } });
  });

  it("garbled storage is ignored", () => {
    sessionStorage.setItem(STORE_KEY, "{not json");
    rec = createRecovery(document);
    rec.restore(true);
    type(3, "milk");
    expect(stored().m).toEqual({ ...UNTOUCHED, [key("f", "title")]: "milk" });
  });
});

/** A live form with an array of rows (`useForm` renders these names). */
const rows = (titles: string[]) =>
  '<form data-hid="2" id="edit" data-on="submit,formrecover"><ol data-hid="3">' +
  titles
    .map((t, i) => `<li><input data-hid="${10 + i}" name="tasks[${i}].title" value="${t}"></li>`)
    .join("") +
  '</ol><input data-hid="4" name="title" value="Trip"></form>';

/** Appends a row as the server's patch would. */
const addRow = (hid: number, index: number, value = "") =>
  byHid(3).insertAdjacentHTML(
    "beforeend",
    `<li><input data-hid="${hid}" name="tasks[${index}].title" value="${value}"></li>`,
  );

/** The `formrecover` events that reach the document: the form's id and the detail. */
function watchRecover(): [string, unknown][] {
  const seen: [string, unknown][] = [];
  document.addEventListener(RECOVER_EVENT, (e) => {
    seen.push([(e.target as HTMLFormElement).id, (e as CustomEvent).detail]);
  });
  return seen;
}

describe("form arrays", () => {
  let rec: Recovery | undefined;
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, "", "/todos/1");
  });
  afterEach(() => rec?.dispose());

  it("rows added before a reload go to the server with the form's record; kept until shown", async () => {
    mountRoot(rows(["a"]));
    rec = createRecovery(document);
    addRow(11, 1);
    await observed();
    type(11, "b");
    rec.dispose();
    mountRoot(rows(["a"])); // reloaded: the server's page has its one row
    const seen = watchRecover();
    rec = createRecovery(document);
    rec.restore(true);
    expect(seen).toEqual([
      [
        "edit",
        [
          ["tasks[0].title", "a"],
          ["tasks[1].title", "b"],
          ["title", "Trip"],
        ],
      ],
    ]);
    // Typing on before the server answers keeps the row that is on its way.
    type(4, "Trip!");
    await observed();
    expect(stored().m[key("edit", "tasks[1].title")]).toBe("b");
    // The server adds it; from then on the record follows the page again.
    addRow(20, 1, "b");
    await observed();
    expect(stored().m).toEqual({
      [key("edit", "tasks[0].title")]: "a",
      [key("edit", "tasks[1].title")]: "b",
      [key("edit", "title")]: "Trip!",
    });
    byHid(20).parentElement!.remove();
    await observed();
    expect(stored().m[key("edit", "tasks[1].title")]).toBeUndefined();
  });

  it("rows removed or renumbered are recorded as the page shows them, and a reload hands that over", async () => {
    mountRoot(rows(["a", "b", "c"]));
    rec = createRecovery(document);
    type(10, "A");
    // The server removes the first row: the others are renamed.
    byHid(10).parentElement!.remove();
    byHid(11).setAttribute("name", "tasks[0].title");
    byHid(12).setAttribute("name", "tasks[1].title");
    await observed();
    expect(stored().m).toEqual({
      [key("edit", "tasks[0].title")]: "b",
      [key("edit", "tasks[1].title")]: "c",
      [key("edit", "title")]: "Trip",
    });
    rec.dispose();
    mountRoot(rows(["a", "b", "c"]));
    const seen = watchEvents();
    const recovered = watchRecover();
    rec = createRecovery(document);
    rec.restore(true);
    expect(seen).toEqual(["input 10:b", "change 10:b", "input 11:c", "change 11:c"]);
    expect(recovered).toEqual([
      [
        "edit",
        [
          ["tasks[0].title", "b"],
          ["tasks[1].title", "c"],
          ["title", "Trip"],
        ],
      ],
    ]);
  });

  it("a form the page shows later (behind a fallback) is restored when it appears", async () => {
    mountRoot(rows(["a"]));
    rec = createRecovery(document);
    type(10, "typed");
    rec.dispose();
    mountRoot('<p data-hid="2">Loading…</p>');
    const seen = watchEvents();
    rec = createRecovery(document);
    rec.restore(true);
    expect(seen).toEqual([]);
    mountRoot(rows(["a"]));
    await observed();
    expect(input(10).value).toBe("typed");
    expect(seen).toEqual(["input 10:typed", "change 10:typed"]);
    // Once only: later changes of the page restore nothing again.
    input(10).value = "a";
    mountRoot(rows(["a"]));
    await observed();
    expect(input(10).value).toBe("a");
  });

  it("changes elsewhere in the page leave the record alone", async () => {
    mountRoot(`${rows(["a"])}<ul data-hid="50"></ul>`);
    rec = createRecovery(document);
    type(10, "typed");
    // A marker the recovery would overwrite with its next write.
    sessionStorage.setItem(STORE_KEY, "untouched");
    byHid(50).insertAdjacentHTML("beforeend", "<li>a chat message</li>");
    await observed();
    expect(sessionStorage.getItem(STORE_KEY)).toBe("untouched");
    addRow(11, 1);
    await observed();
    expect(stored().m[key("edit", "tasks[1].title")]).toBe("");
  });

  it("a page that matches the record sends nothing", () => {
    mountRoot(rows(["a", "b"]));
    rec = createRecovery(document);
    type(11, "b");
    rec.dispose();
    const seen = watchRecover();
    rec = createRecovery(document);
    rec.restore(true);
    expect(seen).toEqual([]);
  });
});

describe("with the live client, after a full resync", () => {
  useClientHarness();
  let rec: Recovery;
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, "", "/");
    rec = createRecovery(document);
  });
  afterEach(() => rec.dispose());

  const rebuilt = (value: string): WireNode => ({
    kind: NodeKind.Element,
    tag: "div",
    hid: 1,
    attrs: { id: ROOT_ID },
    children: [
      {
        kind: NodeKind.Element,
        tag: "input",
        hid: 2,
        attrs: { "data-on": "input", value },
        children: [],
      },
    ],
  });

  it("puts back what the rebuilt view lacks and sends it once un-muted", async () => {
    mountRoot('<input data-hid="2" data-on="input">');
    const ws = await connected();
    let resyncs = 0;
    document.addEventListener(RESYNC_EVENT, () => resyncs++);
    type(2, "typed offline");
    ws.take();
    // The server rebuilt the page without what was typed (say, without a checkpoint).
    ws.receive({ type: FrameType.FullResync, seq: 7, root: rebuilt("") });
    expect(resyncs).toBe(1);
    expect(input(2).value).toBe("typed offline");
    expect(ws.take()).toEqual([
      {
        type: FrameType.Event,
        cseq: 2,
        hid: 2,
        event: { type: EventType.Input, value: "typed offline" },
      },
    ]);
  });

  it("a rebuilt form without the rows that were added sends its record as a formrecover event", async () => {
    mountRoot(
      '<form data-hid="2" id="edit" data-on="submit,formrecover">' +
        '<input data-hid="3" name="tasks[0].title" data-on="input">' +
        '<input data-hid="4" name="tasks[1].title" data-on="input"></form>',
    );
    const ws = await connected();
    type(4, "added row");
    ws.take();
    ws.receive({
      type: FrameType.FullResync,
      seq: 7,
      root: {
        kind: NodeKind.Element,
        tag: "div",
        hid: 1,
        attrs: { id: ROOT_ID },
        children: [
          {
            kind: NodeKind.Element,
            tag: "form",
            hid: 2,
            attrs: { id: "edit", "data-on": "submit,formrecover" },
            children: [
              {
                kind: NodeKind.Element,
                tag: "input",
                hid: 3,
                attrs: { name: "tasks[0].title", "data-on": "input" },
                children: [],
              },
            ],
          },
        ],
      },
    });
    expect(ws.take()).toEqual([
      {
        type: FrameType.Event,
        cseq: 2,
        hid: 2,
        event: {
          type: EventType.Custom,
          name: RECOVER_EVENT,
          payload: [
            ["tasks[0].title", ""],
            ["tasks[1].title", "added row"],
          ],
        },
      },
    ]);
  });

  it("leaves a control alone when the rebuilt view already shows the typed value", async () => {
    mountRoot('<input data-hid="2" data-on="input">');
    const ws = await connected();
    type(2, "same");
    ws.take();
    ws.receive({ type: FrameType.FullResync, seq: 7, root: rebuilt("same") });
    expect(input(2).value).toBe("same");
    expect(ws.take()).toEqual([]);
  });
});
