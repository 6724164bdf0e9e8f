/**
 * The server's frame builders: thin wrappers over the shared protocol codec for the
 * frames the runtime sends, and the coded close helper.
 */
import { FrameType } from "../../protocol/constants.ts";
import { ERRORS, ErrorCode } from "../../protocol/errors.ts";
import type { Patch, WireNode } from "../../protocol/patch.ts";
import { encodeServerFrame as encodeFrame } from "../../protocol/server-codec.ts";
import type { Transport } from "../core/transport.ts";

export { ErrorCode };

export function encodePatches(seq: number, cseq: number, patches: readonly Patch[]): Uint8Array {
  return encodeFrame({ type: FrameType.Patches, seq, cseq, patches });
}

export function encodeFullResync(seq: number, root: WireNode): Uint8Array {
  return encodeFrame({ type: FrameType.FullResync, seq, root });
}

/** An Error frame; `message` is empty outside devMode (nothing internal reaches clients). */
export function encodeErrorFrame(
  code: ErrorCode,
  fatal: boolean,
  cseq = 0,
  message = "",
): Uint8Array {
  return encodeFrame({ type: FrameType.Error, code, fatal, cseq, message });
}

export function encodeCloseFrame(code: ErrorCode): Uint8Array {
  return encodeFrame({ type: FrameType.Close, code: ERRORS[code].close, reason: code });
}

export function encodePong(nonce: number): Uint8Array {
  return encodeFrame({ type: FrameType.Pong, nonce });
}

/** Closes `t` with the registry's close code for `code`; the reason is the code string. */
export function closeWith(t: Transport, code: ErrorCode): void {
  t.close(ERRORS[code].close, code);
}

/** Sends a fatal Error frame, then closes with the matching close code. */
export function failWith(t: Transport, code: ErrorCode, cseq = 0): void {
  t.send(encodeErrorFrame(code, true, cseq));
  closeWith(t, code);
}
