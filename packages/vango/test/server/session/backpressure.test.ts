/**
 * Backpressure in the session core (regression, issue 10 defect 10): a socket is judged
 * by how fast it drains its backlog, not by how much waits. Over an in-memory transport
 * whose `bufferedAmount` the test drives, with fake timers and clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeServerFrame } from "../../../src/protocol/client-codec.ts";
import { CloseCode, FrameType, PatchOp } from "../../../src/protocol/constants.ts";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import type { Patch } from "../../../src/protocol/patch.ts";
import { resolveServerLimits, resolveTimeouts } from "../../../src/server/config/options.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";
import {
  ACK_GRACE_MS,
  DRAIN_SAMPLE_MS,
  DRAIN_WINDOW_MS,
} from "../../../src/server/session/drain-watch.ts";
import { invokeHandler } from "../../../src/server/session/event-context.ts";
import { SessionManager } from "../../../src/server/session/manager.ts";
import { SessionState } from "../../../src/server/session/services.ts";
import type { Session } from "../../../src/server/session/session.ts";
import type { SessionView } from "../../../src/server/session/view.ts";
import { MemoryTransport } from "../../../src/testing/memory-transport.ts";
import type { HElement } from "../../../src/vdom/host.ts";

const text = (t: string): Patch => ({ op: PatchOp.SetText, parent: 1, index: 0, text: t });

class View implements SessionView {
  readonly root: HElement = {
    kind: 1,
    tag: "div",
    hid: 1,
    attrs: { id: "vango-root" },
    children: [],
    key: undefined,
    handlers: null,
  };
  dirty = false;
  next: Patch[] = [];
  handler() {
    return undefined;
  }
  flush(out: Patch[]) {
    this.dirty = false;
    out.push(...this.next);
    return this.next.length;
  }
  dispose() {}
}

/** Cap 1,000 B, floor 100 B/s unless given. */
function setup(minDrainRate = 100) {
  const m = new SessionManager(
    resolveServerLimits({ maxBufferedBytes: 1000, minDrainRate }),
    resolveTimeouts(undefined),
    silentLogger,
    invokeHandler,
  );
  const s = m.create("sid", "/") as Session;
  const view = new View();
  s.setRoot(view);
  const t = new MemoryTransport();
  m.attaching(s);
  s.attach(t, 0, () => new Uint8Array([2]));
  t.take();
  const render = async (p: string) => {
    view.next = [text(p)];
    view.dirty = true;
    s.markDirty();
    await s.settled();
  };
  return { m, s, t, render };
}

const decoded = (t: MemoryTransport) => t.take().map((b) => decodeServerFrame(b));
const patchSeqs = (t: MemoryTransport) =>
  decoded(t).map((f) => (f.type === FrameType.Patches ? f.seq : `type ${f.type}`));

/** Advances the clock one sample at a time, draining `rate` B/s from `t`'s backlog. */
function drain(t: MemoryTransport, rate: number, ms: number): void {
  for (let at = 0; at < ms; at += DRAIN_SAMPLE_MS) {
    t.bufferedAmount = Math.max(0, t.bufferedAmount - (rate * DRAIN_SAMPLE_MS) / 1000);
    vi.advanceTimersByTime(DRAIN_SAMPLE_MS);
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("session backpressure", () => {
  it("holds frames back while the backlog is over the cap, sends them once it halved", async () => {
    const { t, render } = setup();
    await render("a");
    expect(patchSeqs(t)).toEqual([1]);
    t.bufferedAmount = 1001;
    await render("b");
    await render("c");
    expect(t.sent).toEqual([]);
    drain(t, 400, DRAIN_SAMPLE_MS); // 601 B left: over half the cap, still held
    expect(t.sent).toEqual([]);
    drain(t, 200, DRAIN_SAMPLE_MS); // 401 B left
    expect(patchSeqs(t)).toEqual([2, 3]);
  });

  it("a backlog far over the cap stays open while it drains at the floor or faster", async () => {
    const { s, t, render } = setup();
    // One frame may be far larger than the cap (a big render): judged by progress only.
    t.bufferedAmount = 50_000;
    await render("big");
    drain(t, 150, 4 * DRAIN_WINDOW_MS);
    expect(t.closed).toBeUndefined();
    expect(s.state).toBe(SessionState.Attached);
  });

  it("drains slower than the floor for a window: slow_consumer, the session stays resumable", async () => {
    const { m, s, t, render } = setup();
    t.bufferedAmount = 50_000;
    await render("big");
    drain(t, 50, DRAIN_WINDOW_MS - DRAIN_SAMPLE_MS);
    expect(t.closed).toBeUndefined();
    drain(t, 50, DRAIN_SAMPLE_MS);
    expect(t.closed).toEqual({ code: CloseCode.SlowConsumer, reason: ErrorCode.slow_consumer });
    expect(s.state).toBe(SessionState.Detached);
    expect(m.counts().detached).toBe(1);
  });

  it("a client that reads nothing is cut, and its backlog is not fed meanwhile", async () => {
    const { s, t, render } = setup();
    t.bufferedAmount = 5_000;
    for (let i = 0; i < 50; i++) await render(`r${i}`);
    // Renders go to the history, not to the stuck socket.
    expect(t.sent).toEqual([]);
    expect(s.seq).toBe(50);
    drain(t, 0, DRAIN_WINDOW_MS);
    expect(t.closed?.reason).toBe(ErrorCode.slow_consumer);
  });

  it("cut again before it caught up after the resume: catch_up_too_slow ends the session", async () => {
    const { m, s, t, render } = setup();
    t.bufferedAmount = 50_000;
    await render("big");
    drain(t, 0, DRAIN_WINDOW_MS);
    expect(t.closed?.reason).toBe(ErrorCode.slow_consumer);
    // The resume needs what it missed; its link is as slow as before.
    const t2 = new MemoryTransport();
    m.attaching(s);
    s.attach(t2, 0, () => new Uint8Array([2]));
    t2.sent.shift(); // the scripted reply
    expect(decoded(t2).map((f) => f.type)).toEqual([FrameType.Patches]);
    t2.bufferedAmount = 50_000;
    await render("more");
    drain(t2, 0, DRAIN_WINDOW_MS);
    expect(t2.closed).toEqual({
      code: CloseCode.SessionGone,
      reason: ErrorCode.catch_up_too_slow,
    });
    expect(s.state).toBe(SessionState.Closed);
    // A later resume is told why, so the browser reloads.
    expect(m.ended(s.token)).toBe(ErrorCode.catch_up_too_slow);
  });

  it("a client that acked its catch-up is forgiven: a later slow cut is resumable again", async () => {
    const { m, s, t, render } = setup();
    t.bufferedAmount = 50_000;
    await render("big");
    drain(t, 0, DRAIN_WINDOW_MS);
    const t2 = new MemoryTransport();
    m.attaching(s);
    s.attach(t2, 0, () => new Uint8Array([2]));
    s.ack(s.seq);
    t2.bufferedAmount = 50_000;
    await render("more");
    drain(t2, 0, DRAIN_WINDOW_MS);
    expect(t2.closed?.reason).toBe(ErrorCode.slow_consumer);
    expect(s.state).toBe(SessionState.Detached);
  });

  it("a ResyncRequest while over the cap is answered once the backlog halved", async () => {
    const { s, t, render } = setup();
    await render("a");
    await render("b");
    t.take();
    t.bufferedAmount = 2_000;
    expect(s.resync(0, true)).toBe(0);
    expect(t.sent).toEqual([]);
    drain(t, 1_500, DRAIN_SAMPLE_MS);
    expect(decoded(t).map((f) => [f.type, "seq" in f && f.seq])).toEqual([
      [FrameType.FullResync, 2],
    ]);
  });

  it("a large frame the kernel took whole is judged by its ack, due at the floor rate", async () => {
    // 70 KB at a 10,000 B/s floor: due after 7 s, plus the grace for coalesced acks.
    const due = 7_000 + ACK_GRACE_MS;
    const { s, t, render } = setup(10_000);
    await render("x".repeat(70_000));
    expect(t.bufferedAmount).toBe(0);
    vi.advanceTimersByTime(due - DRAIN_SAMPLE_MS);
    expect(t.closed).toBeUndefined();
    vi.advanceTimersByTime(2 * DRAIN_SAMPLE_MS);
    expect(t.closed?.reason).toBe(ErrorCode.slow_consumer);
    expect(s.state).toBe(SessionState.Detached);
  });

  it("an ack of everything sent ends the watch", async () => {
    const { s, t, render } = setup(10_000);
    await render("x".repeat(70_000));
    vi.advanceTimersByTime(3_000);
    s.ack(s.seq);
    vi.advanceTimersByTime(60_000);
    expect(t.closed).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });
});
