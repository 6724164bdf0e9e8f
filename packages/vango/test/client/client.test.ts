// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type Boot,
  OFFLINE_AFTER,
  OUTBOX_MAX,
  startClient,
  type VangoClient,
} from "../../src/client/client.ts";
import {
  CloseCode,
  EventType,
  Feature,
  FrameType,
  PROTOCOL_VERSION,
} from "../../src/protocol/constants.ts";
import { ErrorCode } from "../../src/protocol/error-code.ts";
import type { HandshakeReplyFrame } from "../../src/protocol/frame.ts";
import { NodeKind, PatchOp } from "../../src/protocol/patch.ts";
import { FakeSocket } from "./fake-socket.ts";
import { byHid, mountRoot } from "./fixtures.ts";

const BOOT: Boot = { v: PROTOCOL_VERSION, ws: "/_vango/ws", token: "tok0", csrf: "c1" };

const reply = (over: Partial<HandshakeReplyFrame> = {}): HandshakeReplyFrame => ({
  type: FrameType.HandshakeReply,
  status: "ok",
  resumed: false,
  resumeToken: "tok1",
  nextSeq: 1,
  lastCseq: 0,
  serverTime: 0,
  features: Feature.Resume,
  ...over,
});

const setText = (seq: number, text: string, cseq = 0) => ({
  type: FrameType.Patches,
  seq,
  cseq,
  patches: [{ op: PatchOp.SetText, parent: 3, index: 0, text }],
});

let client: VangoClient;
let statuses: string[];
let reload: ReturnType<typeof vi.fn<() => void>>;
const onStatus = (e: Event) => statuses.push((e as CustomEvent).detail.status);

function start(): FakeSocket {
  client = startClient(document, BOOT);
  return FakeSocket.last();
}

async function connected(over: Partial<HandshakeReplyFrame> = {}): Promise<FakeSocket> {
  const ws = start();
  ws.open();
  ws.receive(reply(over));
  ws.take();
  return ws;
}

function clickButton(): void {
  byHid(2).dispatchEvent(new MouseEvent("click", { bubbles: true }));
}

const CLICK = { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 };

beforeEach(() => {
  mountRoot('<button data-hid="2" data-on="click">+</button><h1 data-hid="3">0</h1>');
  FakeSocket.all = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  statuses = [];
  document.addEventListener("vango:status", onStatus);
  reload = vi.fn<() => void>();
  vi.spyOn(window.location, "reload").mockImplementation(reload);
});

afterEach(() => {
  document.removeEventListener("vango:status", onStatus);
  client.stop();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const htmlClasses = () =>
  [...document.documentElement.classList].filter((c) => c.startsWith("vango-"));

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
    expect(statuses).toEqual(["connecting", "connected"]);
    expect(client.status).toBe("connected");
  });

  it("answers Ping with Pong", async () => {
    const ws = await connected();
    ws.receive({ type: FrameType.Ping, nonce: 42 });
    expect(ws.take()).toEqual([{ type: FrameType.Pong, nonce: 42 }]);
  });
});

describe("patches", () => {
  it("applies in order and acks once per microtask with the highest seq", async () => {
    const ws = await connected();
    ws.receive(setText(1, "1"));
    ws.receive(setText(2, "2"));
    expect(byHid(3).textContent).toBe("2");
    expect(ws.take()).toEqual([]);
    await Promise.resolve();
    expect(ws.take()).toEqual([{ type: FrameType.Ack, seq: 2 }]);
    expect(client.seq).toBe(2);
  });

  it("ignores duplicates and asks for a resync (once) on a gap", async () => {
    const ws = await connected();
    ws.receive(setText(1, "1"));
    await Promise.resolve();
    ws.take();
    ws.receive(setText(1, "dup"));
    ws.receive(setText(3, "3"));
    ws.receive(setText(4, "4"));
    await Promise.resolve();
    expect(byHid(3).textContent).toBe("1");
    expect(ws.take()).toEqual([{ type: FrameType.ResyncRequest, lastSeq: 1 }]);
    ws.receive(setText(2, "2"));
    await Promise.resolve();
    expect(ws.take()).toEqual([{ type: FrameType.Ack, seq: 2 }]);
  });

  it("a patch that does not fit the DOM is not acked; a resync is requested", async () => {
    const ws = await connected();
    ws.receive({
      type: FrameType.Patches,
      seq: 1,
      cseq: 0,
      patches: [{ op: PatchOp.SetAttr, hid: 77, name: "a", value: "b" }],
    });
    await Promise.resolve();
    expect(ws.take()).toEqual([{ type: FrameType.ResyncRequest, lastSeq: 0 }]);
    expect(client.seq).toBe(0);
  });

  it("FullResync replaces the root content, resets hids and listens to new events", async () => {
    const ws = await connected();
    ws.receive({
      type: FrameType.FullResync,
      seq: 5,
      root: {
        kind: NodeKind.Element,
        tag: "div",
        hid: 1,
        attrs: { id: "vango-root" },
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
    expect(document.getElementById("vango-root")!.innerHTML).toBe(
      '<input data-on="input" data-hid="2">',
    );
    await Promise.resolve();
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
    expect(document.getElementById("vango-root")!.innerHTML).toBe('<p data-hid="2">r</p>');
  });

  it("an undecodable frame closes the socket (then resumes)", async () => {
    const ws = await connected();
    ws.receiveBytes(new Uint8Array([FrameType.Patches, 0xff]));
    expect(ws.closedWith).toBe(CloseCode.Malformed);
    expect(client.status).toBe("reconnecting");
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
    client.hook(2, "map:moved", { lat: 1.5, at: undefined });
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

describe("reconnect and resume", () => {
  it("backs off with jitter, resumes with the rotated token and last seq, resends unprocessed events", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const ws = await connected();
    ws.receive(setText(1, "1"));
    ws.receive(setText(2, "2", 0));
    clickButton(); // cseq 1: sent, not yet processed
    ws.serverClose(1006);
    expect(htmlClasses()).toEqual(["vango-reconnecting"]);
    clickButton(); // cseq 2: queued while disconnected
    vi.advanceTimersByTime(124);
    expect(FakeSocket.all.length).toBe(1);
    vi.advanceTimersByTime(1);
    const ws2 = FakeSocket.last();
    expect(ws2).not.toBe(ws);
    ws2.open();
    expect(ws2.take()).toMatchObject([
      { type: FrameType.Handshake, resumeToken: "tok1", lastSeq: 2 },
    ]);
    ws2.receive(reply({ resumed: true, resumeToken: "tok2", nextSeq: 3, lastCseq: 1 }));
    expect(ws2.take()).toEqual([{ type: FrameType.Event, cseq: 2, hid: 2, event: CLICK }]);
    expect(htmlClasses()).toEqual(["vango-connected"]);
    expect(statuses).toEqual(["connecting", "connected", "reconnecting", "connected"]);
    // The resumed session resends what it holds after seq 2.
    ws2.receive(setText(3, "3", 2));
    expect(byHid(3).textContent).toBe("3");
    // Next resume uses the newest token.
    ws2.serverClose(1006);
    vi.advanceTimersByTime(250);
    FakeSocket.last().open();
    expect(FakeSocket.last().take()).toMatchObject([{ resumeToken: "tok2", lastSeq: 3 }]);
  });

  it("delays follow the backoff schedule; offline after repeated failures, still retrying", () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    start();
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = FakeSocket.all.length;
      FakeSocket.last().serverClose(1006);
      let waited = 0;
      while (FakeSocket.all.length === before) {
        vi.advanceTimersByTime(1);
        waited++;
      }
      times.push(waited);
      if (i + 1 === OFFLINE_AFTER - 1) expect(client.status).toBe("reconnecting");
      if (i + 1 >= OFFLINE_AFTER) expect(client.status).toBe("offline");
    }
    expect(times).toEqual([125, 250, 500, 1000, 2000, 4000, 5000]);
    expect(htmlClasses()).toEqual(["vango-offline"]);
    FakeSocket.last().open();
    FakeSocket.last().receive(reply());
    expect(htmlClasses()).toEqual(["vango-connected"]);
  });

  it("navigator.onLine === false shows offline at once; the online event retries now", () => {
    vi.useFakeTimers();
    const ws = start();
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    ws.serverClose(1006);
    expect(client.status).toBe("offline");
    const n = FakeSocket.all.length;
    window.dispatchEvent(new Event("online"));
    expect(FakeSocket.all.length).toBe(n + 1);
  });

  it("a bounded number of offline events is kept; dropping one warns", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.useFakeTimers();
    const ws = await connected();
    ws.serverClose(1006);
    for (let i = 0; i < OUTBOX_MAX + 2; i++) clickButton();
    expect(warn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(10_000);
    const ws2 = FakeSocket.last();
    ws2.open();
    ws2.receive(reply({ resumed: true }));
    const frames = ws2.take().filter((f) => f.type === FrameType.Event);
    expect(frames.length).toBe(OUTBOX_MAX);
    expect(frames[0]).toMatchObject({ cseq: 3 });
  });
});

describe("reload only when the session is gone", () => {
  it.each([ErrorCode.session_expired, ErrorCode.session_not_found])(
    "HandshakeReply %s reloads",
    (code) => {
      const ws = start();
      ws.open();
      ws.receive(reply({ status: code, resumeToken: "", nextSeq: 0 }));
      expect(reload).toHaveBeenCalledTimes(1);
    },
  );

  it("a fatal session_expired error frame or a SessionGone close reloads", async () => {
    const ws = await connected();
    ws.receive({
      type: FrameType.Error,
      code: ErrorCode.session_expired,
      fatal: true,
      cseq: 0,
      message: "",
    });
    expect(reload).toHaveBeenCalledTimes(1);
    client.stop();
    const ws2 = await connected();
    ws2.serverClose(CloseCode.SessionGone);
    expect(reload).toHaveBeenCalledTimes(2);
  });

  it("other errors and refusals do not reload: events, or retry with backoff", async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const onError = (e: Event) => errors.push((e as CustomEvent).detail);
    document.addEventListener("vango:error", onError);
    const ws = await connected();
    const err = {
      type: FrameType.Error,
      code: ErrorCode.handler_error,
      fatal: false,
      cseq: 4,
      message: "boom",
    } as const;
    ws.receive(err);
    expect(errors).toEqual([err]);
    ws.receive({
      type: FrameType.Error,
      code: ErrorCode.rate_limited,
      fatal: true,
      cseq: 0,
      message: "",
    });
    ws.receive({ type: FrameType.Close, code: CloseCode.GoingAway, reason: "" });
    ws.serverClose(CloseCode.PolicyViolation);
    vi.advanceTimersByTime(10_000);
    const ws2 = FakeSocket.last();
    ws2.open();
    ws2.receive(reply({ status: ErrorCode.too_many_connections }));
    expect(ws2.closedWith).toBe(1005);
    expect(client.status).toBe("reconnecting");
    expect(reload).not.toHaveBeenCalled();
    document.removeEventListener("vango:error", onError);
  });
});

describe("debug handle and teardown", () => {
  it("exposes status, seq and the socket", async () => {
    const ws = await connected();
    expect([client.status, client.seq, client.ws]).toEqual(["connected", 0, ws]);
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
