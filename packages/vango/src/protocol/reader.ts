/**
 * Bounds-checked reader for the wire primitives. Every read checks the remaining bytes
 * first; every length and count is checked against the limits before anything is
 * allocated. It throws only `ProtocolError`.
 */
import { ErrorCode, ProtocolError } from "./error-code.ts";
import type { Limits } from "./limits.ts";

let decoder: TextDecoder | undefined;
/** Strings up to this many bytes are decoded by hand when they are ASCII. */
const SHORT_STRING = 32;
const scratch: number[] = [];

export class Reader {
  readonly buf: Uint8Array;
  readonly limits: Limits;
  readonly end: number;
  pos: number;

  constructor(buf: Uint8Array, limits: Limits) {
    this.buf = buf;
    this.limits = limits;
    this.end = buf.length;
    this.pos = 0;
  }

  u8(): number {
    if (this.pos >= this.end) throw malformed();
    return this.buf[this.pos++]!;
  }

  /**
   * Unsigned LEB128 in [0, 2^53). Rejects overlong forms (a final 0x00 byte) and
   * anything past 8 bytes or 53 bits, so every value has exactly one encoding.
   */
  uint(): number {
    const b = this.buf;
    let p = this.pos;
    if (p >= this.end) throw malformed();
    let byte = b[p++]!;
    if (byte < 0x80) {
      this.pos = p;
      return byte;
    }
    let value = byte & 0x7f;
    let mul = 0x80;
    for (let i = 1; ; i++) {
      if (p >= this.end) throw malformed();
      byte = b[p++]!;
      // The 8th byte holds bits 49..55; only bits 49..52 fit below 2^53.
      if (i === 7 && byte > 0x0f) throw malformed();
      value += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        if (byte === 0) throw malformed();
        this.pos = p;
        return value;
      }
      mul *= 0x80;
    }
  }

  /** Zigzag varint. */
  sint(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  bool(): boolean {
    const v = this.u8();
    if (v > 1) throw malformed();
    return v === 1;
  }

  f64(): number {
    if (this.end - this.pos < 8) throw malformed();
    // Floats are rare (JSON payloads only): a view per read keeps the reader's shape small.
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    const v = view.getFloat64(0, true);
    // Only the canonical NaN (what DataView writes), so each value has one encoding.
    if (
      Number.isNaN(v) &&
      (view.getUint32(0, true) !== 0 || view.getUint32(4, true) !== 0x7ff80000)
    ) {
      throw malformed();
    }
    this.pos += 8;
    return v;
  }

  /** Length-prefixed UTF-8; invalid UTF-8 is `frame_malformed`. */
  str(): string {
    const len = this.uint();
    if (len > this.limits.maxString) throw limit();
    const start = this.pos;
    if (len > this.end - start) throw malformed();
    const b = this.buf;
    this.pos = start + len;
    if (len <= SHORT_STRING) {
      const end = start + len;
      for (let i = start; i < end; i++) if (b[i]! >= 0x80) return utf8(b, start, len);
      // ASCII. Measured on V8: concatenation wins up to ~8 chars, one `fromCharCode`
      // call over a reused array up to 32, TextDecoder's fixed cost above that.
      if (len <= 8) {
        let s = "";
        for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
        return s;
      }
      scratch.length = len;
      for (let i = 0; i < len; i++) scratch[i] = b[start + i]!;
      return String.fromCharCode.apply(null, scratch);
    }
    return utf8(b, start, len);
  }

  /**
   * A collection count: `> maxItems` is `limit_exceeded`; more items than the bytes left
   * could hold (each at least `minBytes`) is `frame_malformed`. Checked before any
   * allocation sized by the count.
   */
  count(minBytes: number): number {
    const n = this.uint();
    if (n > this.limits.maxItems) throw limit();
    if (n * minBytes > this.end - this.pos) throw malformed();
    return n;
  }

  /** Trailing bytes after a complete frame are `frame_malformed`. */
  done(): void {
    if (this.pos !== this.end) throw malformed();
  }
}

function utf8(b: Uint8Array, start: number, len: number): string {
  decoder ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  try {
    return decoder.decode(b.subarray(start, start + len));
  } catch {
    throw malformed();
  }
}

/*
 * Errors on the paths the browser bundle carries (the reader, server-frame decoders,
 * client-frame encoders) have a code and no detail: the code is the contract, and every
 * message string costs bundle bytes. Server-only paths may add a detail.
 */

export function malformed(detail?: string): ProtocolError {
  return new ProtocolError(ErrorCode.frame_malformed, detail);
}

export function limit(): ProtocolError {
  return new ProtocolError(ErrorCode.limit_exceeded);
}

export function depth(): ProtocolError {
  return new ProtocolError(ErrorCode.depth_exceeded);
}

export function unknown(detail?: string): ProtocolError {
  return new ProtocolError(ErrorCode.unknown_type, detail);
}
