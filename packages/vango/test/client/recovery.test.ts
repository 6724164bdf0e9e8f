// @vitest-environment happy-dom
/** Form recovery: what was typed comes back after a full resync and after a reload. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRecovery, type Recovery } from "../../src/client/recovery.ts";
import { EventType, FrameType } from "../../src/protocol/constants.ts";
import { RESYNC_EVENT, ROOT_ID } from "../../src/protocol/dom-attrs.ts";
import { NodeKind, type WireNode } from "../../src/protocol/patch.ts";
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
  "</form>" +
  '<input data-hid="11">';

const input = (hid: number) => byHid(hid) as HTMLInputElement;

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

  it("keeps named controls by form and name, never passwords, hidden or opted-out ones", () => {
    rec = createRecovery(document);
    type(3, "milk");
    type(4, true);
    type(6, true);
    type(7, "hunter2");
    type(9, "private");
    (byHid(10) as HTMLSelectElement).value = "b";
    byHid(10).dispatchEvent(new Event("change", { bubbles: true }));
    type(11, "unnamed");
    expect(JSON.parse(sessionStorage.getItem(STORE_KEY)!)).toEqual({
      p: "/todos",
      m: {
        "f title": "milk",
        "f done on": true,
        "f size l": true,
        "f pick": "b",
        "#11": "unnamed",
      },
    });
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
    expect(JSON.parse(sessionStorage.getItem(STORE_KEY)!).m).toEqual({ "#11": "unnamed" });
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
    expect(JSON.parse(sessionStorage.getItem(STORE_KEY)!)).toEqual({
      p: "/other",
      m: { "f title": "tea" },
    });
  });

  it("garbled storage is ignored", () => {
    sessionStorage.setItem(STORE_KEY, "{not json");
    rec = createRecovery(document);
    rec.restore(true);
    type(3, "milk");
    expect(JSON.parse(sessionStorage.getItem(STORE_KEY)!).m).toEqual({ "f title": "milk" });
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
