/**
 * The one suite every `SessionStore` must pass (memory, file, Redis, Postgres and the
 * resilient wrapper run it unchanged, on the real services). Time-dependent cases use
 * real time with TTLs of a few hundred ms and generous margins for a loaded machine.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { SessionStore } from "../../../../src/server/session/session-store.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIN = 60_000;

/** `make` returns a fresh store whose ids do not collide with other runs. */
export function sessionStoreSuite(name: string, make: () => Promise<SessionStore>): void {
  describe(`SessionStore contract: ${name}`, () => {
    const made: SessionStore[] = [];
    const fresh = async () => {
      const s = await make();
      made.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of made) await s.close();
    });

    it("loads the bytes saved (empty, every byte value, 256 KiB); undefined when absent", async () => {
      const s = await fresh();
      const every = Uint8Array.from({ length: 256 }, (_, i) => i);
      const big = new Uint8Array(randomBytes(256 * 1024));
      await s.save("every", every, MIN);
      await s.save("empty", new Uint8Array(0), MIN);
      await s.save("big", big, MIN);
      expect(await s.load("every")).toEqual(every);
      expect(await s.load("empty")).toEqual(new Uint8Array(0));
      expect(Buffer.from((await s.load("big"))!).equals(Buffer.from(big))).toBe(true);
      expect(await s.load("absent")).toBeUndefined();
      expect((await s.load("every")) instanceof Uint8Array).toBe(true);
    });

    it("save replaces; delete forgets; deleting an absent id is fine", async () => {
      const s = await fresh();
      await s.save("a", Uint8Array.of(1), MIN);
      await s.save("a", Uint8Array.of(2, 2), MIN);
      expect(await s.load("a")).toEqual(Uint8Array.of(2, 2));
      await s.delete("a");
      expect(await s.load("a")).toBeUndefined();
      await s.delete("a");
      await s.delete("never");
    });

    it("stores only a view's bytes, and copies both ways", async () => {
      const s = await fresh();
      const backing = Uint8Array.of(9, 9, 1, 2, 3, 9);
      await s.save("view", backing.subarray(2, 5), MIN);
      const input = Uint8Array.of(5, 6, 7);
      const saving = s.save("copy", input, MIN);
      input[0] = 0; // free to reuse once the call returns, before it resolves
      await saving;
      const loaded = (await s.load("copy"))!;
      expect(loaded).toEqual(Uint8Array.of(5, 6, 7));
      loaded[0] = 0;
      expect(await s.load("copy")).toEqual(Uint8Array.of(5, 6, 7));
      expect(await s.load("view")).toEqual(Uint8Array.of(1, 2, 3));
      // Buffer#slice is a view, not a copy: a store must not rely on it.
      const buf = Buffer.from([4, 5]);
      const savingBuf = s.save("buffer", buf, MIN);
      buf[0] = 0;
      await savingBuf;
      const back = (await s.load("buffer"))!;
      expect(back).toEqual(Uint8Array.of(4, 5));
      expect(Object.getPrototypeOf(back)).toBe(Uint8Array.prototype);
    });

    it("expires entries after ttlMs; touch cannot revive an expired one", async () => {
      const s = await fresh();
      await s.save("short", Uint8Array.of(1), 1_000);
      await s.save("long", Uint8Array.of(2), MIN);
      expect(await s.load("short")).toEqual(Uint8Array.of(1));
      await sleep(1_400);
      expect(await s.load("short")).toBeUndefined();
      expect(await s.touch("short", MIN)).toBe(false);
      expect(await s.load("short")).toBeUndefined();
      expect(await s.load("long")).toEqual(Uint8Array.of(2));
    });

    it("touch extends a live entry and answers false for an absent one", async () => {
      const s = await fresh();
      // Wide margins either side: the touch must land before the first TTL is over and
      // the load before the second, even when the machine stalls this process a while.
      await s.save("t", Uint8Array.of(7), 1_000);
      await sleep(50);
      expect(await s.touch("t", 4_000)).toBe(true);
      await sleep(1_200);
      expect(await s.load("t")).toEqual(Uint8Array.of(7));
      expect(await s.touch("absent", MIN)).toBe(false);
      expect(await s.load("absent")).toBeUndefined();
      // Shortening works too: touch sets the TTL, it does not only extend it.
      expect(await s.touch("t", 200)).toBe(true);
      await sleep(600);
      expect(await s.load("t")).toBeUndefined();
    });

    it("applies calls on one id in call order, unawaited", async () => {
      const s = await fresh();
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++) calls.push(s.save("o", Uint8Array.of(i), MIN));
      calls.push(s.delete("o"));
      calls.push(s.save("o", Uint8Array.of(99), MIN));
      calls.push(s.save("p", Uint8Array.of(1), MIN));
      calls.push(s.delete("p"));
      await Promise.all(calls);
      expect(await s.load("o")).toEqual(Uint8Array.of(99));
      expect(await s.load("p")).toBeUndefined();
    });

    it("saveAll stores every entry with its TTL; a repeated id keeps the last; [] is fine", async () => {
      const s = await fresh();
      const entries = Array.from({ length: 1000 }, (_, i) => ({
        id: `all-${i}`,
        data: new Uint8Array(randomBytes(200)),
        ttlMs: i === 7 ? 300 : MIN,
      }));
      entries.push({ id: "all-3", data: Uint8Array.of(3, 3, 3), ttlMs: MIN });
      const originals = entries.map((e) => e.data.slice());
      const saving = s.saveAll(entries);
      for (const e of entries) e.data.fill(0); // reused once the call returns
      expect(await saving).toEqual([]);
      for (let i = 0; i < entries.length; i++) entries[i]!.data.set(originals[i]!);
      expect(await s.saveAll([])).toEqual([]);
      const loaded = await Promise.all(entries.slice(0, 1000).map((e) => s.load(e.id)));
      for (let i = 0; i < 1000; i++) {
        if (i === 3 || i === 7) continue; // 7 may have expired already on a slow disk
        expect(Buffer.from(loaded[i]!).equals(Buffer.from(entries[i]!.data)), `all-${i}`).toBe(
          true,
        );
      }
      expect(loaded[3]).toEqual(Uint8Array.of(3, 3, 3));
      await sleep(700);
      expect(await s.load("all-7")).toBeUndefined();
      expect(await s.load("all-8")).toBeDefined();
    });

    it("keeps a live entry saved with a greater fence; an equal or greater one replaces it", async () => {
      const s = await fresh();
      expect(await s.save("f", Uint8Array.of(1), MIN, 2)).toBe(true);
      expect(await s.save("f", Uint8Array.of(2), MIN, 1)).toBe(false);
      expect(await s.save("f", Uint8Array.of(3), MIN)).toBe(false);
      expect(await s.load("f")).toEqual(Uint8Array.of(1));
      expect(await s.save("f", Uint8Array.of(4), MIN, 2)).toBe(true);
      expect(await s.load("f")).toEqual(Uint8Array.of(4));
      expect(await s.save("f", Uint8Array.of(5), MIN, 0xffff_ffff)).toBe(true);
      expect(await s.save("f", Uint8Array.of(6), MIN, 0xffff_fffe)).toBe(false);
      expect(await s.load("f")).toEqual(Uint8Array.of(5));
      // A touch leaves the fence.
      expect(await s.touch("f", MIN)).toBe(true);
      expect(await s.save("f", Uint8Array.of(7), MIN, 3)).toBe(false);
      // No fence means 0, and an unfenced id takes any fence.
      expect(await s.save("g", Uint8Array.of(1), MIN)).toBe(true);
      expect(await s.save("g", Uint8Array.of(2), MIN, 0)).toBe(true);
      expect(await s.save("g", Uint8Array.of(3), MIN, 1)).toBe(true);
      expect(await s.save("g", Uint8Array.of(4), MIN)).toBe(false);
      expect(await s.load("g")).toEqual(Uint8Array.of(3));
      // A delete takes the fence with the entry.
      await s.delete("g");
      expect(await s.save("g", Uint8Array.of(5), MIN)).toBe(true);
      expect(await s.load("g")).toEqual(Uint8Array.of(5));
    });

    it("fences nothing with an expired entry", async () => {
      const s = await fresh();
      expect(await s.save("old", Uint8Array.of(1), 300, 9)).toBe(true);
      await sleep(700);
      expect(await s.save("old", Uint8Array.of(2), MIN)).toBe(true);
      expect(await s.load("old")).toEqual(Uint8Array.of(2));
    });

    it("saveAll resolves with the ids a greater fence kept, and writes the others", async () => {
      const s = await fresh();
      await s.save("x", Uint8Array.of(1), MIN, 3);
      await s.save("y", Uint8Array.of(1), MIN, 1);
      const refused = await s.saveAll([
        { id: "x", data: Uint8Array.of(2), ttlMs: MIN, fence: 2 },
        { id: "y", data: Uint8Array.of(2), ttlMs: MIN, fence: 1 },
        { id: "z", data: Uint8Array.of(2), ttlMs: MIN },
        { id: "w", data: Uint8Array.of(1), ttlMs: MIN, fence: 4 },
        { id: "w", data: Uint8Array.of(2), ttlMs: MIN, fence: 5 },
      ]);
      expect(refused).toEqual(["x"]);
      expect(await s.load("x")).toEqual(Uint8Array.of(1));
      expect(await s.load("y")).toEqual(Uint8Array.of(2));
      expect(await s.load("z")).toEqual(Uint8Array.of(2));
      expect(await s.load("w")).toEqual(Uint8Array.of(2));
      expect(await s.save("w", Uint8Array.of(3), MIN, 4)).toBe(false);
      // Many at once, every other one kept by its fence.
      const many = Array.from({ length: 600 }, (_, i) => ({
        id: `m${i}`,
        data: Uint8Array.of(1),
        ttlMs: MIN,
        fence: 10,
      }));
      expect(await s.saveAll(many)).toEqual([]);
      const again = many.map((e, i) => ({ ...e, data: Uint8Array.of(2), fence: 9 + (i % 2) }));
      const kept = await s.saveAll(again);
      expect([...kept].sort()).toEqual(
        many
          .filter((_, i) => i % 2 === 0)
          .map((e) => e.id)
          .sort(),
      );
      expect(await s.load("m0")).toEqual(Uint8Array.of(1));
      expect(await s.load("m1")).toEqual(Uint8Array.of(2));
    });

    it("treats ids as opaque strings", async () => {
      const s = await fresh();
      const ids = [
        "../../etc/passwd",
        "a/b\\c",
        "ünïcødé 🎉",
        " ",
        "with\nnewline",
        "tab\there",
        "CASE",
        "case",
        "x".repeat(256),
        "q3V0dGVyZmx5X3N0cmVhbTE",
      ];
      await Promise.all(ids.map((id, i) => s.save(id, Uint8Array.of(i), MIN)));
      for (let i = 0; i < ids.length; i++)
        expect(await s.load(ids[i]!), ids[i]).toEqual(Uint8Array.of(i));
    });

    it("handles 200 concurrent saves and loads on distinct ids", async () => {
      const s = await fresh();
      const ids = Array.from({ length: 200 }, (_, i) => `c${i}`);
      await Promise.all(ids.map((id, i) => s.save(id, Uint8Array.of(i & 255, i >> 8), MIN)));
      const back = await Promise.all(ids.map((id) => s.load(id)));
      expect(back).toEqual(ids.map((_, i) => Uint8Array.of(i & 255, i >> 8)));
    });

    it("rejects bad arguments with RangeError", async () => {
      const s = await fresh();
      const one = Uint8Array.of(1);
      await expect(s.save("", one, MIN)).rejects.toThrow(RangeError);
      await expect(s.save("x".repeat(257), one, MIN)).rejects.toThrow(RangeError);
      await expect(s.save("a", one, 0)).rejects.toThrow(RangeError);
      await expect(s.save("a", one, -5)).rejects.toThrow(RangeError);
      await expect(s.save("a", one, Number.NaN)).rejects.toThrow(RangeError);
      await expect(s.save("a", one, Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
      await expect(s.save("a", "text" as unknown as Uint8Array, MIN)).rejects.toThrow(RangeError);
      await expect(s.load("")).rejects.toThrow(RangeError);
      await expect(s.save("nul\0", one, MIN)).rejects.toThrow(RangeError);
      await expect(s.save("lone\ud800", one, MIN)).rejects.toThrow(RangeError);
      await expect(s.touch("a", 0)).rejects.toThrow(RangeError);
      for (const fence of [-1, 1.5, 2 ** 32, Number.NaN, "1" as unknown as number]) {
        await expect(s.save("a", one, MIN, fence), String(fence)).rejects.toThrow(RangeError);
      }
      await expect(s.delete(5 as unknown as string)).rejects.toThrow(RangeError);
      await expect(
        s.saveAll([
          { id: "ok", data: one, ttlMs: MIN },
          { id: "", data: one, ttlMs: MIN },
        ]),
      ).rejects.toThrow(RangeError);
      await expect(
        s.saveAll([
          { id: "ok", data: one, ttlMs: MIN },
          { id: "b", data: one, ttlMs: MIN, fence: -1 },
        ]),
      ).rejects.toThrow(RangeError);
      expect(await s.load("ok")).toBeUndefined();
      expect(await s.load("a")).toBeUndefined();
    });
  });
}
