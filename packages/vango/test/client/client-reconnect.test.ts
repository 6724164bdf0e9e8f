// @vitest-environment happy-dom
/**
 * The live client across drops: backoff with jitter, resume with the rotated token and
 * resent events, offline status, and reloading only when the session is gone.
 */
import { describe, expect, it, vi } from "vitest";
import { HEALTHY_MS, OFFLINE_AFTER, OUTBOX_MAX } from "../../src/client/client.ts";
import { CloseCode, Feature, FrameType } from "../../src/protocol/constants.ts";
import { ErrorCode } from "../../src/protocol/error-code.ts";
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
import { byHid } from "./fixtures.ts";

useClientHarness();

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
    expect(h.statuses).toEqual(["connecting", "connected", "reconnecting", "connected"]);
    // The resumed session resends what it holds after seq 2.
    ws2.receive(setText(3, "3", 2));
    expect(byHid(3).textContent).toBe("3");
    // Next resume uses the newest token.
    ws2.serverClose(1006);
    vi.advanceTimersByTime(250);
    FakeSocket.last().open();
    expect(FakeSocket.last().take()).toMatchObject([{ resumeToken: "tok2", lastSeq: 3 }]);
  });

  it("sends nothing on a socket the server is closing: events wait for the next one", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0);
    const ws = await connected();
    ws.receive(setText(1, "1"));
    // The server's close frame is in; the connection has not ended yet.
    ws.serverClosing();
    clickButton();
    vi.advanceTimersByTime(1000); // the coalesced ack falls due
    expect(ws.take()).toEqual([]);
    ws.serverClose(1001);
    vi.advanceTimersByTime(0);
    const ws2 = FakeSocket.last();
    ws2.open();
    ws2.take();
    ws2.receive(reply({ resumed: true, nextSeq: 2, lastCseq: 0 }));
    expect(ws2.take()).toEqual([{ type: FrameType.Event, cseq: 1, hid: 2, event: CLICK }]);
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
      if (i + 1 === OFFLINE_AFTER - 1) expect(h.client.status).toBe("reconnecting");
      if (i + 1 >= OFFLINE_AFTER) expect(h.client.status).toBe("offline");
    }
    expect(times).toEqual([125, 250, 500, 1000, 2000, 4000, 5000]);
    expect(htmlClasses()).toEqual(["vango-offline"]);
    FakeSocket.last().open();
    FakeSocket.last().receive(reply());
    expect(htmlClasses()).toEqual(["vango-connected"]);
  });

  /** Cuts the current socket and returns the ms until the client opens the next one. */
  function cutAndWait(code = 1006): number {
    const before = FakeSocket.all.length;
    FakeSocket.last().serverClose(code);
    let waited = 0;
    while (FakeSocket.all.length === before) {
      vi.advanceTimersByTime(1);
      waited++;
    }
    return waited;
  }

  it("regression: a handshake followed by an immediate cut does not start the backoff over", () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    start();
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      // The server accepts the resume, then the socket is cut at once (as with a
      // catch-up too large for the link): this connection did not prove healthy.
      FakeSocket.last().open();
      FakeSocket.last().receive(reply({ resumed: i > 0 }));
      expect(h.client.status).toBe("connected");
      times.push(cutAndWait());
    }
    // Reset at each reply, this was 125 ms every time: a tight reconnect loop.
    expect(times).toEqual([125, 250, 500, 1000, 2000, 4000]);
  });

  it("a connection that stayed up HEALTHY_MS starts the backoff over", () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    start();
    for (let i = 0; i < 3; i++) cutAndWait();
    FakeSocket.last().open();
    FakeSocket.last().receive(reply());
    vi.advanceTimersByTime(HEALTHY_MS - 1);
    expect(cutAndWait()).toBe(1000);
    FakeSocket.last().open();
    FakeSocket.last().receive(reply({ resumed: true }));
    vi.advanceTimersByTime(HEALTHY_MS);
    expect(cutAndWait()).toBe(125);
  });

  it("navigator.onLine === false shows offline at once; the online event retries now", () => {
    vi.useFakeTimers();
    const ws = start();
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    ws.serverClose(1006);
    expect(h.client.status).toBe("offline");
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
  it("a drop after a handshake that did not grant Resume reloads instead of reconnecting", async () => {
    vi.useFakeTimers();
    const ws = await connected({ features: Feature.PatchHistory });
    ws.serverClose(1006);
    expect(h.reload).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toEqual([ws]);
  });

  it("a failed first connect retries even though no features were granted yet", () => {
    vi.useFakeTimers();
    start().serverClose(1006);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all.length).toBe(2);
    expect(h.reload).not.toHaveBeenCalled();
  });

  it.each([ErrorCode.session_expired, ErrorCode.session_not_found])(
    "HandshakeReply %s reloads",
    (code) => {
      const ws = start();
      ws.open();
      ws.receive(reply({ status: code, resumeToken: "", nextSeq: 0 }));
      expect(h.reload).toHaveBeenCalledTimes(1);
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
    expect(h.reload).toHaveBeenCalledTimes(1);
    h.client.stop();
    const ws2 = await connected();
    ws2.serverClose(CloseCode.SessionGone);
    expect(h.reload).toHaveBeenCalledTimes(2);
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
    expect(h.client.status).toBe("reconnecting");
    expect(h.reload).not.toHaveBeenCalled();
    document.removeEventListener("vango:error", onError);
  });
});
