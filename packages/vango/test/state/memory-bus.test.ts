import { describe, expect, it } from "vitest";
import { MemoryBroker, MemoryBus } from "../../src/state/memory-bus.ts";
import { busSuite } from "./bus.cases.ts";
import { Recorder, text, until } from "./bus-recorder.ts";

const broker = new MemoryBroker();
busSuite("memory", { connect: () => new MemoryBus(broker), quietMs: 20 });

describe("MemoryBus", () => {
  it("never delivers inside publish, and gives every receiver its own copy", async () => {
    const b = new MemoryBroker();
    const [x, y] = [new MemoryBus(b), new MemoryBus(b)];
    const [rx, ry] = [new Recorder(), new Recorder()];
    x.open(rx);
    y.open(ry);
    await x.subscribe("c");
    await y.subscribe("c");
    const data = text("abc");
    const p = x.publish("c", data);
    data[0] = 0x7a; // the caller reuses its buffer: what was sent is unchanged
    expect(rx.messages.length + ry.messages.length).toBe(0);
    await p;
    await until(() => rx.messages.length === 1 && ry.messages.length === 1);
    expect(rx.texts("c")).toEqual(["abc"]);
    expect(rx.messages[0]!.data).not.toBe(ry.messages[0]!.data);
  });

  it("a bus of its own (the single-instance default) hears only itself", async () => {
    const [x, y] = [new MemoryBus(), new MemoryBus()];
    const [rx, ry] = [new Recorder(), new Recorder()];
    x.open(rx);
    y.open(ry);
    await x.subscribe("c");
    await y.subscribe("c");
    await x.publish("c", text("1"));
    await until(() => rx.messages.length === 1);
    expect(ry.messages).toEqual([]);
  });
});
