/**
 * A 53-bit fingerprint of what a host tree shows (tags, hids, attributes, text, raw
 * HTML), and the hasher behind it, which also fingerprints checkpoint bytes.
 *
 * A checkpoint stores the fingerprint of its page; a process that rebuilds the page
 * compares its own with it to tell whether the browser's DOM already matches (then it
 * sends nothing). Both sides hash host trees, so the fingerprint need not be the hash of
 * the HTML text: hashing the tree directly builds no HTML strings and no crypto objects,
 * which matters because every busy session takes a checkpoint every second. Each string
 * is hashed with its length first, so different trees never feed the same sequence.
 *
 * Not a cryptographic hash: a collision would only make a resumed page skip an update the
 * browser needed, for a page whose every rendered value its own user chose.
 */
import { NodeKind } from "../protocol/patch.ts";
import type { HElement, HNode } from "../vdom/host.ts";

/** The two 32-bit lanes of the hash in progress (a typed array: updates allocate nothing). */
const lanes = new Int32Array(2);

/** Starts a hash (cyrb53's seeds). Hashes do not nest: each runs to `hashEnd` synchronously. */
export function hashStart(): void {
  lanes[0] = 0xdeadbeef | 0;
  lanes[1] = 0x41c6ce57;
}

const M1 = 2654435761;
const M2 = 1597334677;

export function hashCode(c: number): void {
  lanes[0] = Math.imul(lanes[0]! ^ c, M1);
  lanes[1] = Math.imul(lanes[1]! ^ c, M2);
}

// The loops below are `hashCode` per unit with the lanes in locals: the same hash, ~4×
// faster than a typed-array store per character (a page's text is most of its tree).

export function hashString(s: string): void {
  const n = s.length;
  let a = Math.imul(lanes[0]! ^ n, M1);
  let b = Math.imul(lanes[1]! ^ n, M2);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, M1);
    b = Math.imul(b ^ c, M2);
  }
  lanes[0] = a;
  lanes[1] = b;
}

/** Hashes `bytes[0, end)`. */
export function hashBytes(bytes: Uint8Array, end: number): void {
  let a = Math.imul(lanes[0]! ^ end, M1);
  let b = Math.imul(lanes[1]! ^ end, M2);
  for (let i = 0; i < end; i++) {
    const c = bytes[i]!;
    a = Math.imul(a ^ c, M1);
    b = Math.imul(b ^ c, M2);
  }
  lanes[0] = a;
  lanes[1] = b;
}

/** The hash as a non-negative integer below 2^53. */
export function hashEnd(): number {
  let h1 = lanes[0]!;
  let h2 = lanes[1]!;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The fingerprint of `nodes` (a root's children) as a short string.
 * @example hashHost(view.root.children) // "2k8f3x1qz9a"
 */
export function hashHost(nodes: readonly HNode[]): string {
  hashStart();
  hashNodes(nodes);
  return hashEnd().toString(36);
}

function hashNodes(nodes: readonly HNode[]): void {
  hashCode(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    hashCode(n.kind);
    if (n.kind === NodeKind.Element) hashElement(n as HElement);
    else if (n.kind === NodeKind.Text) hashString(n.text);
    else if (n.kind === NodeKind.Raw) hashString(n.html);
  }
}

function hashElement(el: HElement): void {
  hashString(el.tag);
  hashCode(el.hid);
  const attrs = el.attrs;
  for (const k in attrs) {
    hashString(k);
    hashString(attrs[k]!);
  }
  // Ends the attributes: no string's length is negative.
  hashCode(-1);
  hashNodes(el.children);
}
