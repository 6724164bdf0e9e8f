/**
 * Bounded history of sent, not yet acknowledged Patches frames (encoded bytes), kept so
 * a client that reconnects after a short drop can be sent exactly what it missed. It
 * holds at most `maxFrames` frames and `maxBytes` bytes; the oldest are dropped first,
 * after which a resume from before them needs a full resync.
 *
 * Frames are copied into one byte buffer per session (with their seqs and end offsets
 * in two number arrays) instead of being kept as objects. Clients ack about once a
 * second, so a kept frame outlives a young-generation GC cycle: as an object it would be
 * copied and promoted on every busy server, as bytes in a reused buffer it costs the
 * collector nothing.
 */

/** First buffer size; it doubles as frames need. */
const INITIAL_BYTES = 256;
/** An emptied buffer up to this size is kept for the next frames, a larger one freed. */
const KEEP_BYTES = 4096;

export class FrameHistory {
  readonly #maxFrames: number;
  readonly #maxBytes: number;
  #buf: Uint8Array | null = null;
  /** Seq of each held frame, oldest first, from index `#head`. */
  #seqs: number[] = [];
  /** End offset in `#buf` of each held frame (a frame starts where the previous ends). */
  #ends: number[] = [];
  #head = 0;
  /** Offset in `#buf` of the oldest held frame. */
  #start = 0;
  /** Highest seq ever dropped without an ack (0 = none). */
  #lostUpTo = 0;

  /** @example const h = new FrameHistory(256, 1 << 20); */
  constructor(maxFrames: number, maxBytes: number) {
    this.#maxFrames = maxFrames;
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#seqs.length - this.#head;
  }

  get bytes(): number {
    return this.size === 0 ? 0 : this.#ends[this.#ends.length - 1]! - this.#start;
  }

  /** Records frame `seq` (seqs must increase); the bytes are copied. */
  push(seq: number, frame: Uint8Array): void {
    const len = frame.byteLength;
    if (len > this.#maxBytes) {
      // Can never be held: everything before it goes too, so resume needs a full resync.
      this.#lostUpTo = seq;
      this.#reset();
      return;
    }
    while (this.size > 0 && (this.size >= this.#maxFrames || this.bytes + len > this.#maxBytes)) {
      this.#lostUpTo = Math.max(this.#lostUpTo, this.#seqs[this.#head]!);
      this.#dropOne();
    }
    const end = this.#room(len);
    this.#buf!.set(frame, end);
    this.#seqs.push(seq);
    this.#ends.push(end + len);
  }

  /** Forgets every frame with seq ≤ `seq` (the client applied them). */
  ack(seq: number): void {
    while (this.size > 0 && this.#seqs[this.#head]! <= seq) this.#dropOne();
  }

  /**
   * Copies of the frames with seq > `lastSeq`, oldest first, or `undefined` when some of
   * them are no longer held (the caller must resync in full).
   */
  since(lastSeq: number, currentSeq: number): Uint8Array[] | undefined {
    if (lastSeq > currentSeq || lastSeq < 0) return undefined;
    if (lastSeq === currentSeq) return [];
    if (lastSeq < this.#lostUpTo) return undefined;
    let i = this.#head;
    while (i < this.#seqs.length && this.#seqs[i]! <= lastSeq) i++;
    if (i >= this.#seqs.length || this.#seqs[i] !== lastSeq + 1) return undefined;
    const out: Uint8Array[] = [];
    for (; i < this.#seqs.length; i++) {
      const from = i === this.#head ? this.#start : this.#ends[i - 1]!;
      out.push(this.#buf!.slice(from, this.#ends[i]!));
    }
    return out;
  }

  clear(): void {
    this.#reset();
    this.#buf = null;
  }

  #dropOne(): void {
    this.#start = this.#ends[this.#head]!;
    this.#head++;
    if (this.#head === this.#seqs.length) this.#reset();
  }

  /** Empties the lists, keeping their storage and a small buffer for reuse. */
  #reset(): void {
    this.#seqs.length = 0;
    this.#ends.length = 0;
    this.#head = 0;
    this.#start = 0;
    if (this.#buf !== null && this.#buf.length > KEEP_BYTES) this.#buf = null;
  }

  /** Makes room for `len` bytes after the newest frame; returns where they go. */
  #room(len: number): number {
    const used = this.bytes;
    const end = this.size === 0 ? 0 : this.#ends[this.#ends.length - 1]!;
    const buf = this.#buf;
    if (buf !== null && end + len <= buf.length) return end;
    // Move the held frames to the front (and into a bigger buffer when they need it).
    let cap = buf?.length ?? INITIAL_BYTES;
    while (cap < used + len) cap *= 2;
    const next = buf !== null && cap === buf.length ? buf : new Uint8Array(cap);
    if (used > 0) {
      if (next === buf) next.copyWithin(0, this.#start, end);
      else next.set(buf!.subarray(this.#start, end));
    }
    const shift = this.#start;
    for (let i = this.#head; i < this.#ends.length; i++) this.#ends[i] = this.#ends[i]! - shift;
    if (this.#head > 0) {
      this.#seqs.splice(0, this.#head);
      this.#ends.splice(0, this.#head);
      this.#head = 0;
    }
    this.#start = 0;
    this.#buf = next;
    return used;
  }
}
