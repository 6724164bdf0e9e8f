/** Opening a frame for decoding: the size limit, the header byte. */
import { FLAG_SHIFT, TYPE_MASK } from "./constants.ts";
import { ErrorCode, ProtocolError } from "./error-code.ts";
import type { Limits } from "./limits.ts";
import { malformed, Reader } from "./reader.ts";

/**
 * Checks the frame size and returns a reader positioned after the header byte. `l` is
 * already resolved (`resolveLimits`), so the browser bundle never carries the clamping.
 */
export function openFrame(bytes: Uint8Array, l: Limits): Reader {
  if (bytes.length > l.maxFrameBytes) {
    throw new ProtocolError(ErrorCode.frame_too_large);
  }
  if (bytes.length === 0) throw malformed();
  const r = new Reader(bytes, l);
  r.pos = 1;
  return r;
}

export function headerType(bytes: Uint8Array): number {
  return bytes[0]! & TYPE_MASK;
}

export function headerFlags(bytes: Uint8Array): number {
  return bytes[0]! >> FLAG_SHIFT;
}
