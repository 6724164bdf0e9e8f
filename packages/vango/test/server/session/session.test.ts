/**
 * The session core in isolation, over an in-memory transport and a scripted view (the
 * real renderer is covered by the socket tests).
 */
import { describe, expect, it } from "vitest";
import { decodeServerFrame } from "../../../src/protocol/client-codec.ts";
import {
  CloseCode,
  EventType,
  FrameType,
  NodeKind,
  PatchOp,
} from "../../../src/protocol/constants.ts";
import { ErrorCode } from "../../../src/protocol/errors.ts";
import type { Patch } from "../../../src/protocol/patch.ts";
import { resolveServerLimits, resolveTimeouts } from "../../../src/server/config/options.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";
import { ResumeTokens } from "../../../src/server/security/resume-token.ts";
import { invokeHandler } from "../../../src/server/session/event-context.ts";
import { SessionManager } from "../../../src/server/session/manager.ts";
import type { Session } from "../../../src/server/session/session.ts";
import type { SessionView } from "../../../src/server/session/view.ts";
import { MemoryTransport } from "../../../src/testing/memory-transport.ts";
import type { EventBinding, HElement } from "../../../src/vdom/host.ts";

class ScriptedRoot implements SessionView {
  readonly root: HElement = {
    kind: NodeKind.Element,
    tag: "div",
    hid: 1,
    attrs: { id: "vango-root" },
    children: [],
    key: undefined,
    handlers: null,
  };
  dirty = false;
  next: Patch[] = [];
  disposed = 0;
  readonly bindings = new Map<string, EventBinding>();
  handler(hid: number, name: string) {
    return this.bindings.get(`${hid}:${name}`);
  }
  flush(out: Patch[]) {
    this.dirty = false;
    out.push(...this.next);
    return this.next.length;
  }
  dispose() {
    this.disposed++;
  }
}

const text = (t: string): Patch => ({ op: PatchOp.SetText, parent: 1, index: 0, text: t });
const click = { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 } as const;

function setup(limits = {}) {
  const m = new SessionManager(
    resolveServerLimits(limits),
    resolveTimeouts(undefined),
    silentLogger,
    invokeHandler,
  );
  const s = m.create("sid", "/") as Session;
  const root = new ScriptedRoot();
  s.setRoot(root);
  const t = new MemoryTransport();
  m.attaching(s);
  s.attach(t, 0, () => new Uint8Array([2]));
  t.take();
  const render = (p: string) => {
    root.next = [text(p)];
    root.dirty = true;
    s.markDirty();
  };
  const frames = () => t.take().map((b) => decodeServerFrame(b));
  return { m, s, root, t, render, frames };
}

const bind = (handler: (e: unknown) => unknown): EventBinding => ({
  handler,
  prevent: false,
  stop: false,
  debounce: 0,
  throttle: 0,
  keys: [],
});

describe("Session", () => {
  it("building: its signal aborts when the session closes during the build, and is let go after", async () => {
    const { s } = setup();
    const seen: AbortSignal[] = [];
    const built = await s.building(async (stop) => {
      seen.push(stop);
      return "built";
    });
    expect(built).toBe("built");
    expect(seen[0]!.aborted).toBe(false);
    const done = s.building(
      (stop) =>
        new Promise<boolean>((resolve) => {
          seen.push(stop);
          stop.addEventListener("abort", () => resolve(true));
        }),
    );
    s.dispose();
    expect(await done).toBe(true);
    expect(seen[0]!.aborted).toBe(false); // a finished build's signal is not the session's
    // A closed session builds with an aborted signal.
    expect(await s.building(async (stop) => stop.aborted)).toBe(true);
  });

  it("batches renders of one tick into one Patches frame per flush", async () => {
    const { s, root, render, frames } = setup();
    render("a");
    render("b");
    root.next = [text("a"), text("b")];
    await s.settled();
    expect(frames()).toEqual([
      { type: FrameType.Patches, seq: 1, cseq: 0, patches: [text("a"), text("b")] },
    ]);
  });

  it("passes the payload and target to the handler", async () => {
    const { s, root } = setup();
    const got: unknown[] = [];
    root.bindings.set(
      "7:click",
      bind((e) => got.push(e)),
    );
    expect(s.enqueue(1, 7, click)).toBe(true);
    await s.settled();
    expect(got).toEqual([
      {
        type: "click",
        target: 7,
        clientX: 0,
        clientY: 0,
        button: 0,
        modifiers: { altKey: false, ctrlKey: false, metaKey: false, shiftKey: false },
      },
    ]);
    expect(s.enqueue(1, 7, click)).toBe("duplicate");
  });

  it("refuses events beyond maxQueuedEvents", async () => {
    const { s, root } = setup({ maxQueuedEvents: 1 });
    root.bindings.set(
      "7:click",
      bind(() => new Promise((r) => setTimeout(r, 10))),
    );
    expect(s.enqueue(1, 7, click)).toBe(true);
    expect(s.enqueue(2, 7, click)).toBe(true);
    expect(s.enqueue(3, 7, click)).toBe(false);
    await s.settled();
  });

  it("times an event from its arrival when it runs at once, from its start when it waited", async () => {
    const { m, s, root } = setup();
    const timed: number[] = [];
    m.metrics = {
      patchesSent() {},
      eventObserved: (_type, seconds) => timed.push(seconds),
      reconnected() {},
    };
    let release = () => {};
    root.bindings.set(
      "7:click",
      bind(() => new Promise<void>((r) => (release = r))),
    );
    root.bindings.set(
      "8:click",
      bind(() => {}),
    );
    expect(s.enqueue(1, 7, click)).toBe(true);
    // Arrives while the first runs and waits behind it: the wait is not its handling time.
    expect(s.enqueue(2, 8, click)).toBe(true);
    // The first holds the queue this long: far above what a stall of the machine adds to
    // the second's own handling, so "its handling only" and "its wait too" stay apart.
    const HOLD_MS = 400;
    await new Promise((r) => setTimeout(r, HOLD_MS));
    release();
    await s.settled();
    expect(timed).toHaveLength(2);
    expect(timed[0]).toBeGreaterThanOrEqual((HOLD_MS - 5) / 1000);
    expect(timed[1]).toBeLessThan((HOLD_MS - 50) / 1000);
  });

  it("dispose closes an attached transport with a Close frame and disposes the view once", () => {
    const { m, s, root, t } = setup();
    s.dispose();
    s.dispose();
    expect(root.disposed).toBe(1);
    expect(t.closed).toEqual({ code: CloseCode.SessionGone, reason: "session_expired" });
    expect(decodeServerFrame(t.sent[0]!)).toEqual({
      type: FrameType.Close,
      code: CloseCode.SessionGone,
      reason: "session_expired",
    });
    expect(m.counts().total).toBe(0);
  });

  it("a render error is reported as a non-fatal coded error and the session goes on", async () => {
    const { s, root, render, frames } = setup();
    root.flush = () => {
      root.dirty = false;
      throw Object.assign(new Error("boom"), { code: "render_error" });
    };
    root.dirty = true;
    s.markDirty();
    await s.settled();
    expect(frames()).toEqual([
      { type: FrameType.Error, code: "render_error", fatal: false, cseq: 0, message: "" },
    ]);
    root.flush = ScriptedRoot.prototype.flush;
    render("ok");
    await s.settled();
    expect(frames()).toEqual([{ type: FrameType.Patches, seq: 1, cseq: 0, patches: [text("ok")] }]);
  });

  it("a session without a view refuses access with a coded internal_error", () => {
    const m = new SessionManager(
      resolveServerLimits({}),
      resolveTimeouts(undefined),
      silentLogger,
      invokeHandler,
    );
    const s = m.create("sid", "/") as Session;
    expect(() => s.root).toThrow(expect.objectContaining({ code: ErrorCode.internal_error }));
    s.dispose();
  });

  it("remembers a bounded number of ended session tokens (expired vs never issued)", () => {
    const m = new SessionManager(
      resolveServerLimits({ maxSessions: 20_000 }),
      resolveTimeouts(undefined),
      silentLogger,
      invokeHandler,
    );
    const first = m.create("sid", "/") as Session;
    expect(m.ended(first.token)).toBeUndefined();
    first.dispose();
    expect(m.ended(first.token)).toBe(ErrorCode.session_expired);
    expect(m.ended("never-issued")).toBeUndefined();
    const second = m.create("sid", "/") as Session;
    second.dispose();
    // 8,192 more closed sessions push the oldest token out; the newer one stays.
    for (let i = 0; i < 8_191; i++) (m.create("sid", "/") as Session).dispose();
    expect(m.ended(first.token)).toBeUndefined();
    expect(m.ended(second.token)).toBe(ErrorCode.session_expired);
  });

  it("knows an ended session by any of its tokens: the key they share, not the page path they carry", () => {
    const m = new SessionManager(
      resolveServerLimits(undefined),
      resolveTimeouts(undefined),
      silentLogger,
      invokeHandler,
    );
    const tokens = new ResumeTokens("session-test-secret-0123456789");
    const first = tokens.issue("sid", "/todos");
    const s = m.create("sid", "/", undefined, "/todos", first) as Session;
    // A live navigation reissued the token for the next page; the tab may hold either.
    const later = tokens.reissue(first.key, "sid", `/search?q=${"x".repeat(1_000)}`);
    s.dispose();
    expect(m.ended(first.token)).toBe(ErrorCode.session_expired);
    expect(m.ended(later)).toBe(ErrorCode.session_expired);
    expect(m.ended(tokens.issue("sid", "/todos").token)).toBeUndefined();
  });

  it("tells a resume why its session ended when the reason means it is gone", () => {
    const m = new SessionManager(
      resolveServerLimits(undefined),
      resolveTimeouts(undefined),
      silentLogger,
      invokeHandler,
    );
    const [slow, shut] = [m.create("sid", "/") as Session, m.create("sid", "/") as Session];
    slow.dispose(ErrorCode.catch_up_too_slow);
    shut.dispose(ErrorCode.server_shutdown);
    expect(m.ended(slow.token)).toBe(ErrorCode.catch_up_too_slow);
    expect(m.ended(shut.token)).toBe(ErrorCode.session_expired);
  });
});
