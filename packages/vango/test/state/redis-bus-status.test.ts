/**
 * When RedisBus reports up and down (a unit, on fake connections; the outage test runs a
 * real redis-server): up only once the subscriber has its channels back **and** the app's
 * client — the publisher — is connected, since the shared-state layer publishes its
 * catch-up request right after `status(true)`; down when either connection drops.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { RedisBus, type RedisBusSubscriber } from "../../src/state/redis-bus.ts";
import { Recorder, until } from "./bus-recorder.ts";

class FakeConnection extends EventEmitter {
  status = "connecting";
  readonly subscribed: string[] = [];
  async subscribe(...channels: string[]): Promise<unknown> {
    this.subscribed.push(...channels);
    return channels.length;
  }
  async unsubscribe(): Promise<unknown> {
    return 0;
  }
  async publish(): Promise<unknown> {
    if (this.status !== "ready") throw new Error("Stream isn't writeable");
    return 1;
  }
  async quit(): Promise<unknown> {
    return "OK";
  }
  disconnect(): void {}
  connect(): void {
    this.status = "ready";
    this.emit("ready");
  }
  drop(): void {
    this.status = "reconnecting";
    this.emit("close");
  }
}

function setup() {
  const client = new FakeConnection();
  const sub = new FakeConnection();
  const bus = new RedisBus({
    client: Object.assign(client, { duplicate: () => sub as RedisBusSubscriber }),
    prefix: "t:",
  });
  const rec = new Recorder();
  bus.open(rec);
  return { client, sub, bus, rec };
}

describe("RedisBus status", () => {
  it("is up only once the subscriber and the publishing client are both connected", async () => {
    const { client, sub, bus, rec } = setup();
    sub.connect();
    await new Promise((r) => setTimeout(r, 20));
    expect(rec.statuses).toEqual([]);
    client.connect();
    await until(() => rec.up);
    expect(rec.statuses).toEqual([true]);
    await bus.publish("c", Uint8Array.of(1));
    await bus.close();
    // Its listeners leave the app's client with the bus.
    expect(client.listenerCount("ready") + client.listenerCount("close")).toBe(0);
  });

  it("reports down when the publishing client drops, and up again once it is back", async () => {
    const { client, sub, bus, rec } = setup();
    client.connect();
    sub.connect();
    await until(() => rec.up);
    await bus.subscribe("c1");
    client.drop();
    expect(rec.statuses).toEqual([true, false]);
    await expect(bus.publish("c1", Uint8Array.of(1))).rejects.toThrow();
    client.connect();
    await until(() => rec.up);
    expect(rec.statuses).toEqual([true, false, true]);
    // The channels were put in place again before reporting up.
    expect(sub.subscribed.filter((c) => c === "t:c1").length).toBeGreaterThanOrEqual(1);
    await bus.publish("c1", Uint8Array.of(2));
    await bus.close();
  });

  it("reports down when the subscriber drops, up once it re-subscribed", async () => {
    const { client, sub, bus, rec } = setup();
    client.connect();
    sub.connect();
    await until(() => rec.up);
    await bus.subscribe("c1");
    const before = sub.subscribed.length;
    sub.drop();
    expect(rec.statuses).toEqual([true, false]);
    sub.connect();
    await until(() => rec.up);
    expect(sub.subscribed.slice(before)).toEqual(["t:c1"]);
    await bus.close();
  });
});
