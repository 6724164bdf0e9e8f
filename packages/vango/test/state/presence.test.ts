/** Presence across "instances" (hubs on one in-process broker), with short heartbeats. */
import { afterEach, describe, expect, it } from "vitest";
import { createRoot } from "../../src/reactive/index.ts";
import type { Bus } from "../../src/state/bus.ts";
import { decodeMessage, MessageKind } from "../../src/state/bus-message.ts";
import { MemoryBroker, MemoryBus } from "../../src/state/memory-bus.ts";
import { SharedState, type SharedStateOptions } from "../../src/state/shared-state.ts";
import { sleep, until } from "./bus-recorder.ts";
import { FlakyBus } from "./flaky-bus.ts";

const hubs: SharedState[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.disconnect()));
});

// Short, but far enough apart that a stall of a busy machine between two heartbeats does
// not outlast the TTL (all timers here share one event loop).
const FAST = { presenceHeartbeatMs: 50, presenceTtlMs: 300 } as const;

function instance(
  broker: MemoryBroker,
  options: Partial<SharedStateOptions> = {},
  adapter: Bus = new MemoryBus(broker),
): SharedState {
  const h = new SharedState({ adapter, ...FAST, ...options });
  hubs.push(h);
  return h;
}

type Meta = { name: string };
const names = (list: readonly { meta: Meta }[]): string[] => list.map((m) => m.meta.name);

describe("presence across instances", () => {
  it("lists members of every instance in one join order, and follows updates and leaves", async () => {
    const broker = new MemoryBroker();
    const pa = instance(broker).presence<Meta>("room");
    const pb = instance(broker).presence<Meta>("room");
    await sleep(5);
    const ada = pa.join({ name: "ada" });
    await until(() => pb.members().length === 1);
    const bob = pb.join({ name: "bob" });
    await until(() => pa.members().length === 2);
    expect(names(pa.members())).toEqual(["ada", "bob"]);
    expect(names(pb.members())).toEqual(["ada", "bob"]);
    expect(pa.members().map((m) => m.local)).toEqual([true, false]);
    expect(pb.members()[0]!.id).toBe(ada.id);
    ada.update({ name: "ada lovelace" });
    await until(() => pb.members()[0]!.meta.name === "ada lovelace");
    expect(names(pb.members())).toEqual(["ada lovelace", "bob"]); // keeps its place
    bob.leave();
    bob.leave();
    await until(() => pa.members().length === 1);
    expect(names(pa.members())).toEqual(["ada lovelace"]);
  });

  it("a member joined under an owner leaves when the owner is disposed (session end, unmount)", async () => {
    const broker = new MemoryBroker();
    const pa = instance(broker).presence<Meta>("room");
    const pb = instance(broker).presence<Meta>("room");
    await sleep(5);
    const dispose = createRoot((d) => {
      pa.join({ name: "tab" });
      return d;
    });
    await until(() => pb.members().length === 1);
    dispose();
    expect(pa.members()).toEqual([]);
    await until(() => pb.members().length === 0);
  });

  it("a late-joining instance sees the members already there", async () => {
    const broker = new MemoryBroker();
    const pa = instance(broker).presence<Meta>("room");
    pa.join({ name: "ada" });
    pa.join({ name: "eve" });
    await sleep(10);
    const late = instance(broker).presence<Meta>("room");
    await until(() => late.members().length === 2);
    expect(names(late.members())).toEqual(["ada", "eve"]);
  });

  it("members of a crashed instance expire after the TTL", async () => {
    const broker = new MemoryBroker();
    const pa = instance(broker).presence<Meta>("room");
    const crashing = new MemoryBus(broker);
    // Not in `hubs`: it never departs, its bus just goes silent, as a killed process's would.
    const hb = new SharedState({ adapter: crashing, ...FAST });
    hb.presence<Meta>("room").join({ name: "doomed" });
    await until(() => pa.members().length === 1);
    await sleep(FAST.presenceTtlMs + 150); // heartbeats keep it listed well past the TTL
    expect(pa.members()).toHaveLength(1);
    await crashing.close();
    const t0 = performance.now();
    await until(() => pa.members().length === 0, 2_000);
    // Room above the TTL and a period for a stall of the machine while the test waits.
    expect(performance.now() - t0).toBeLessThan(
      FAST.presenceTtlMs + FAST.presenceHeartbeatMs + 400,
    );
  });

  it("an instance that leaves the bus withdraws its members at once", async () => {
    const broker = new MemoryBroker();
    const pa = instance(broker, {
      presenceHeartbeatMs: 1_000,
      presenceTtlMs: 60_000,
    }).presence<Meta>("r");
    const hb = new SharedState({ adapter: new MemoryBus(broker) });
    hb.presence<Meta>("r").join({ name: "x" });
    await until(() => pa.members().length === 1);
    await hb.disconnect();
    await until(() => pa.members().length === 0, 500);
  });

  it("a lost message is repaired: the heartbeat's seq shows the gap and the full list is asked for", async () => {
    // Heartbeats far enough apart that none comes (and repairs) before the test looks,
    // even after a stall of the machine; the TTL well above them.
    const slow = { presenceHeartbeatMs: 400, presenceTtlMs: 2_000 };
    const broker = new MemoryBroker();
    const flaky = new FlakyBus(broker);
    const pa = instance(broker, slow, flaky).presence<Meta>("room");
    const pb = instance(broker, slow).presence<Meta>("room");
    await sleep(5);
    let lost = 0;
    flaky.drop = (_c, d) => {
      const m = decodeMessage(d);
      if (m.kind === MessageKind.PresenceJoin && lost === 0) {
        lost++;
        return true;
      }
      return false;
    };
    pb.join({ name: "bob" });
    await sleep(5);
    expect(pa.members()).toEqual([]); // its join was lost
    await until(() => pa.members().length === 1, 5_000, "repair");
    expect(lost).toBe(1);
    expect(names(pa.members())).toEqual(["bob"]);
  });

  it("splits a large list into parts within the message bound", async () => {
    const broker = new MemoryBroker();
    const small = { maxMessageBytes: 4 * 1024 + 1_100 };
    const pa = instance(broker, small).presence<Meta>("big");
    for (let i = 0; i < 60; i++) pa.join({ name: `${"n".repeat(60)}${i}` });
    await sleep(10);
    const late = instance(broker, small).presence<Meta>("big");
    await until(() => late.members().length === 60);
    expect(names(late.members())).toEqual(names(pa.members()));
  });

  it("after an outage both sides see each other's members again", async () => {
    const broker = new MemoryBroker();
    const flaky = new FlakyBus(broker);
    const ha = instance(broker, { breaker: { failureThreshold: 1, resetMs: 30 } }, flaky);
    const pa = ha.presence<Meta>("room");
    const pb = instance(broker).presence<Meta>("room");
    await sleep(5);
    pa.join({ name: "ada" });
    await until(() => pb.members().length === 1);
    flaky.down();
    pb.join({ name: "bob" }); // A hears nothing
    await sleep(FAST.presenceTtlMs + 150); // A's members expire on B (no heartbeats arrive), B's are unknown to A
    expect(names(pb.members())).toEqual(["bob"]);
    expect(names(pa.members())).toEqual(["ada"]);
    flaky.up();
    await until(() => pa.members().length === 2 && pb.members().length === 2, 2_000);
    expect(names(pa.members())).toEqual(names(pb.members()));
  });
});
