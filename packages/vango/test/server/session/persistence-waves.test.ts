/**
 * When `Persistence` saves (issue 13): each changed session within `checkpointMs` of its
 * first unsaved frame, in waves of the sessions due together — not one burst of every
 * session per interval — and nothing for a session that ended or did not change.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../../src/server/core/logger.ts";
import { CHECKPOINT_VERSION, type Checkpoint } from "../../../src/server/session/checkpoint.ts";
import { type Persistable, Persistence } from "../../../src/server/session/persistence.ts";
import type { SessionEntry } from "../../../src/server/session/session-store.ts";
import { MemorySessionStore } from "../../../src/server/session/stores/memory-store.ts";
import { StateCodec } from "../../../src/state/codec.ts";
import { captureLogger } from "../helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Recording extends MemorySessionStore {
  readonly calls: { at: number; ids: string[] }[] = [];
  override saveAll(entries: readonly SessionEntry[]): Promise<readonly string[]> {
    this.calls.push({ at: performance.now(), ids: entries.map((e) => e.id) });
    return super.saveAll(entries);
  }
}

/** A session whose state is `count`; `frames` more frames changed only what is not persisted. */
function session(
  key: string,
): Persistable & { count: number; frames: number; fence: number; supersededCalls: number } {
  return {
    key,
    id: key,
    savedPrint: undefined,
    forgotten: false,
    fence: 0,
    supersededCalls: 0,
    count: 0,
    frames: 0,
    checkpoint(): Checkpoint {
      return {
        v: CHECKPOINT_VERSION,
        sid: "sid",
        url: "/",
        seq: this.count + this.frames,
        cseq: this.count,
        userId: undefined,
        fence: this.fence,
        state: [["0", [this.count]]],
        hids: [1],
        hash: "h",
      };
    },
    stateSkipped() {},
    superseded() {
      this.supersededCalls++;
    },
  };
}

function setup(checkpointMs: number) {
  const store = new Recording();
  const p = new Persistence({
    store,
    codec: new StateCodec(),
    checkpointMs,
    ttlMs: 60_000,
    logger: silentLogger,
  });
  return { store, p };
}

describe("Persistence waves", () => {
  // Which sessions share a wave depends on when each timer fires: on real time, a stall of
  // the machine fires a wave late and it takes the next session too. The clock (timers,
  // slices and `performance.now()`) is the test's in the first two cases.
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });
  const fakeClock = () => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "Date"],
    });
    // Persistence reads `node:perf_hooks`' clock, the object the fake timers' "performance"
    // would replace only as a global: its `now` follows the fake `Date` instead.
    vi.spyOn(performance, "now").mockImplementation(() => Date.now());
  };

  it("saves each session within checkpointMs of its first change, sessions due apart in separate waves", async () => {
    fakeClock();
    const { store, p } = setup(400);
    const a = session("a");
    const b = session("b");
    const t0 = performance.now();
    p.changed(a);
    await vi.advanceTimersByTimeAsync(200);
    p.changed(b);
    p.changed(a); // already pending: still due at t0 + 400
    await vi.advanceTimersByTimeAsync(200);
    expect(store.calls.map((c) => c.ids)).toEqual([["a"]]);
    await vi.advanceTimersByTimeAsync(200);
    expect(store.calls.map((c) => c.ids)).toEqual([["a"], ["b"]]);
    const [first, second] = store.calls;
    // Due at t0 + 400 and t0 + 600: a wave takes a session at most a tenth early, never late.
    expect(first!.at - t0).toBeGreaterThanOrEqual(400 - 40);
    expect(first!.at - t0).toBeLessThanOrEqual(400);
    expect(second!.at - t0).toBeGreaterThanOrEqual(600 - 40);
    expect(second!.at - t0).toBeLessThanOrEqual(600);
    await p.close();
  });

  it("saves sessions due within a tenth of the interval in one wave", async () => {
    // Due 0, 100, 200 and 400 ms after the first: a tenth of 3 s takes the first three in
    // one wave (a session per timer would save them 100 ms apart), the last in the next.
    fakeClock();
    const { store, p } = setup(3000);
    const t0 = performance.now();
    for (const [key, wait] of [
      ["a", 0],
      ["b", 100],
      ["c", 100],
      ["d", 200],
    ] as const) {
      await vi.advanceTimersByTimeAsync(wait);
      p.changed(session(key));
    }
    await vi.advanceTimersByTimeAsync(3_500);
    expect(store.calls.map((c) => [c.at - t0, c.ids])).toEqual([
      [3_000, ["a", "b", "c"]],
      [3_400, ["d"]],
    ]);
    await p.close();
  });

  it("skips a session that ended before its wave and one whose state did not change", async () => {
    const { store, p } = setup(50);
    const a = session("a");
    const b = session("b");
    p.changed(a);
    p.changed(b);
    p.forget(b);
    await sleep(120);
    expect(store.calls.map((c) => c.ids)).toEqual([["a"]]);
    // A frame that changed nothing persisted (same state, URL, hids): no write.
    p.changed(a);
    await sleep(120);
    expect(store.calls).toHaveLength(1);
    a.count++;
    p.changed(a);
    await sleep(120);
    expect(store.calls.map((c) => c.ids)).toEqual([["a"], ["a"]]);
    expect(await p.load("b")).toBeUndefined();
    await p.close();
  });

  it("saves a session whose frames changed nothing persisted when a resume follows: its socket dropped, or a shutdown", async () => {
    const { store, p } = setup(50);
    const a = session("a");
    p.changed(a);
    await sleep(120);
    expect((await p.load("a"))?.seq).toBe(0);
    // The wave skips it; the checkpoint's seq stays behind the browser's.
    a.frames++;
    p.changed(a);
    await sleep(120);
    expect(store.calls).toHaveLength(1);
    expect((await p.load("a"))?.seq).toBe(0);
    // Its socket dropped: the resume that follows finds the browser's seq, and sends nothing.
    await p.now(a);
    expect((await p.load("a"))?.seq).toBe(1);
    // A shutdown writes a frame no wave took yet…
    a.frames++;
    p.changed(a);
    await p.saveAll([a]);
    expect(store.calls).toHaveLength(2);
    expect((await p.load("a"))?.seq).toBe(2);
    // …but rewrites nothing that did not move.
    await p.saveAll([a]);
    await p.now(a);
    expect(store.calls).toHaveLength(2);
    await store.save("a", new Uint8Array([1]), 60_000); // another instance's
    await p.now(a);
    expect(await store.load("a")).toEqual(new Uint8Array([1]));
    await p.close();
  });

  it("a copy whose checkpoint another instance saved with a greater fence is superseded, and leaves that checkpoint", async () => {
    const { store, p } = setup(50);
    // The tab's session on this instance (fence 0), and the same key resumed elsewhere.
    const [a, b, c] = [session("a"), session("b"), session("c")];
    for (const s of [a, b, c]) {
      p.changed(s);
      s.count = 1;
    }
    await sleep(120);
    expect(store.calls).toHaveLength(1);
    const elsewhere = (key: string, count: number) => {
      const s = session(key);
      s.fence = 1;
      s.count = count;
      return s;
    };
    await new Persistence({
      store,
      codec: new StateCodec(),
      checkpointMs: 50,
      ttlMs: 60_000,
      logger: silentLogger,
    }).saveAll([elsewhere("a", 7), elsewhere("b", 8)]);
    // A wave here (a timer changed the state of the copies left behind).
    for (const s of [a, b, c]) {
      s.count = 2;
      p.changed(s);
    }
    await sleep(120);
    expect([a.supersededCalls, b.supersededCalls, c.supersededCalls]).toEqual([1, 1, 0]);
    expect((await p.load("a"))?.state).toEqual([["0", [7]]]);
    expect((await p.load("b"))?.state).toEqual([["0", [8]]]);
    expect((await p.load("c"))?.state).toEqual([["0", [2]]]);
    // The socket-drop checkpoint and the shutdown's are refused the same way.
    a.count = 3;
    await p.now(a);
    expect(a.supersededCalls).toBe(2);
    b.count = 3;
    c.count = 3;
    await p.saveAll([b, c]);
    expect([b.supersededCalls, c.supersededCalls]).toEqual([2, 0]);
    expect((await p.load("a"))?.state).toEqual([["0", [7]]]);
    expect((await p.load("b"))?.fence).toBe(1);
    expect((await p.load("c"))?.state).toEqual([["0", [3]]]);
    await p.close();
  });

  it("keeps live sessions' checkpoints from expiring: touchAll sets their TTL, a hundred at a time, never reviving a forgotten one", async () => {
    const touched: string[] = [];
    let inFlight = 0;
    let most = 0;
    class Touching extends MemorySessionStore {
      override async touch(id: string, ttlMs: number): Promise<boolean> {
        inFlight++;
        most = Math.max(most, inFlight);
        touched.push(id);
        await sleep(1);
        inFlight--;
        return super.touch(id, ttlMs);
      }
    }
    const store = new Touching();
    const p = new Persistence({
      store,
      codec: new StateCodec(),
      checkpointMs: 50,
      ttlMs: 60_000,
      logger: silentLogger,
    });
    const sessions = Array.from({ length: 250 }, (_, i) => session(`s${i}`));
    await p.saveAll(sessions);
    sessions[7]!.forgotten = true;
    const pass = p.touchAll(sessions);
    void p.touchAll(sessions); // a pass under way: the second is skipped
    await pass;
    expect(touched).toHaveLength(249);
    expect(touched).not.toContain("s7");
    expect(most).toBe(100);
    // Closing stops a pass under way after its slice (the store closes behind it).
    const closing = p.touchAll(sessions);
    await p.close();
    await closing;
    expect(touched).toHaveLength(249 + 99); // one slice (s7 left out)
  });

  it("a store that fails a keep-alive is logged and the pass stops; the next pass tries again", async () => {
    let calls = 0;
    class Down extends MemorySessionStore {
      override async touch(): Promise<boolean> {
        calls++;
        throw Object.assign(new Error("down"), { code: "store_unavailable" });
      }
    }
    const logger = captureLogger();
    const p = new Persistence({
      store: new Down(),
      codec: new StateCodec(),
      checkpointMs: 50,
      ttlMs: 60_000,
      logger,
    });
    const sessions = Array.from({ length: 250 }, (_, i) => session(`s${i}`));
    await p.touchAll(sessions);
    expect(calls).toBe(100);
    expect(logger.entries.map((e) => [e.msg, (e.obj as { op: string }).op])).toEqual([
      ["session store failed", "touch"],
    ]);
    await p.touchAll(sessions);
    expect(calls).toBe(200);
    await p.close();
  });

  it("keepAlive touches the live sessions every half of ttlMs, until close", async () => {
    vi.useFakeTimers();
    try {
      const { store, p } = setup(50);
      const touches: string[] = [];
      store.touch = async (id: string) => {
        touches.push(id);
        return true;
      };
      const a = session("a");
      p.keepAlive(() => [a]);
      await vi.advanceTimersByTimeAsync(29_999); // ttlMs 60 s: every 30 s
      expect(touches).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(touches).toEqual(["a"]);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(touches).toEqual(["a", "a", "a"]);
      await p.close();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(touches).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
