/**
 * RedisBus through a Redis outage, on a redis-server of its own (stopped and restarted;
 * never the shared one): it reports the lost connection, reports up again only once its
 * channels are re-subscribed, and then delivers on them as before.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBus } from "../../src/state/redis-bus.ts";
import { RedisProcess } from "../server/redis-process.ts";
import { Recorder, text, until } from "./bus-recorder.ts";

let redis: RedisProcess;
const clients: Redis[] = [];
beforeAll(async () => {
  redis = await RedisProcess.start();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
});

function client(): Redis {
  const c = new Redis({
    port: redis.port,
    host: "127.0.0.1",
    enableOfflineQueue: false,
    retryStrategy: () => 50,
  });
  c.on("error", () => {});
  clients.push(c);
  return c;
}

describe("RedisBus through an outage", () => {
  it("reports down, then up once re-subscribed, and delivers again", async () => {
    const a = new RedisBus({ client: client(), prefix: "outage:" });
    const b = new RedisBus({ client: client(), prefix: "outage:" });
    const [ra, rb] = [new Recorder(), new Recorder()];
    a.open(ra);
    b.open(rb);
    await until(() => ra.up && rb.up);
    await b.subscribe("c1");
    await b.subscribe("c2");
    await a.publish("c1", text("before"));
    await until(() => rb.messages.length === 1);

    await redis.stop();
    await until(() => !rb.up, 5_000, "status(false)");
    await expect(a.publish("c1", text("lost"))).rejects.toThrow();
    // Subscribing while down is refused, and kept: it is in place after the return.
    await expect(b.subscribe("c3")).rejects.toThrow();

    await redis.resume();
    await until(() => rb.up && ra.up, 10_000, "status(true)");
    expect(rb.statuses).toEqual([true, false, true]);
    for (const c of ["c1", "c2", "c3"]) await a.publish(c, text(`after ${c}`));
    await until(() => rb.messages.length === 4);
    expect(rb.messages.map((m) => new TextDecoder().decode(m.data))).toEqual([
      "before",
      "after c1",
      "after c2",
      "after c3",
    ]);
    await a.close();
    await b.close();
  }, 30_000);
});
