import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisSessionStore } from "../../../../src/server/session/stores/redis-store.ts";
import { RedisProcess } from "../../redis-process.ts";
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
  it("keeps one prefixed hash per session (bytes and fence) with its TTL in ms", async () => {
    const prefix = `${base}layout:`;
    const store = new RedisSessionStore({ client, prefix });
    await store.save("abc", Uint8Array.of(0, 255, 10), 90_000);
    expect(await keys(`${prefix}*`)).toEqual([`${prefix}abc`]);
    expect(await client.type(`${prefix}abc`)).toBe("hash");
    expect(await client.hgetallBuffer(`${prefix}abc`)).toEqual({
      d: Buffer.from([0, 255, 10]),
      f: Buffer.from("0"),
    });
    const pttl = await client.pttl(`${prefix}abc`);
    expect(pttl).toBeGreaterThan(85_000);
    expect(pttl).toBeLessThanOrEqual(90_000);
    expect(await store.save("abc", Uint8Array.of(1), 90_000, 0xffff_ffff)).toBe(true);
    expect(await client.hget(`${prefix}abc`, "f")).toBe("4294967295");
    expect(await store.touch("abc", 5_000)).toBe(true);
    expect(await client.pttl(`${prefix}abc`)).toBeLessThanOrEqual(5_000);
    expect(await client.hget(`${prefix}abc`, "f")).toBe("4294967295");
  });

  it("loads, touches, deletes and replaces a key written before fences (a plain string)", async () => {
    const prefix = `${base}legacy:`;
    const store = new RedisSessionStore({ client, prefix });
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await client.set(`${prefix}old`, every, "PX", 60_000);
    const loaded = await store.load("old");
    expect(loaded).toEqual(new Uint8Array(every));
    expect(Object.getPrototypeOf(loaded)).toBe(Uint8Array.prototype);
    expect(await store.touch("old", 5_000)).toBe(true);
    expect(await client.pttl(`${prefix}old`)).toBeLessThanOrEqual(5_000);
    expect(await client.type(`${prefix}old`)).toBe("string");
    // Its fence is 0: the least fence replaces it.
    expect(await store.save("old", Uint8Array.of(1), 60_000)).toBe(true);
    expect(await client.type(`${prefix}old`)).toBe("hash");
    expect(await store.load("old")).toEqual(Uint8Array.of(1));
    expect(await client.pttl(`${prefix}old`)).toBeGreaterThan(55_000);

    await client.set(`${prefix}batch`, Buffer.from([9]), "PX", 60_000);
    await client.set(`${prefix}gone`, Buffer.from([9]), "PX", 60_000);
    expect(
      await store.saveAll([{ id: "batch", data: Uint8Array.of(2), ttlMs: 60_000, fence: 3 }]),
    ).toEqual([]);
    expect(await client.hget(`${prefix}batch`, "f")).toBe("3");
    expect(await store.load("batch")).toEqual(Uint8Array.of(2));
    await store.delete("gone");
    expect(await store.load("gone")).toBeUndefined();
  });

  it("sends saveAll as pipelines of 500 commands", async () => {
    const prefix = `${base}pipe:`;
    const store = new RedisSessionStore({ client, prefix });
    const before = await commandCount("evalsha");
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
    expect((await commandCount("evalsha")) - before).toBeGreaterThanOrEqual(1200);
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

describe("RedisSessionStore when Redis has lost its scripts (NOSCRIPT)", () => {
  // A server of its own: a SCRIPT FLUSH on the shared one races other files' scripts,
  // and their loads could hide the NOSCRIPT these tests need.
  let server: RedisProcess;
  let own: Redis;
  beforeAll(async () => {
    server = await RedisProcess.start();
    own = new Redis({ host: "127.0.0.1", port: server.port });
  });
  afterAll(async () => {
    own.disconnect();
    await server.stop();
  });
  const MIN = 60_000;
  const scriptLoads = () => commandCount("script\\|load", own);

  it("save and load load the scripts again and are sent once more", async () => {
    const store = new RedisSessionStore({ client: own, prefix: "one:" });
    expect(await store.save("x", Uint8Array.of(1), MIN)).toBe(true);
    await own.script("FLUSH");
    const before = await scriptLoads();
    expect(await store.save("x", Uint8Array.of(2), MIN, 5)).toBe(true);
    expect((await scriptLoads()) - before).toBe(2);
    await own.script("FLUSH");
    expect(await store.load("x")).toEqual(Uint8Array.of(2));
    expect((await scriptLoads()) - before).toBe(4);
    expect(await store.save("x", Uint8Array.of(3), MIN, 4)).toBe(false);
    expect(await store.load("x")).toEqual(Uint8Array.of(2));
  });

  it("saveAll loads the scripts once and sends the saves Redis turned back again", async () => {
    const store = new RedisSessionStore({ client: own, prefix: "all:" });
    await store.save("kept", Uint8Array.of(1), MIN, 9);
    await own.script("FLUSH");
    const before = await scriptLoads();
    const entries = Array.from({ length: 1200 }, (_, i) => ({
      id: `p${i}`,
      data: Uint8Array.of(i & 255),
      ttlMs: MIN,
    }));
    // In the first pipeline, the one NOSCRIPT turns back: its fence is checked when resent.
    entries.unshift({ id: "kept", data: Uint8Array.of(2), ttlMs: MIN });
    expect(await store.saveAll(entries)).toEqual(["kept"]);
    // Only the first pipeline met NOSCRIPT: one load of the two scripts.
    expect((await scriptLoads()) - before).toBe(2);
    const loaded = await Promise.all(entries.map((e) => store.load(e.id)));
    expect(loaded[0]).toEqual(Uint8Array.of(1));
    for (let i = 0; i < 1200; i++) expect(loaded[i + 1]).toEqual(Uint8Array.of(i & 255));
  });

  it("fails a call a later one on its id overtook while the script was missing", async () => {
    const store = new RedisSessionStore({ client: own, prefix: "order:" });
    await store.save("o", Uint8Array.of(1), MIN);
    await own.script("FLUSH");
    // The DEL runs while the save waits for its scripts: sent again, the save would
    // bring the checkpoint back.
    const saving = store.save("o", Uint8Array.of(2), MIN);
    const deleting = store.delete("o");
    await expect(saving).rejects.toMatchObject({ code: "store_unavailable" });
    await deleting;
    expect(await store.load("o")).toBeUndefined();

    await own.script("FLUSH");
    const first = store.save("two", Uint8Array.of(1), MIN);
    const second = store.save("two", Uint8Array.of(2), MIN);
    await expect(first).rejects.toMatchObject({ code: "store_unavailable" });
    expect(await second).toBe(true);
    expect(await store.load("two")).toEqual(Uint8Array.of(2));

    await store.save("q", Uint8Array.of(1), MIN);
    await own.script("FLUSH");
    const all = store.saveAll([
      { id: "q", data: Uint8Array.of(2), ttlMs: MIN },
      { id: "r", data: Uint8Array.of(2), ttlMs: MIN },
    ]);
    const deletingQ = store.delete("q");
    await expect(all).rejects.toMatchObject({ code: "store_unavailable" });
    await deletingQ;
    expect(await store.load("q")).toBeUndefined();
    expect(await store.load("r")).toEqual(Uint8Array.of(2));
  });
});

/** Calls of `cmd` (a regular expression) `on` has executed so far (INFO commandstats). */
async function commandCount(cmd: string, on: Redis = client): Promise<number> {
  const info = await on.info("commandstats");
  const m = new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(info);
  return m ? Number(m[1]) : 0;
}
