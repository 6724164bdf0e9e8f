// @vitest-environment happy-dom
/**
 * The same flows as the unit tests, run against the minified bundle the server ships
 * (property mangling included), evaluated in the happy-dom window with a fake socket.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { buildClient } from "../../src/client/build.ts";
import { ACK_MS, type VangoClient } from "../../src/client/client.ts";
import { EventType, Feature, FrameType, PROTOCOL_VERSION } from "../../src/protocol/constants.ts";
import { BOOT_ID, ROOT_ID } from "../../src/protocol/dom-attrs.ts";
import { ErrorCode } from "../../src/protocol/error-code.ts";
import { NodeKind, PatchOp } from "../../src/protocol/patch.ts";
import { FakeSocket } from "./fake-socket.ts";
import { byHid } from "./fixtures.ts";

let code: string;
let ws: FakeSocket;

beforeAll(async () => {
  code = (await buildClient({ minify: true })).code;
});

beforeEach(() => {
  document.body.innerHTML =
    `<div id="${ROOT_ID}" data-hid="1"><button data-hid="2" data-on="click.p">+</button>` +
    '<ul data-hid="3"><li data-hid="4">a</li><li data-hid="5">b</li></ul>' +
    '<input data-hid="6" data-on="input" value="hello"></div>' +
    `<script type="application/json" id="${BOOT_ID}">${JSON.stringify({
      v: PROTOCOL_VERSION,
      ws: "/_vango/ws",
      token: "t0",
      csrf: "c0",
    })}</script>`;
  FakeSocket.all = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  // The bundle's timers (ack window, backoff) run on the test's clock.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  new Function(code)();
  ws = FakeSocket.last();
  ws.open();
});

afterEach(() => {
  (window as { __vango?: VangoClient }).__vango?.stop();
  delete (window as { __vango?: VangoClient }).__vango;
  sessionStorage.clear();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function handshake(serverTime = 0): void {
  ws.receive({
    type: FrameType.HandshakeReply,
    status: "ok",
    resumed: false,
    resumeToken: "t1",
    nextSeq: 1,
    lastCseq: 0,
    serverTime,
    features: Feature.Resume | Feature.PatchHistory,
  });
}

describe("minified client bundle", () => {
  it("boots from #vango-boot and handshakes", () => {
    expect(ws.url).toBe("ws://localhost:3000/_vango/ws");
    expect(ws.take()).toMatchObject([
      {
        type: FrameType.Handshake,
        version: PROTOCOL_VERSION,
        csrf: "c0",
        resumeToken: "t0",
        lastSeq: 0,
        features: Feature.Resume | Feature.PatchHistory | Feature.Hooks,
      },
    ]);
    vi.spyOn(Date, "now").mockReturnValue(5000);
    handshake(7000);
    const handle = (window as { __vango?: VangoClient }).__vango!;
    expect([handle.status, handle.seq, handle.ws, handle.clockOffset]).toEqual([
      "connected",
      0,
      ws,
      2000,
    ]);
    expect(document.documentElement.classList.contains("vango-connected")).toBe(true);
  });

  it("reloads a page with stale boot data once instead of connecting", () => {
    const win = window as { __vango?: VangoClient };
    win.__vango!.stop();
    delete win.__vango;
    const reload = vi.spyOn(window.location, "reload").mockImplementation(() => {});
    const boot = document.getElementById(BOOT_ID)!;
    boot.textContent = JSON.stringify({
      ...JSON.parse(boot.textContent!),
      v: PROTOCOL_VERSION + 1,
    });
    const sockets = FakeSocket.all.length;
    new Function(code)();
    new Function(code)();
    expect(reload).toHaveBeenCalledTimes(1);
    expect(FakeSocket.all.length).toBe(sockets);
    expect(win.__vango).toBeUndefined();
  });

  it("applies patches (text, insert, move, remove) and acks", async () => {
    handshake();
    ws.take();
    ws.receive({
      type: FrameType.Patches,
      seq: 1,
      cseq: 0,
      patches: [
        { op: PatchOp.SetText, parent: 2, index: 0, text: "plus" },
        {
          op: PatchOp.Insert,
          parent: 3,
          index: 2,
          node: {
            kind: NodeKind.Element,
            tag: "li",
            hid: 7,
            attrs: { class: "n" },
            children: [{ kind: NodeKind.Text, text: "c" }],
          },
        },
        { op: PatchOp.Move, parent: 3, from: 2, to: 0 },
        { op: PatchOp.Remove, parent: 3, index: 2 },
        { op: PatchOp.AddClass, hid: 3, name: "list" },
      ],
    });
    expect(byHid(1).innerHTML).toBe(
      '<button data-hid="2" data-on="click.p">plus</button><ul data-hid="3" class="list">' +
        '<li class="n" data-hid="7">c</li><li data-hid="4">a</li></ul><input data-hid="6" data-on="input" value="hello">',
    );
    vi.advanceTimersByTime(ACK_MS);
    expect(ws.take()).toEqual([{ type: FrameType.Ack, seq: 1 }]);
  });

  it("sends delegated events the shared decoder reads back", () => {
    handshake();
    ws.take();
    const e = new MouseEvent("click", {
      bubbles: true,
      cancelable: true,
      clientX: 3,
      clientY: 4,
      altKey: true,
    });
    byHid(2).dispatchEvent(e);
    const input = byHid(6) as HTMLInputElement;
    input.value = "hey";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    expect(e.defaultPrevented).toBe(true);
    expect(ws.take()).toEqual([
      {
        type: FrameType.Event,
        cseq: 1,
        hid: 2,
        event: { type: EventType.Click, x: 3, y: 4, button: 0, mods: 4 },
      },
      { type: FrameType.Event, cseq: 2, hid: 6, event: { type: EventType.Input, value: "hey" } },
    ]);
  });

  it("keeps the caret of the focused input when its value is patched", () => {
    handshake();
    const input = byHid(6) as HTMLInputElement;
    input.focus();
    input.setSelectionRange(2, 4);
    ws.receive({
      type: FrameType.Patches,
      seq: 1,
      cseq: 0,
      patches: [{ op: PatchOp.SetProp, hid: 6, name: "value", value: "HELLO!" }],
    });
    expect(input.value).toBe("HELLO!");
    expect([document.activeElement, input.selectionStart, input.selectionEnd]).toEqual([
      input,
      2,
      4,
    ]);
  });

  // The build shortens internal property names; these flows cross the bundle's edge.
  it("hands apps the error frame, hook payloads and dispatched details unmangled", async () => {
    handshake();
    ws.take();
    const errors: unknown[] = [];
    const onError = (e: Event) => errors.push((e as CustomEvent).detail);
    document.addEventListener("vango:error", onError);
    const err = {
      type: FrameType.Error,
      code: ErrorCode.handler_error,
      fatal: false,
      cseq: 4,
      message: "boom",
    } as const;
    ws.receive(err);
    document.removeEventListener("vango:error", onError);
    expect(errors).toEqual([err]);

    const details: unknown[] = [];
    byHid(3).addEventListener("map:ready", (e) => details.push((e as CustomEvent).detail));
    ws.receive({
      type: FrameType.Patches,
      seq: 1,
      cseq: 0,
      patches: [{ op: PatchOp.Dispatch, hid: 3, name: "map:ready", payload: { zoom: 3, at: [1] } }],
    });
    expect(details).toEqual([{ zoom: 3, at: [1] }]);
    vi.advanceTimersByTime(ACK_MS);
    expect(ws.take()).toEqual([{ type: FrameType.Ack, seq: 1 }]);

    (window as { __vango?: VangoClient }).__vango!.hook(2, "map:moved", {
      lat: 1.5,
      at: undefined,
    });
    expect(ws.take()).toEqual([
      {
        type: FrameType.Event,
        cseq: 1,
        hid: 2,
        event: { type: EventType.Hook, name: "map:moved", payload: { lat: 1.5 } },
      },
    ]);
  });

  it("replaces the root on FullResync and listens to its events", () => {
    handshake();
    ws.take();
    ws.receive({
      type: FrameType.FullResync,
      seq: 3,
      root: {
        kind: NodeKind.Element,
        tag: "div",
        hid: 1,
        attrs: { id: ROOT_ID },
        children: [
          {
            kind: NodeKind.Element,
            tag: "a",
            hid: 9,
            attrs: { "data-on": "dblclick" },
            children: [{ kind: NodeKind.Text, text: "go" }],
          },
        ],
      },
    });
    expect(byHid(1).innerHTML).toBe('<a data-on="dblclick" data-hid="9">go</a>');
    byHid(9).dispatchEvent(new MouseEvent("dblclick", { bubbles: true, clientX: 1, clientY: 2 }));
    expect(ws.take()).toEqual([
      {
        type: FrameType.Event,
        cseq: 1,
        hid: 9,
        event: { type: EventType.DblClick, x: 1, y: 2, button: 0, mods: 0 },
      },
    ]);
  });
});
