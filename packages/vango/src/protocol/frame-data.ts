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
import { Writer } from "./writer.ts";

/** Most header bytes a Data frame can have with a channel of up to 64 ASCII bytes. */
export const DATA_HEADER_MAX = 1 + 1 + 64 + 8;

/**
 * Encodes a Data frame (one allocation: header and bytes in one buffer).
 * @example ws.send(encodeDataFrame("Xq3…", 65536, bytes));
 */
export function encodeDataFrame(channel: string, offset: number, data: Uint8Array): Uint8Array {
  const w = new Writer(data.length + 16 + channel.length * 3);
  w.u8(FrameType.Data);
  w.str(channel);
  w.uint(offset);
  w.ensure(data.length);
  w.buf.set(data, w.pos);
  w.pos += data.length;
  return w.buf.subarray(0, w.pos);
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
