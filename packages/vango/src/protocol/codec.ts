/** Direction-agnostic entry points (tests, tools, the fuzzer). */
import { decodeServerFrame, encodeClientFrame } from "./client-codec.ts";
import { FrameType } from "./constants.ts";
import type { ClientFrame, Frame, ServerFrame } from "./frame.ts";
import { encodeDataFrame } from "./frame-data.ts";
import { headerType } from "./frame-reader.ts";
import { type Limits, resolveLimits } from "./limits.ts";
import { decodeClientFrame, encodeServerFrame } from "./server-codec.ts";
import { invalid } from "./writer.ts";

/** Frame types only the server sends; Ping, Pong and Close go both ways. */
function isServerType(type: number): boolean {
  return (
    type === FrameType.HandshakeReply ||
    type === FrameType.Patches ||
    type === FrameType.FullResync ||
    type === FrameType.Error
  );
}

/**
 * Encodes any frame. Throws `ProtocolError` `encode_invalid` for values the format
 * cannot carry (negative or fractional varints, unknown ops, out-of-range codes).
 * @example
 * const bytes = encodeFrame({ type: FrameType.Ack, seq: 5 }); // Uint8Array [5, 5]
 */
export function encodeFrame(frame: Frame): Uint8Array {
  if (frame.type === FrameType.Data) {
    if (!Number.isSafeInteger(frame.offset) || frame.offset < 0) invalid();
    return encodeDataFrame(frame.channel, frame.offset, frame.data);
  }
  return isServerType(frame.type)
    ? encodeServerFrame(frame as ServerFrame)
    : encodeClientFrame(frame as ClientFrame);
}

/**
 * Decodes any frame, checking every limit before allocating. Throws only `ProtocolError`.
 * @example
 * const frame = decodeFrame(bytes, { maxFrameBytes: 64 * 1024 });
 */
export function decodeFrame(bytes: Uint8Array, limits?: Partial<Limits>): Frame {
  return bytes.length > 0 && isServerType(headerType(bytes))
    ? decodeServerFrame(bytes, resolveLimits(limits))
    : decodeClientFrame(bytes, limits);
}
