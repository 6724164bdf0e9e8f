/**
 * Bounded history of sent, not yet acknowledged Patches frames (encoded bytes), kept so
 * a client that reconnects after a short drop can be sent exactly what it missed. It
 * holds at most `maxFrames` frames and `maxBytes` bytes; the oldest are dropped first,
 * after which a resume from before them needs a full resync.
 */

export class FrameHistory {
  readonly #maxFrames: number;
  readonly #maxBytes: number;
  #seqs: number[] = [];
  #frames: Uint8Array[] = [];
  #bytes = 0;
  /** Highest seq ever dropped without an ack (0 = none). */
  #lostUpTo = 0;

  /** @example const h = new FrameHistory(256, 1 << 20); */
  constructor(maxFrames: number, maxBytes: number) {
    this.#maxFrames = maxFrames;
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#frames.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Records frame `seq` (seqs must increase). */
  push(seq: number, frame: Uint8Array): void {
    this.#seqs.push(seq);
    this.#frames.push(frame);
    this.#bytes += frame.byteLength;
    let drop = 0;
    let bytes = this.#bytes;
    const n = this.#frames.length;
    while (drop < n && (n - drop > this.#maxFrames || bytes > this.#maxBytes)) {
      bytes -= this.#frames[drop]!.byteLength;
      drop++;
    }
    if (drop > 0) this.#dropFront(drop, true);
  }

  /** Forgets every frame with seq ≤ `seq` (the client applied them). */
  ack(seq: number): void {
    let drop = 0;
    while (drop < this.#seqs.length && this.#seqs[drop]! <= seq) drop++;
    if (drop > 0) this.#dropFront(drop, false);
  }

  /**
   * The frames with seq > `lastSeq`, oldest first, or `undefined` when some of them are
   * no longer held (the caller must resync in full).
   */
  since(lastSeq: number, currentSeq: number): Uint8Array[] | undefined {
    if (lastSeq > currentSeq || lastSeq < 0) return undefined;
    if (lastSeq === currentSeq) return [];
    if (lastSeq < this.#lostUpTo) return undefined;
    let i = 0;
    while (i < this.#seqs.length && this.#seqs[i]! <= lastSeq) i++;
    if (i >= this.#seqs.length || this.#seqs[i] !== lastSeq + 1) return undefined;
    return this.#frames.slice(i);
  }

  clear(): void {
    this.#seqs = [];
    this.#frames = [];
    this.#bytes = 0;
  }

  #dropFront(n: number, lost: boolean): void {
    for (let i = 0; i < n; i++) this.#bytes -= this.#frames[i]!.byteLength;
    if (lost) this.#lostUpTo = Math.max(this.#lostUpTo, this.#seqs[n - 1]!);
    if (n <= 8) {
      // The usual ack drops one or two frames: `shift` trims in place, where `splice`
      // allocates an array of the removed items on every ack.
      for (let i = 0; i < n; i++) {
        this.#seqs.shift();
        this.#frames.shift();
      }
    } else {
      this.#seqs.splice(0, n);
      this.#frames.splice(0, n);
    }
  }
}
