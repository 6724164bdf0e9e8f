/**
 * The Redis family store on the shared Redis (own prefix, cleaned up): the shared
 * suite, revocations heard by another instance's store, and a subscriber connection
 * that drops and comes back (listeners told `lost`, then `resync`).
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisFamilyStore } from "../../../src/auth/families/redis-family-store.ts";
import { until } from "../../until.ts";
import { familyStoreSuite, listener, subscribed } from "./family-store.cases.ts";

const prefix = `test:vango:auth:${randomUUID()}:`;
const name = `vango-auth-test-${randomUUID()}`;
const client = new Redis({ host: "127.0.0.1", port: 6379, connectionName: name });

afterAll(async () => {
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== "0");
  await client.quit();
});

familyStoreSuite("redis", () => new RedisFamilyStore({ client, prefix }));

/** Ids of the subscriber connections of this file's stores (they carry its client's name). */
async function subscribers(): Promise<string[]> {
  return ((await client.client("LIST")) as string)
    .split("\n")
    .filter((line) => line.includes(`name=${name}`) && /\bsub=1\b/.test(line))
    .map((line) => /\bid=(\d+)/.exec(line)![1]!);
}

describe("RedisFamilyStore", () => {
  it("announces a revocation made by one instance to another's subscribers", async () => {
    const other = new Redis({ host: "127.0.0.1", port: 6379 });
    const a = new RedisFamilyStore({ client, prefix });
    const b = new RedisFamilyStore({ client: other, prefix });
    const l = listener();
    await subscribed(b, l);
    await a.create("fam-x", "u1", "j1", Date.now() + 60_000);
    await a.revoke("fam-x");
    await until(() => l.seen.includes("fam-x"));
    expect(await b.revoked(["fam-x"])).toEqual([true]);
    await a.close();
    await b.close();
    await other.quit();
  });

  it("tells listeners when the feed drops and when it is back (resync)", async () => {
    await until(async () => (await subscribers()).length === 0); // none left from before
    const s = new RedisFamilyStore({ client, prefix });
    const lost: number[] = [];
    const l = listener();
    s.subscribe({ ...l, revoked: l.revoked, resync: l.resync, lost: () => lost.push(1) });
    await until(async () => (await subscribers()).length === 1); // made in the background
    const ids = await subscribers();
    expect(ids.length).toBe(1);
    await client.client("KILL", "ID", ids[0]!);
    await until(() => lost.length === 1 && l.seen.includes("<resync>"), 5_000);
    await s.create("fam-y", "u1", "j1", Date.now() + 60_000);
    await s.revoke("fam-y");
    await until(() => l.seen.includes("fam-y"));
    await s.close();
  });

  it("closes its subscription connection when the last listener leaves", async () => {
    const count = async () => (await subscribers()).length;
    await until(async () => (await count()) === 0); // none left from before
    const s = new RedisFamilyStore({ client, prefix });
    const offA = s.subscribe(listener());
    const offB = s.subscribe(listener());
    await until(async () => (await count()) > 0); // made in the background
    expect(await count()).toBe(1);
    offA();
    expect(await count()).toBe(1);
    offB();
    await until(async () => (await count()) === 0);
    await s.close();
  });
});
