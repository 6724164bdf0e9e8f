/**
 * `createApp({ bus })`: the process's shared state moves to the app's bus, readiness
 * watches it as `bus`, metrics count its messages, bad settings are a `ConfigError`
 * at startup, and `close()` leaves the bus (withdrawing this instance's members).
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/server/core/errors.ts";
import { MemoryBroker, MemoryBus } from "../../src/state/memory-bus.ts";
import { SharedState, sharedState } from "../../src/state/shared-state.ts";
import { until } from "../state/bus-recorder.ts";
import { Counter } from "./fixtures.tsx";
import { type Running, start } from "./helpers.ts";
import { sample } from "./metrics-text.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe("createApp({ bus })", () => {
  it("connects the process's shared state; readiness and metrics report the bus", async () => {
    const broker = new MemoryBroker();
    const peer = new SharedState({ adapter: new MemoryBus(broker) });
    const theirs = peer.globalSignal("app.count", 0);
    const ours = sharedState().globalSignal("app.count", 0);
    srv = await start({ routes: { "/": Counter }, bus: new MemoryBus(broker) });
    await until(() => sharedState().up);
    const ready = await fetch(`${srv.base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, unknown> }).checks.bus).toMatchObject({
      status: "ok",
      state: "closed",
    });
    ours.set(41);
    await until(() => theirs() === 41);
    theirs.set(42);
    await until(() => ours() === 42);
    const text = await srv.app.metrics!.metrics();
    const count = (labels: string) => sample(text, "vango_bus_messages_total", labels) ?? 0;
    expect(count('direction="out",outcome="sent"')).toBeGreaterThan(0);
    expect(count('direction="in",outcome="ok"')).toBeGreaterThan(0);
    expect(count('direction="in",outcome="invalid"')).toBe(0);

    // A member of this instance leaves the bus with the app.
    const room = peer.presence<string>("app.room");
    sharedState().presence<string>("app.room").join("me");
    await until(() => room.members().length === 1);
    await srv.close();
    srv = undefined;
    await until(() => room.members().length === 0, 1_000);
    await peer.disconnect();
  });

  it("refuses bad settings and a second bus in the process with config_invalid", async () => {
    const adapter = new MemoryBus();
    for (const [bus, option] of [
      [{ adapter, presenceHeartbeatMs: 1 }, "bus.presenceHeartbeatMs"],
      [{ adapter, maxMessageBytes: 100 }, "bus.maxMessageBytes"],
      [{ adapter: {} }, "bus.adapter"],
      [{ publish() {} }, "bus"],
    ] as const) {
      await expect(start({ routes: { "/": Counter }, bus: bus as never })).rejects.toMatchObject({
        code: "config_invalid",
        option,
      });
    }
    srv = await start({ routes: { "/": Counter }, bus: new MemoryBus() });
    await expect(start({ routes: { "/": Counter }, bus: new MemoryBus() })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
