/**
 * Byte-level mutations for the fuzzer: flips, interesting bytes, inserts, deletes,
 * truncation, duplication, splices between frames and varint length inflation.
 */

/** xorshift32: small, seedable, good enough to pick mutations. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.#s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#s = x >>> 0;
    return this.#s;
  }
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
}

const INTERESTING = [0x00, 0x01, 0x02, 0x7f, 0x80, 0xff, 0x0f, 0x10, 0x3f, 0x40, 0xfe, 0x81];

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A varint of `bytes` bytes with a large value: inflates a length or count in place. */
function bigVarint(rng: Rng, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes - 1; i++) out[i] = 0x80 | rng.below(128);
  out[bytes - 1] = 1 + rng.below(127);
  return out;
}

export function mutate(rng: Rng, input: Uint8Array, other: Uint8Array): Uint8Array {
  let b: Uint8Array = input.slice();
  const rounds = 1 + rng.below(4);
  for (let r = 0; r < rounds; r++) {
    const at = rng.below(b.length);
    switch (rng.below(10)) {
      case 0:
        if (b.length) b[at]! ^= 1 << rng.below(8);
        break;
      case 1:
        if (b.length) b[at] = INTERESTING[rng.below(INTERESTING.length)]!;
        break;
      case 2:
        b = concat(b.subarray(0, at), Uint8Array.of(rng.below(256)), b.subarray(at));
        break;
      case 3:
        b = concat(b.subarray(0, at), b.subarray(at + 1 + rng.below(4)));
        break;
      case 4:
        b = b.subarray(0, at);
        break;
      case 5: {
        const len = 1 + rng.below(Math.max(1, b.length - at));
        b = concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len));
        break;
      }
      case 6: {
        const cut = rng.below(other.length + 1);
        b = concat(b.subarray(0, at), other.subarray(cut));
        break;
      }
      case 7:
        // Replace one byte with a multi-byte varint (length/count inflation).
        b = concat(b.subarray(0, at), bigVarint(rng, 2 + rng.below(9)), b.subarray(at + 1));
        break;
      case 8:
        if (b.length) b[0] = rng.below(256);
        break;
      default:
        if (b.length) b[at] = (b[at]! + 1 + rng.below(3)) & 0xff;
    }
  }
  return b;
}
