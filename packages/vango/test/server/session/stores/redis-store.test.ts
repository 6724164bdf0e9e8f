import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisSessionStore } from "../../../../src/server/session/stores/redis-store.ts";
import { sessionStoreSuite } from "./store.cases.ts";

const base = `test:vango:sess:${randomUUID()}:`;
const client = new Redis({ host: "127.0.0.1", port: 6379 });
let n = 0;

async function keys(match: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await client.scan(cursor, "MATCH", match, "COUNT", 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== "0");
  return found;
}

afterAll(async () => {
  const left = await keys(`${base}*`);
  for (let i = 0; i < left.length; i += 500) await client.del(...left.slice(i, i + 500));
  await client.quit();
});

sessionStoreSuite("redis", async () => new RedisSessionStore({ client, prefix: `${base}${n++}:` }));

describe("RedisSessionStore", () => {
  it("keeps one prefixed binary key per session with its TTL in ms", async () => {
    const prefix = `${base}layout:`;
    const store = new RedisSessionStore({ client, prefix });
    await store.save("abc", Uint8Array.of(0, 255, 10), 90_000);
    expect(await keys(`${prefix}*`)).toEqual([`${prefix}abc`]);
    expect(await client.getBuffer(`${prefix}abc`)).toEqual(Buffer.from([0, 255, 10]));
    const pttl = await client.pttl(`${prefix}abc`);
    expect(pttl).toBeGreaterThan(85_000);
    expect(pttl).toBeLessThanOrEqual(90_000);
    expect(await store.touch("abc", 5_000)).toBe(true);
    expect(await client.pttl(`${prefix}abc`)).toBeLessThanOrEqual(5_000);
  });

  it("sends saveAll as pipelines of 500 commands", async () => {
    const prefix = `${base}pipe:`;
    const store = new RedisSessionStore({ client, prefix });
    const before = await commandCount("set");
    const entries = Array.from({ length: 1200 }, (_, i) => ({
      id: `p${i}`,
      data: Uint8Array.of(i & 255),
      ttlMs: 60_000,
    }));
    const execs: number[] = [];
    const counting = new Proxy(client, {
      get(target, prop, receiver) {
        if (prop !== "pipeline") return Reflect.get(target, prop, receiver);
        return () => {
          const p = target.pipeline();
          const exec = p.exec.bind(p);
          p.exec = (() => {
            execs.push(p.length);
            return exec();
          }) as typeof p.exec;
          return p;
        };
      },
    });
    await new RedisSessionStore({ client: counting, prefix }).saveAll(entries);
    expect(execs).toEqual([500, 500, 200]);
    expect((await commandCount("set")) - before).toBeGreaterThanOrEqual(1200);
    expect(await store.load("p1199")).toEqual(Uint8Array.of(1199 & 255));
  });

  it("rejects with store_unavailable when Redis is unreachable", async () => {
    const dead = new Redis({
      host: "127.0.0.1",
      port: 1,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    dead.on("error", () => {});
    const store = new RedisSessionStore({ client: dead });
    const one = Uint8Array.of(1);
    for (const call of [
      () => store.save("x", one, 1000),
      () => store.load("x"),
      () => store.delete("x"),
      () => store.touch("x", 1000),
      () => store.saveAll([{ id: "x", data: one, ttlMs: 1000 }]),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: "store_unavailable" });
    }
    dead.disconnect();
  });
});

/** Calls of `cmd` Redis has executed so far (INFO commandstats). */
async function commandCount(cmd: string): Promise<number> {
  const info = await client.info("commandstats");
  const m = new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(info);
  return m ? Number(m[1]) : 0;
}
