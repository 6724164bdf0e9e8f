import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Patch, PatchOp } from "../../src/protocol/patch.ts";
import { assignHids, type DiffHost, diff } from "../../src/vdom/diff.ts";
import { type HElement, HKind, type HNode } from "../../src/vdom/host.ts";
import { applyPatches, type MElement, toModel } from "./apply-model.ts";
import { hidsOf, kel, txt } from "./host-util.ts";
import { mutate, rootArb } from "./tree-arbitrary.ts";

/**
 * A host that tracks the set of live hids: `mounted` must add a new one, `unmounted`
 * and `updated` must name a live one. At the end the live set must equal the hids of
 * the next tree, which proves every callback fired for exactly the right elements.
 */
function liveHost(live: Set<number>, firstHid: number): DiffHost {
  let next = firstHid;
  return {
    nextHid: () => next++,
    mounted(e) {
      if (live.has(e.hid)) throw new Error(`mounted twice: ${e.hid}`);
      live.add(e.hid);
    },
    unmounted(e) {
      if (!live.delete(e.hid)) throw new Error(`unmounted a dead hid: ${e.hid}`);
    },
    updated(e) {
      if (!live.has(e.hid)) throw new Error(`updated a dead hid: ${e.hid}`);
    },
  };
}

/** Texts are merged and non-empty, raw is an only child: the host invariants. */
function checkInvariants(node: HNode): void {
  if (node.kind !== HKind.Element) return;
  const c = node.children;
  for (let i = 0; i < c.length; i++) {
    const n = c[i]!;
    if (n.kind === HKind.Text) {
      expect(n.text).not.toBe("");
      if (i > 0) expect(c[i - 1]!.kind).not.toBe(HKind.Text);
    }
    if (n.kind === HKind.Raw) expect(c.length).toBe(1);
    checkInvariants(n);
  }
}

/** First render of `prev`: hids 1…n in pre-order; returns the next free hid. */
function mount(prev: HElement): number {
  let hid = 1;
  assignHids(prev, { nextHid: () => hid++, mounted() {}, unmounted() {}, updated() {} });
  return hid;
}

/** `prev` is mounted; `next` may share subtrees with it by reference. */
function check(prev: HElement, next: HElement, firstFreeHid: number): Patch[] {
  checkInvariants(prev);
  checkInvariants(next);
  const prevHids = hidsOf(prev);
  const live = new Set(prevHids);
  const snapshot = structuredClone(prev);
  const model = toModel(prev) as MElement;

  const out: Patch[] = [];
  diff(prev, next, liveHost(live, firstFreeHid), out);

  expect(applyPatches(model, out)).toEqual(toModel(next));
  expect(prev).toEqual(snapshot);
  const nextHids = hidsOf(next);
  expect(new Set(nextHids).size).toBe(nextHids.length);
  expect([...live].sort((x, y) => x - y)).toEqual([...nextHids].sort((x, y) => x - y));
  for (const p of out) if (p.op === PatchOp.Move) expect(p.from).not.toBe(p.to);
  return out;
}

describe("diff property: applying the patches to a model of prev yields next", () => {
  it("holds for independent random trees", () => {
    fc.assert(
      fc.property(rootArb, rootArb, (prev, next) => {
        check(prev, next, mount(prev));
      }),
      { numRuns: 500 },
    );
  });

  it("holds for re-renders derived from prev (moves, inserts, removals, reused subtrees)", () => {
    fc.assert(
      fc.property(rootArb, fc.integer(), (prev, seed) => {
        const free = mount(prev);
        check(prev, mutate(prev, seed), free);
      }),
      { numRuns: 1000 },
    );
  });
});

/** Longest increasing subsequence length, O(n²), as an independent reference. */
function lisLength(xs: readonly number[]): number {
  const best: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    best[i] = 1;
    for (let j = 0; j < i; j++)
      if (xs[j]! < xs[i]! && best[j]! + 1 > best[i]!) best[i] = best[j]! + 1;
  }
  return Math.max(0, ...best);
}

describe("diff property: keyed permutations", () => {
  it("moves exactly n − LIS rows and never inserts or removes a kept one", () => {
    const perm = fc
      .integer({ min: 1, max: 40 })
      .chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }));
    fc.assert(
      fc.property(perm, (order) => {
        const row = (i: number) => kel(i, "li", [txt(String(i))]);
        const prev: HElement = kel(
          "root",
          "ul",
          order.map((_, i) => row(i)),
        );
        const next: HElement = kel("root", "ul", order.map(row));
        const out = check(prev, next, mount(prev));
        expect(out.every((p) => p.op === PatchOp.Move)).toBe(true);
        expect(out.length).toBe(order.length - lisLength(order));
      }),
      { numRuns: 300 },
    );
  });
});
