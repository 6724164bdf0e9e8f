/**
 * When `Persistence` saves (issue 13): each changed session within `checkpointMs` of its
 * first unsaved frame, in waves of the sessions due together — not one burst of every
 * session per interval — and nothing for a session that ended or did not change.
 */
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/server/core/logger.ts";
import { CHECKPOINT_VERSION, type Checkpoint } from "../../../src/server/session/checkpoint.ts";
import { type Persistable, Persistence } from "../../../src/server/session/persistence.ts";
import type { SessionEntry } from "../../../src/server/session/session-store.ts";
import { MemorySessionStore } from "../../../src/server/session/stores/memory-store.ts";
import { StateCodec } from "../../../src/state/codec.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Recording extends MemorySessionStore {
  readonly calls: { at: number; ids: string[] }[] = [];
  override saveAll(entries: readonly SessionEntry[]): Promise<void> {
    this.calls.push({ at: performance.now(), ids: entries.map((e) => e.id) });
    return super.saveAll(entries);
  }
}

function session(key: string): Persistable & { count: number } {
  return {
    key,
    id: key,
    savedPrint: undefined,
    forgotten: false,
    count: 0,
    checkpoint(): Checkpoint {
      return {
        v: CHECKPOINT_VERSION,
        sid: "sid",
        url: "/",
        seq: this.count,
        cseq: this.count,
        userId: undefined,
        state: [["0", [this.count]]],
        hids: [1],
        hash: "h",
      };
    },
    stateSkipped() {},
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
  it("saves each session within checkpointMs of its first change, sessions due apart in separate waves", async () => {
    const { store, p } = setup(400);
    const a = session("a");
    const b = session("b");
    const t0 = performance.now();
    p.changed(a);
    await sleep(200);
    p.changed(b);
    p.changed(a); // already pending: still due at t0 + 400
    await sleep(700);
    expect(store.calls.map((c) => c.ids)).toEqual([["a"], ["b"]]);
    const [first, second] = store.calls;
    // A wave may take a session up to a tenth of the interval early, never late (timers allowing).
    expect(first!.at - t0).toBeGreaterThanOrEqual(400 - 40 - 2);
    expect(first!.at - t0).toBeLessThan(400 + 150);
    expect(second!.at - first!.at).toBeGreaterThan(100);
    await p.close();
  });

  it("saves sessions due within a tenth of the interval in one wave", async () => {
    // Due 0, 100 and 200 ms after the first: a tenth of 3 s takes them in one wave (a
    // session per timer would save them 100 ms apart).
    const { store, p } = setup(3000);
    const list = ["a", "b", "c"].map(session);
    const changedAt: number[] = [];
    for (const s of list) {
      changedAt.push(performance.now());
      p.changed(s);
      await sleep(100);
    }
    await sleep(3500);
    // A loaded machine may stretch the sleeps: the wave takes those due within its tenth.
    const due = list.filter((_, i) => changedAt[i]! - changedAt[0]! < 300 - 20).map((s) => s.key);
    expect(due.length).toBeGreaterThanOrEqual(2);
    // The wave's slices (about 1 ms of encoding each) follow one another at once.
    const first = store.calls[0]!.at;
    const wave = store.calls.filter((c) => c.at - first < 50);
    expect(wave.flatMap((c) => c.ids)).toEqual(due);
    expect(store.calls.flatMap((c) => c.ids)).toEqual(["a", "b", "c"]);
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
});
