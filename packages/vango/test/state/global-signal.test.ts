/**
 * Global signals across "instances": several hubs on one in-process broker, each with
 * its own bus, as separate processes on one Redis would be.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createRoot, effect } from "../../src/reactive/index.ts";
import { setSignalRecorder } from "../../src/reactive/signal.ts";
import { encodeMessage, MessageKind } from "../../src/state/bus-message.ts";
import { StateError } from "../../src/state/codec.ts";
import { MemoryBroker, MemoryBus } from "../../src/state/memory-bus.ts";
import { SharedState, type SharedStateOptions } from "../../src/state/shared-state.ts";
import { sleep, until } from "./bus-recorder.ts";

const hubs: SharedState[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.disconnect()));
});

function instance(broker: MemoryBroker, options: Partial<SharedStateOptions> = {}): SharedState {
  const h = new SharedState({ adapter: new MemoryBus(broker), ...options });
  hubs.push(h);
  return h;
}

describe("globalSignal across instances", () => {
  it("reads 1, 2 across two instances (issue 13: a module-level signal read 1, 1, 2)", async () => {
    const broker = new MemoryBroker();
    const a = instance(broker).globalSignal("count", 0);
    const b = instance(broker).globalSignal("count", 0);
    await sleep(5);
    a.update((n) => n + 1);
    expect(a()).toBe(1); // applied here at once
    await until(() => b() === 1);
    b.update((n) => n + 1);
    await until(() => a() === 2);
    expect([a(), b()]).toEqual([2, 2]);
  });

  it("re-runs readers on the other instance (what re-renders its sessions)", async () => {
    const broker = new MemoryBroker();
    const a = instance(broker).globalSignal("seen", "");
    const b = instance(broker).globalSignal("seen", "");
    const runs: string[] = [];
    const stop = createRoot((dispose) => {
      effect(() => {
        runs.push(b());
      });
      return dispose;
    });
    await sleep(5);
    a.set("hello");
    await until(() => runs.length === 2);
    expect(runs).toEqual(["", "hello"]);
    stop();
  });

  it("gives a late-joining instance the current value, with Dates, Maps and BigInts intact", async () => {
    const broker = new MemoryBroker();
    const a = instance(broker).globalSignal("cfg", {
      at: new Date(0),
      m: new Map<string, bigint>(),
    });
    await sleep(5);
    a.set({ at: new Date(1_700_000_000_000), m: new Map([["x", 10n ** 20n]]) });
    const late = instance(broker).globalSignal("cfg", {
      at: new Date(0),
      m: new Map<string, bigint>(),
    });
    expect(late().at.getTime()).toBe(0);
    await until(() => late().at.getTime() === 1_700_000_000_000);
    expect(late().m.get("x")).toBe(10n ** 20n);
  });

  it("resolves concurrent writes last-writer-wins by stamp, then instance id, the same everywhere", async () => {
    const broker = new MemoryBroker();
    const ha = instance(broker, { instanceId: "aaa" });
    const hb = instance(broker, { instanceId: "bbb" });
    const a = ha.globalSignal("k", "init");
    const b = hb.globalSignal("k", "init");
    await sleep(5);
    // Both at clock 1, neither has seen the other's: the tie goes to the greater id.
    a.set("from a");
    b.set("from b");
    await until(() => a() === "from b");
    await sleep(10);
    expect([a(), b()]).toEqual(["from b", "from b"]);
    // A write made after seeing another always wins over it, whatever the ids.
    a.set("a again");
    await until(() => b() === "a again");
    expect(a()).toBe("a again");
  });

  it("refuses an unserializable or oversized value with a coded StateError, changing nothing", async () => {
    const broker = new MemoryBroker();
    const published: string[] = [];
    const a = instance(broker, {
      maxMessageBytes: 8 * 1024,
      observer: { busPublished: (o) => published.push(o), busReceived: () => {} },
    }).globalSignal<unknown>("v", 1);
    await sleep(5);
    published.length = 0;
    expect(() => a.set({ f: () => 1 })).toThrow(
      expect.objectContaining({ code: "state_unserializable", path: "f" }),
    );
    expect(() => a.set("x".repeat(10_000))).toThrow(StateError);
    expect(() => a.set("x".repeat(10_000))).toThrow(
      expect.objectContaining({ code: "state_limit_exceeded" }),
    );
    expect(a()).toBe(1);
    await sleep(5);
    expect(published).toEqual([]);
  });

  it("drops malformed messages from the bus: counted, logged, the value unchanged", async () => {
    const broker = new MemoryBroker();
    const received: string[] = [];
    const warnings: unknown[] = [];
    const hub = instance(broker, {
      observer: { busPublished: () => {}, busReceived: (o) => received.push(o) },
      logger: { debug() {}, info() {}, error() {}, warn: (o) => warnings.push(o) },
    });
    const g = hub.globalSignal("g1", 7);
    const raw = new MemoryBus(broker);
    raw.open({ message() {}, status() {} });
    await sleep(5);
    const header = { kind: MessageKind.GlobalSet, topic: "g1", origin: "evil", clock: 9 };
    const bad = [
      new Uint8Array([1, 2, 3, 4]), // bad header length
      new Uint8Array([9, 0, 0]), // unknown version
      encodeMessage({ ...header, origin: "has space" }),
      encodeMessage(header, new TextEncoder().encode('[1, {"$":"zz"}]')), // payload the codec refuses
      encodeMessage({ ...header, topic: "other" }), // on another topic's channel
      encodeMessage({ ...header, clock: 2 ** 53 - 1 }, new TextEncoder().encode("[1,0]")),
    ];
    for (const b of bad) await raw.publish("g.g1", b);
    await until(() => received.length === bad.length);
    expect(received).toEqual(bad.map(() => "invalid"));
    expect(g()).toBe(7);
    expect(warnings).toHaveLength(1); // one line per 10 s, whatever the flood
    expect(warnings[0]).toMatchObject({ code: "bus_message_invalid", channel: "g.g1" });
    // Still working afterwards.
    await raw.publish("g.g1", encodeMessage(header, new TextEncoder().encode("[1,8]")));
    await until(() => g() === 8);
  });

  it("converges after a bus outage: writes made on both sides meanwhile end with the greatest stamp", async () => {
    const { FlakyBus } = await import("./flaky-bus.ts");
    const broker = new MemoryBroker();
    const busA = new FlakyBus(broker);
    const ha = new SharedState({ adapter: busA, breaker: { failureThreshold: 1, resetMs: 30 } });
    const hb = instance(broker);
    hubs.push(ha);
    const a = ha.globalSignal("o", 0);
    const b = hb.globalSignal("o", 0);
    await sleep(5);
    busA.down();
    expect(ha.status()).toMatchObject({ status: "degraded", state: "disconnected" });
    a.set(1); // stays on A
    a.set(2);
    a.set(3);
    b.set(10); // stays on B (A hears nothing)
    await sleep(20);
    expect([a(), b()]).toEqual([3, 10]);
    busA.up();
    // A's stamp (3 writes) beats B's (1 write): both end at 3.
    await until(() => b() === 3 && a() === 3, 2_000, "convergence");
    await until(() => ha.status().status === "ok", 2_000, "circuit closed");
  });

  it("shares one signal per key and releases a key no owner holds any more", async () => {
    const broker = new MemoryBroker();
    const hub = instance(broker);
    const [s1, dispose] = createRoot((d) => [hub.globalSignal("room.1", 0), d] as const);
    const s2 = createRoot(() => hub.globalSignal("room.1", 5));
    expect(s2).toBe(s1);
    expect(s1.key).toBe("room.1");
    expect(broker.subscribers("g.room.1")).toHaveLength(1);
    dispose();
    expect(broker.subscribers("g.room.1")).toHaveLength(1); // the second owner still holds it
    expect(() => hub.globalSignal("no spaces", 0)).toThrow(RangeError);
  });

  it("is never checkpointed by the session whose setup created it first", () => {
    const created: unknown[] = [];
    const prev = setSignalRecorder({
      adopt: () => 99, // what a restored checkpoint would hand back
      created: (s) => created.push(s),
      createdTransient: (s) => created.push(s),
      refills: () => {},
    });
    try {
      const broker = new MemoryBroker();
      const hub = instance(broker);
      const g = hub.globalSignal("visits", 0);
      hub.presence("room");
      expect(g()).toBe(0);
      expect(created).toEqual([]);
    } finally {
      setSignalRecorder(prev);
    }
  });
});
