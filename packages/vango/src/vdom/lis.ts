/**
 * Longest increasing subsequence, used to keep the largest set of matched children in
 * place so that every other one needs exactly one `Move` (the minimum).
 */

/**
 * Marks `mark[seq[i]] = 1` for the members of one longest strictly increasing
 * subsequence of `seq[0..len)`. Values must be distinct indices into `mark`.
 * O(len log len); `mark` must be zeroed by the caller.
 * @example
 * markLis(Int32Array.of(2, 0, 1), 3, mark); // mark[0] = mark[1] = 1
 */
export function markLis(seq: Int32Array, len: number, mark: Uint8Array): void {
  if (len === 0) return;
  // tails[l] = position in seq of the smallest tail of an increasing run of length l+1.
  const tails = new Int32Array(len);
  const prev = new Int32Array(len);
  let size = 0;
  for (let i = 0; i < len; i++) {
    const v = seq[i]!;
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seq[tails[mid]!]! < v) lo = mid + 1;
      else hi = mid;
    }
    prev[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
    if (lo === size) size++;
  }
  for (let i = tails[size - 1]!; i >= 0; i = prev[i]!) mark[seq[i]!] = 1;
}
