/**
 * The one suite every `FamilyStore` passes (memory and Redis run it unchanged): rotation
 * with its grace window, reuse detection revoking the family, revocation announced to
 * subscribers, "sign out everywhere", one-time ids, expiry.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type FamilyStore,
  type RevocationListener,
  Rotation,
} from "../../../src/auth/families/family-store.ts";

import { until } from "../../until.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function listener(): RevocationListener & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    revoked: (f) => seen.push(f),
    resync: () => seen.push("<resync>"),
    lost: () => {},
  };
}

/**
 * Subscribes `l` to `s` and waits until announcements reach it (over a network the
 * subscription is made in the background): revokes throwaway families until one is heard,
 * then forgets them.
 */
export async function subscribed(s: FamilyStore, l: ReturnType<typeof listener>): Promise<void> {
  s.subscribe(l);
  const deadline = Date.now() + 5_000;
  for (;;) {
    const probe = randomUUID();
    await s.create(probe, "u-probe", "j", Date.now() + 60_000);
    await s.revoke(probe);
    try {
      // Announcements arrive in order: those of earlier probes come before this one.
      await until(() => l.seen.includes(probe), 100);
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
  l.seen.length = 0;
}

export function familyStoreSuite(name: string, make: () => FamilyStore): void {
  describe(`FamilyStore contract: ${name}`, () => {
    const id = () => randomUUID();
    const later = () => Date.now() + 60_000;
    /** Lifetime of the short-lived entries: longer than a stall of the machine between two calls. */
    const BRIEF_MS = 500;

    it("rotates the current token, allows the previous one within the grace window only", async () => {
      const s = make();
      const fam = id();
      await s.create(fam, "u1", "j1", later());
      expect(await s.rotate(fam, "j1", "j2", 0)).toEqual({
        outcome: Rotation.Rotated,
        current: "j2",
      });
      expect(await s.rotate(fam, "j2", "j3", 0)).toEqual({
        outcome: Rotation.Rotated,
        current: "j3",
      });
      // The previous token within the window: the current one's id, to re-issue it.
      expect(await s.rotate(fam, "j2", "j4", 10_000)).toEqual({
        outcome: Rotation.Grace,
        current: "j3",
      });
      expect(await s.rotate(fam, "j3", "j4", 0)).toEqual({
        outcome: Rotation.Rotated,
        current: "j4",
      });
      await s.close();
    });

    it("a reused token revokes the family, announced to subscribers; later tokens are refused", async () => {
      const s = make();
      const l = listener();
      await subscribed(s, l);
      const fam = id();
      await s.create(fam, "u1", "j1", later());
      await s.rotate(fam, "j1", "j2", 0);
      await sleep(5);
      expect((await s.rotate(fam, "j1", "j9", 0)).outcome).toBe(Rotation.Reused);
      expect((await s.rotate(fam, "j2", "j3", 0)).outcome).toBe(Rotation.Revoked);
      expect(await s.revoked([fam, id()])).toEqual([true, false]);
      await until(() => l.seen.includes(fam));
      expect(await s.rotate(id(), "j1", "j2", 0)).toEqual({ outcome: Rotation.Unknown });
      await s.close();
    });

    it("revoke() is announced once; revokeUser() revokes every open family of the user", async () => {
      const s = make();
      const l = listener();
      await subscribed(s, l);
      const sub = `u-${id()}`;
      const [a, b, c] = [id(), id(), id()];
      await s.create(a, sub, "j", later());
      await s.create(b, sub, "j", later());
      await s.create(c, "someone-else", "j", later());
      expect(await s.revoke(a)).toBe(true);
      expect(await s.revoke(a)).toBe(false);
      expect(await s.revoke(id())).toBe(false);
      expect(await s.revokeUser(sub)).toEqual([b]);
      expect(await s.revoked([a, b, c])).toEqual([true, true, false]);
      await until(() => l.seen.length >= 2);
      expect(l.seen.sort()).toEqual([a, b].sort());
      await s.close();
    });

    it("forgets a family when its sign-in expires", async () => {
      const s = make();
      const fam = id();
      await s.create(fam, "u1", "j1", Date.now() + BRIEF_MS);
      expect((await s.rotate(fam, "j1", "j2", 0)).outcome).toBe(Rotation.Rotated);
      await sleep(BRIEF_MS + 100);
      expect((await s.rotate(fam, "j2", "j3", 0)).outcome).toBe(Rotation.Unknown);
      expect(await s.revoke(fam)).toBe(false);
      await s.close();
    });

    it("useOnce: true the first time only, until its ttl", async () => {
      const s = make();
      const k = id();
      expect(await s.useOnce(k, BRIEF_MS)).toBe(true);
      expect(await s.useOnce(k, BRIEF_MS)).toBe(false);
      await sleep(BRIEF_MS + 100);
      expect(await s.useOnce(k, BRIEF_MS)).toBe(true);
      await s.close();
    });

    it("is atomic: of 20 parallel refreshes with one token exactly one rotates", async () => {
      const s = make();
      const fam = id();
      await s.create(fam, "u1", "j1", later());
      const r = await Promise.all(
        Array.from({ length: 20 }, (_, i) => s.rotate(fam, "j1", `n${i}`, 60_000)),
      );
      const rotated = r.filter((x) => x.outcome === Rotation.Rotated);
      expect(rotated).toHaveLength(1);
      // The other 19 are told the winner's token id.
      expect(
        r.filter((x) => x.outcome === Rotation.Grace && x.current === rotated[0]!.current),
      ).toHaveLength(19);
      await s.close();
    });

    it("refuses empty and over-long ids", async () => {
      const s = make();
      await expect(s.create("", "u", "j", later())).rejects.toThrow(RangeError);
      await expect(s.useOnce("x".repeat(300), 10)).rejects.toThrow(RangeError);
      await s.close();
    });
  });
}
