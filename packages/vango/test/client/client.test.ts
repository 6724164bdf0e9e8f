// @vitest-environment happy-dom
/** The live client while connected: handshake, patches in seq order, events, handle. */
import { describe, expect, it, vi } from "vitest";
import { ACK_MS } from "../../src/client/client.ts";
import {
  CloseCode,
  EventType,
  Feature,
  FrameType,
  PROTOCOL_VERSION,
} from "../../src/protocol/constants.ts";
import { ROOT_ID } from "../../src/protocol/dom-attrs.ts";
import { NodeKind, PatchOp } from "../../src/protocol/patch.ts";
import {
  CLICK,
  clickButton,
  connected,
  h,
  htmlClasses,
  reply,
  setText,
  start,
  useClientHarness,
} from "./client-harness.ts";
import { FakeSocket } from "./fake-socket.ts";
import { byHid, mountRoot } from "./fixtures.ts";

useClientHarness();

describe("connect and handshake", () => {
  it("opens the socket on the page's host and sends the handshake", () => {
    const ws = start();
    expect(ws.url).toBe("ws://localhost:3000/_vango/ws");
    expect(ws.binaryType).toBe("arraybuffer");
    expect(htmlClasses()).toEqual(["vango-connecting"]);
    ws.open();
    expect(ws.take()).toEqual([
      {
        type: FrameType.Handshake,
        version: PROTOCOL_VERSION,
        csrf: "c1",
        resumeToken: "tok0",
        lastSeq: 0,
        viewport: { w: window.innerWidth, h: window.innerHeight },
        tzOffset: new Date().getTimezoneOffset(),
        features: Feature.Resume | Feature.PatchHistory | Feature.Hooks,
      },
    ]);
    ws.receive(reply());
    expect(htmlClasses()).toEqual(["vango-connected"]);
    expect(h.statuses).toEqual(["connecting", "connected"]);
    expect(h.client.status).toBe("connected");
  });

  it("answers Ping with Pong", async () => {
    const ws = await connected();
    ws.receive({ type: FrameType.Ping, nonce: 42 });
    expect(ws.take()).toEqual([{ type: FrameType.Pong, nonce: 42 }]);
  });
});

describe("patches", () => {
  it("applies in order and acks once per ACK_MS with the highest seq", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const ws = await connected();
    ws.receive(setText(1, "1"));
    ws.receive(setText(2, "2"));
    expect(byHid(3).textContent).toBe("2");
    vi.advanceTimersByTime(ACK_MS - 1);
    ws.receive(setText(3, "3"));
    expect(ws.take()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ws.take()).toEqual([{ type: FrameType.Ack, seq: 3 }]);
    expect(h.client.seq).toBe(3);
    // The next frame starts a new window; nothing is acked twice.
    vi.advanceTimersByTime(ACK_MS);
    expect(ws.take()).toEqual([]);
    ws.receive(setText(4, "4"));
    vi.advanceTimersByTime(ACK_MS);
    expect(ws.take()).toEqual([{ type: FrameType.Ack, seq: 4 }]);
  });

  it("ignores duplicates and asks for a resync (once) on a gap", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const ws = await connected();
    ws.receive(setText(1, "1"));
    vi.advanceTimersByTime(ACK_MS);
    ws.take();
    ws.receive(setText(1, "dup"));
    ws.receive(setText(3, "3"));
    ws.receive(setText(4, "4"));
    vi.advanceTimersByTime(ACK_MS);
    expect(byHid(3).textContent).toBe("1");
    expect(ws.take()).toEqual([{ type: FrameType.ResyncRequest, lastSeq: 1, full: false }]);
    ws.receive(setText(2, "2"));
    vi.advanceTimersByTime(ACK_MS);
    expect(ws.take()).toEqual([{ type: FrameType.Ack, seq: 2 }]);
  });

  it("a patch that does not fit the DOM is not acked; a full resync is requested", async () => {
    const ws = await connected();
    ws.receive({
      type: FrameType.Patches,
      seq: 1,
      cseq: 0,
      patches: [{ op: PatchOp.SetAttr, hid: 77, name: "a", value: "b" }],
    });
    await Promise.resolve();
    expect(ws.take()).toEqual([{ type: FrameType.ResyncRequest, lastSeq: 0, full: true }]);
    expect(h.client.seq).toBe(0);
  });

  it("regression: resent frames that fail again lead to a full resync, not silence", async () => {
    const ws = await connected();
    const bad = {
      type: FrameType.Patches,
      seq: 2,
      cseq: 0,
      patches: [{ op: PatchOp.SetAttr, hid: 77, name: "a", value: "b" }],
    } as const;
    ws.receive(setText(1, "1"));
    // A gap first: the client asks for the missed frames (seq 2 onwards)...
    ws.receive(setText(3, "3"));
    expect(ws.take()).toEqual([{ type: FrameType.ResyncRequest, lastSeq: 1, full: false }]);
    // ...which the server resends; seq 2 does not fit the DOM, so only the view helps.
    ws.receive(bad);
    ws.receive(setText(3, "3"));
    expect(ws.take()).toEqual([{ type: FrameType.ResyncRequest, lastSeq: 1, full: true }]);
    // Asked once: the same failure again sends nothing more until the view arrives.
    ws.receive(bad);
    expect(ws.take()).toEqual([]);
    ws.receive({
      type: FrameType.FullResync,
      seq: 3,
      root: { kind: NodeKind.Raw, html: '<h1 data-hid="3">3</h1>' },
    });
    expect(byHid(3).textContent).toBe("3");
    expect(h.client.seq).toBe(3);
    ws.receive(bad);
    ws.receive({ ...bad, seq: 4 });
    expect(ws.take()).toEqual([{ type: FrameType.ResyncRequest, lastSeq: 3, full: true }]);
  });

  it("FullResync replaces the root content, resets hids and listens to new events", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const ws = await connected();
    ws.receive({
      type: FrameType.FullResync,
      seq: 5,
      root: {
        kind: NodeKind.Element,
        tag: "div",
        hid: 1,
        attrs: { id: ROOT_ID },
        children: [
          {
            kind: NodeKind.Element,
            tag: "input",
            hid: 2,
            attrs: { "data-on": "input" },
            children: [],
          },
        ],
      },
    });
    expect(document.getElementById(ROOT_ID)!.innerHTML).toBe(
      '<input data-on="input" data-hid="2">',
    );
    vi.advanceTimersByTime(ACK_MS);
    expect(ws.take()).toEqual([{ type: FrameType.Ack, seq: 5 }]);
    const input = byHid(2) as HTMLInputElement;
    input.value = "q";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    expect(ws.take()).toEqual([
      { type: FrameType.Event, cseq: 1, hid: 2, event: { type: EventType.Input, value: "q" } },
    ]);
  });

  it("FullResync with raw HTML", async () => {
    const ws = await connected();
    ws.receive({
      type: FrameType.FullResync,
      seq: 1,
      root: { kind: NodeKind.Raw, html: '<p data-hid="2">r</p>' },
    });
    expect(document.getElementById(ROOT_ID)!.innerHTML).toBe('<p data-hid="2">r</p>');
  });

  it("an undecodable frame closes the socket (then resumes)", async () => {
    const ws = await connected();
    ws.receiveBytes(new Uint8Array([FrameType.Patches, 0xff]));
    expect(ws.closedWith).toBe(CloseCode.Malformed);
    expect(h.client.status).toBe("reconnecting");
  });
});

describe("events", () => {
  it("sends clicks with increasing cseq", async () => {
    const ws = await connected();
    clickButton();
    clickButton();
    expect(ws.take()).toEqual([
      { type: FrameType.Event, cseq: 1, hid: 2, event: CLICK },
      { type: FrameType.Event, cseq: 2, hid: 2, event: CLICK },
    ]);
  });

  it("events before the handshake reply wait and go right after it", () => {
    const ws = start();
    clickButton();
    ws.open();
    expect(ws.take().map((f) => f.type)).toEqual([FrameType.Handshake]);
    ws.receive(reply());
    expect(ws.take()).toEqual([{ type: FrameType.Event, cseq: 1, hid: 2, event: CLICK }]);
  });

  it("hook() sends a Hook event with a JSON copy of the payload", async () => {
    const ws = await connected();
    h.client.hook(2, "map:moved", { lat: 1.5, at: undefined });
    expect(ws.take()).toEqual([
      {
        type: FrameType.Event,
        cseq: 1,
        hid: 2,
        event: { type: EventType.Hook, name: "map:moved", payload: { lat: 1.5 } },
      },
    ]);
  });
});

describe("debug handle and teardown", () => {
  it("exposes status, seq and the socket", async () => {
    const ws = await connected();
    expect([h.client.status, h.client.seq, h.client.ws]).toEqual(["connected", 0, ws]);
  });

  it("exposes the server clock offset measured at each handshake reply", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const ws = start();
    expect(h.client.clockOffset).toBe(0);
    ws.open();
    ws.receive(reply({ serverTime: 1_004_500 }));
    expect(h.client.clockOffset).toBe(4500);
    ws.serverClose(1006);
    vi.advanceTimersByTime(10_000);
    const ws2 = FakeSocket.last();
    ws2.open();
    ws2.receive(reply({ resumed: true, serverTime: 1_009_000 }));
    expect(h.client.clockOffset).toBe(-1000);
  });

  it("pagehide tells the server the tab is gone and stops reconnecting", async () => {
    const ws = await connected();
    window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false }));
    expect(ws.take()).toEqual([{ type: FrameType.Close, code: CloseCode.GoingAway, reason: "" }]);
    const n = FakeSocket.all.length;
    ws.serverClose(1001);
    expect(FakeSocket.all.length).toBe(n);
  });
});

describe("double submits", () => {
  it("a second submit of a form whose first the server has not processed is dropped", async () => {
    mountRoot('<form data-hid="5" data-on="submit"><input name="title" value="milk"></form>');
    const ws = await connected();
    const form = byHid(5) as HTMLFormElement;
    const submit = () =>
      form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    submit();
    submit();
    const sent = ws.take();
    expect(sent.map((f) => f.type === FrameType.Event && f.event.type)).toEqual([EventType.Submit]);
    // A frame for an earlier event: still pending.
    ws.receive({ type: FrameType.Patches, seq: 1, cseq: 0, patches: [] });
    submit();
    expect(ws.take()).toEqual([]);
    // The server processed it: the form submits again.
    ws.receive({ type: FrameType.Patches, seq: 2, cseq: 1, patches: [] });
    submit();
    expect(ws.take()).toMatchObject([{ type: FrameType.Event, cseq: 2, hid: 5 }]);
  });
});
