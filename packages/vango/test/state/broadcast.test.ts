/** Broadcast across "instances" (hubs on one in-process broker). */
import { afterEach, describe, expect, it } from "vitest";
import { createRoot } from "../../src/reactive/index.ts";
import type { BroadcastMessage } from "../../src/state/broadcast.ts";
import { MemoryBroker, MemoryBus } from "../../src/state/memory-bus.ts";
import { SharedState, type SharedStateOptions } from "../../src/state/shared-state.ts";
import { sleep, until } from "./bus-recorder.ts";
import { FlakyBus } from "./flaky-bus.ts";

const hubs: SharedState[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.disconnect()));
});

function instance(
  broker: MemoryBroker,
  options: Partial<SharedStateOptions> = {},
  adapter: MemoryBus | FlakyBus = new MemoryBus(broker),
): SharedState {
  const h = new SharedState({ adapter, ...options });
  hubs.push(h);
  return h;
}

const values = <T>(list: readonly BroadcastMessage<T>[]): T[] => list.map((m) => m.value);

describe("broadcast across instances", () => {
  it("delivers to subscribers everywhere, here before send returns", async () => {
    const broker = new MemoryBroker();
    const ba = instance(broker).broadcast<string>("chat");
    const bb = instance(broker).broadcast<string>("chat");
    const got: [string, string, boolean][] = [];
    ba.subscribe((m) => got.push(["a", m.value, m.local]));
    bb.subscribe((m) => got.push(["b", m.value, m.local]));
    await sleep(5);
    const sent = ba.send("hi");
    expect(got).toEqual([["a", "hi", true]]);
    await until(() => got.length === 2);
    expect(got[1]).toEqual(["b", "hi", false]);
    expect(sent.id).toMatch(/^[\w-]+:1$/);
    expect(ba.recent()).toEqual([]); // history: 0
  });

  it("keeps a bounded history in one order on every instance", async () => {
    const broker = new MemoryBroker();
    const ba = instance(broker).broadcast<string>("chat", { history: 5 });
    const bb = instance(broker).broadcast<string>("chat", { history: 5 });
    await sleep(5);
    for (let i = 0; i < 4; i++) {
      ba.send(`a${i}`);
      bb.send(`b${i}`);
    }
    await until(() => ba.recent().length === 5 && bb.recent().length === 5);
    await sleep(10);
    expect(values(ba.recent())).toEqual(values(bb.recent()));
    expect(ba.recent().map((m) => m.id)).toEqual(bb.recent().map((m) => m.id));
  });

  it("gives a late joiner the recent history", async () => {
    const broker = new MemoryBroker();
    const ba = instance(broker).broadcast<{ text: string }>("chat", { history: 10 });
    ba.send({ text: "first" });
    ba.send({ text: "second" });
    const late = instance(broker).broadcast<{ text: string }>("chat", { history: 10 });
    await until(() => late.recent().length === 2);
    expect(late.recent().map((m) => m.value.text)).toEqual(["first", "second"]);
    expect(late.recent().every((m) => !m.local)).toBe(true);
  });

  it("a subscription ends with its owner, or when its function is called", async () => {
    const broker = new MemoryBroker();
    const b = instance(broker).broadcast<number>("t");
    const got: number[] = [];
    const dispose = createRoot((d) => {
      b.subscribe((m) => got.push(m.value));
      return d;
    });
    const stop = b.subscribe((m) => got.push(m.value * 10));
    b.send(1);
    dispose();
    b.send(2);
    stop();
    b.send(3);
    expect(got).toEqual([1, 10, 20]);
  });

  it("a throwing subscriber is reported, the others still get the message", async () => {
    const broker = new MemoryBroker();
    const errors: unknown[] = [];
    const b = instance(broker, {
      logger: { debug() {}, info() {}, warn() {}, error: (o) => errors.push(o) },
    }).broadcast<number>("t");
    const got: number[] = [];
    b.subscribe(() => {
      throw new Error("boom");
    });
    b.subscribe((m) => got.push(m.value));
    b.send(1);
    expect(got).toEqual([1]);
    expect(errors).toHaveLength(1);
  });

  it("messages sent on either side of an outage reach the other's history afterwards", async () => {
    const broker = new MemoryBroker();
    const flaky = new FlakyBus(broker);
    const ba = instance(
      broker,
      { breaker: { failureThreshold: 1, resetMs: 30 } },
      flaky,
    ).broadcast<string>("chat", { history: 20 });
    const bb = instance(broker).broadcast<string>("chat", { history: 20 });
    await sleep(5);
    ba.send("before");
    await until(() => bb.recent().length === 1);
    flaky.down();
    ba.send("a during");
    bb.send("b during");
    await sleep(10);
    expect(values(bb.recent())).toEqual(["before", "b during"]);
    flaky.up();
    await until(() => ba.recent().length === 3 && bb.recent().length === 3, 2_000);
    expect(values(ba.recent())).toEqual(values(bb.recent()));
  });

  it("refuses a history outside [0, 10000]", () => {
    const hub = instance(new MemoryBroker());
    expect(() => hub.broadcast("x", { history: -1 })).toThrow(RangeError);
    expect(() => hub.broadcast("y", { history: 10_001 })).toThrow(RangeError);
  });
});
