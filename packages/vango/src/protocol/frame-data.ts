/**
 * Data frame codec: bytes a client sends into a channel the server opened for its
 * session (an upload's id), at an offset. Header byte, channel `str`, offset `uint`, then
 * the bytes themselves up to the end of the message — no length prefix, so a chunk is
 * bounded by the frame size (`maxFrameBytes`, the server's `limits.maxPayload`) and not
 * by `maxString`, and decoding it copies nothing.
 *
 * Only the `Upload` hook chunk and the server carry this module: the core client never
 * sends Data frames.
 */
import { FrameType } from "./constants.ts";
import type { DataFrame } from "./frame.ts";
import { malformed, type Reader } from "./reader.ts";

/** Most header bytes a Data frame can have with a channel of up to 64 ASCII bytes. */
export const DATA_HEADER_MAX = 1 + 1 + 64 + 8;

let utf8: TextEncoder | undefined;

/**
 * Encodes a Data frame (one allocation: header and bytes in one buffer). Written by hand
 * rather than with the shared `Writer`, which would bring the error registry into the
 * upload chunk (2.4 KB of brotli); `offset` must be a safe non-negative integer (the
 * caller's to check: `encodeFrame` does).
 * @example ws.send(encodeDataFrame("Xq3…", 65536, bytes));
 */
export function encodeDataFrame(channel: string, offset: number, data: Uint8Array): Uint8Array {
  utf8 ??= new TextEncoder();
  const name = utf8.encode(channel);
  const out = new Uint8Array(1 + 8 + name.length + 8 + data.length);
  out[0] = FrameType.Data;
  let p = uint(out, 1, name.length);
  out.set(name, p);
  p = uint(out, p + name.length, offset);
  out.set(data, p);
  return out.subarray(0, p + data.length);
}

/** Unsigned LEB128 of `v` at `p` (the shortest form, as `Writer.uint`); returns the end. */
function uint(b: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    b[p++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  b[p++] = v;
  return p;
}

/** Decodes the fields after the header byte; `data` is a view into `r.buf`. */
export function readData(r: Reader, flags: number): DataFrame {
  if (flags !== 0) throw malformed();
  const channel = r.str();
  const offset = r.uint();
  const data = r.buf.subarray(r.pos, r.end);
  r.pos = r.end;
  return { type: FrameType.Data, channel, offset, data };
}
