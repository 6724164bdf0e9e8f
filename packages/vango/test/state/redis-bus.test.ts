/** The bus suite on the real Redis (shared server, channels under a prefix of this run). */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisBus } from "../../src/state/redis-bus.ts";
import { busSuite } from "./bus.cases.ts";
import { Recorder, text, until } from "./bus-recorder.ts";

const prefix = `test:vango:bus:${randomUUID()}:`;
const clients: Redis[] = [];
function client(): Redis {
  const c = new Redis({ host: "127.0.0.1", port: 6379, enableOfflineQueue: false });
  c.on("error", () => {});
  clients.push(c);
  return c;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
});

busSuite("redis", { connect: () => new RedisBus({ client: client(), prefix }), quietMs: 100 });

describe("RedisBus", () => {
  it("uses prefixed Redis channels, so apps with other prefixes never meet", async () => {
    const a = new RedisBus({ client: client(), prefix });
    const other = new RedisBus({ client: client(), prefix: `${prefix}other:` });
    const [ra, ro] = [new Recorder(), new Recorder()];
    a.open(ra);
    other.open(ro);
    await until(() => ra.up && ro.up);
    await a.subscribe("c");
    await other.subscribe("c");
    const spy = client();
    await new Promise((r) => spy.once("ready", r));
    expect(await spy.publish(`${prefix}c`, "raw")).toBe(1);
    await until(() => ra.messages.length === 1);
    expect(ra.texts("c")).toEqual(["raw"]);
    await a.publish("c", text("x"));
    await until(() => ra.messages.length === 2);
    expect(ro.messages).toEqual([]);
    await a.close();
    await other.close();
  });
});
