/**
 * The browser client's half of the codec: encode the frames it sends, decode the
 * frames the server sends. Kept apart from the server half so the client bundle only
 * carries these paths.
 */
import { FrameType, ResyncFlag } from "./constants.ts";
import type { ClientFrame, ServerFrame } from "./frame.ts";
import {
  readClose,
  readError,
  readPing,
  readPong,
  writeClose,
  writeUintFrame,
} from "./frame-control.ts";
import { writeEventFrame } from "./frame-event.ts";
import { readHandshakeReply, writeHandshake } from "./frame-handshake.ts";
import { readFullResync, readPatches } from "./frame-patches.ts";
import { headerFlags, headerType, openFrame } from "./frame-reader.ts";
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";
import { type Reader, unknown } from "./reader.ts";
import { invalid, sharedWriter } from "./writer.ts";

/**
 * Encodes a frame the client sends.
 * @example
 * ws.send(encodeClientFrame({ type: FrameType.Ack, seq: 12 }));
 */
export function encodeClientFrame(frame: ClientFrame): Uint8Array {
  const w = sharedWriter();
  switch (frame.type) {
    case FrameType.Handshake:
      writeHandshake(w, frame);
      break;
    case FrameType.Event:
      writeEventFrame(w, frame);
      break;
    case FrameType.Ack:
      writeUintFrame(w, frame.type, frame.seq);
      break;
    case FrameType.Ping:
    case FrameType.Pong:
      writeUintFrame(w, frame.type, frame.nonce);
      break;
    case FrameType.ResyncRequest:
      writeUintFrame(w, frame.type, frame.lastSeq, frame.full ? ResyncFlag.Full : 0);
      break;
    case FrameType.Close:
      writeClose(w, frame);
      break;
    default:
      invalid();
  }
  return w.finish();
}

/** Decoder of each frame type the server sends, by type value. */
const READERS: Partial<Record<number, (r: Reader, flags: number) => ServerFrame>> = {
  [FrameType.HandshakeReply]: readHandshakeReply,
  [FrameType.Patches]: readPatches,
  [FrameType.Ping]: readPing,
  [FrameType.Pong]: readPong,
  [FrameType.FullResync]: readFullResync,
  [FrameType.Close]: readClose,
  [FrameType.Error]: readError,
};

/**
 * Decodes a frame the server sends; a client-only frame type is `unknown_type`.
 * Throws only `ProtocolError`. `limits` must be resolved (`resolveLimits`); the browser
 * uses the defaults.
 * @example
 * const f = decodeServerFrame(new Uint8Array(msg.data));
 * if (f.type === FrameType.Patches) apply(f.patches);
 */
export function decodeServerFrame(bytes: Uint8Array, limits: Limits = DEFAULT_LIMITS): ServerFrame {
  const r = openFrame(bytes, limits);
  const read = READERS[headerType(bytes)];
  if (read === undefined) throw unknown();
  const f = read(r, headerFlags(bytes));
  r.done();
  return f;
}
