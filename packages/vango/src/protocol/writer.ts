/**
 * Growable byte writer for the wire primitives: LEB128 varints, zigzag varints,
 * length-prefixed UTF-8, bool, f64. Encoders share one module-level writer and copy
 * the finished frame out, so a frame costs one allocation.
 */
import { ErrorCode, ProtocolError } from "./error-code.ts";

const MAX_ZIGZAG = 2 ** 52;
const INITIAL = 256;
/** A scratch buffer that grew past this is dropped after use instead of kept. */
const KEEP_MAX = 1 << 20;

let encoder: TextEncoder | undefined;
/** Bytes of the longest varint (a length below 2^53). */
const MAX_PREFIX = 8;
/** In `u` mode a regex sees a surrogate pair as one code point, so this finds lone ones. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

export class Writer {
  buf: Uint8Array;
  pos: number;

  constructor(size = INITIAL) {
    this.buf = new Uint8Array(size);
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** Unsigned LEB128; `v` must be an integer in [0, 2^53). */
  uint(v: number): void {
    if (v >= 0 && v < 0x80 && (v | 0) === v) {
      // One-byte fast path: most hids, seqs, lengths and counts.
      if (this.pos >= this.buf.length) this.ensure(1);
      this.buf[this.pos++] = v;
      return;
    }
    if (!(v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v)) {
      invalid();
    }
    this.ensure(8);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[p++] = v;
    this.pos = p;
  }

  /** Zigzag varint; `v` must be an integer in [-2^52, 2^52). */
  sint(v: number): void {
    if (!(v >= -MAX_ZIGZAG && v < MAX_ZIGZAG && Math.floor(v) === v)) {
      invalid();
    }
    this.uint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  bool(v: boolean): void {
    this.u8(v ? 1 : 0);
  }

  f64(v: number): void {
    this.ensure(8);
    // Floats are rare (JSON payloads only): a view per write keeps the writer small.
    new DataView(this.buf.buffer, this.pos, 8).setFloat64(0, v, true);
    this.pos += 8;
  }

  /**
   * Length-prefixed UTF-8. Lone surrogates are written as U+FFFD (as `TextEncoder`
   * does), so the wire always carries well-formed UTF-8. With `key`, a lone surrogate is
   * `encode_invalid` instead: two keys differing only there would collide once replaced.
   */
  str(s: string, key = false): void {
    const n = s.length;
    let p = this.pos;
    // ASCII (most attributes, text and keys): one pass, the length is `n`.
    if (n < 0x80) {
      this.ensure(n + 1);
      const b = this.buf;
      b[p] = n;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[p + 1 + i] = c;
      }
      if (i === n) {
        this.pos = p + 1 + n;
        return;
      }
    }
    if (key && LONE_SURROGATE.test(s)) invalid();
    // Encode past room for the longest length prefix, then move the bytes down behind it.
    // `uint` below cannot grow (and so truncate) the buffer: its 8 bytes are reserved here.
    this.ensure(MAX_PREFIX + n * 3);
    encoder ??= new TextEncoder();
    const bytes = encoder.encodeInto(s, this.buf.subarray(p + MAX_PREFIX)).written;
    this.uint(bytes);
    p += MAX_PREFIX;
    this.buf.copyWithin(this.pos, p, p + bytes);
    this.pos += bytes;
  }

  /** Copies the written bytes out and resets the writer for reuse. */
  finish(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    this.pos = 0;
    if (this.buf.length > KEEP_MAX) this.buf = new Uint8Array(INITIAL);
    return out;
  }

  /** Discards anything written (after an encode error). */
  reset(): void {
    this.pos = 0;
  }
}

let shared: Writer | undefined;

/** The module-level writer encoders fill and `finish()`; encoding is not re-entrant. */
export function sharedWriter(): Writer {
  shared ??= new Writer();
  shared.reset();
  return shared;
}

/** `encode_invalid`: a value the format cannot carry (a programming error, so no detail). */
export function invalid(detail?: string): never {
  throw new ProtocolError(ErrorCode.encode_invalid, detail);
}
