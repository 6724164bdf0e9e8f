/**
 * Fenwick (binary indexed) tree over occupancy slots, so the reorder can ask "how many
 * children are before this one right now" in O(log n) while nodes move.
 * `tree` has length `size + 1`; slot `s` lives at `tree[s + 1]`.
 */

/** Adds `delta` at `slot`. */
export function fenwickAdd(tree: Int32Array, slot: number, delta: number): void {
  const n = tree.length;
  for (let i = slot + 1; i < n; i += i & -i) tree[i] = tree[i]! + delta;
}

/** Sum over slots `0..slot` inclusive. */
export function fenwickPrefix(tree: Int32Array, slot: number): number {
  let sum = 0;
  for (let i = slot + 1; i > 0; i -= i & -i) sum += tree[i]!;
  return sum;
}

/** Turns per-slot counts stored at `tree[s + 1]` into a Fenwick tree in O(n). */
export function fenwickBuild(tree: Int32Array): void {
  const n = tree.length;
  for (let i = 1; i < n; i++) {
    const p = i + (i & -i);
    if (p < n) tree[p] = tree[p]! + tree[i]!;
  }
}
