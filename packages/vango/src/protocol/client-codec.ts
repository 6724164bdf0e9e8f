/**
 * The browser client's half of the codec: encode the frames it sends, decode the
 * frames the server sends. Kept apart from the server half so the client bundle only
 * carries these paths.
 */
import { FrameType } from "./constants.ts";
import { ErrorCode, ProtocolError } from "./error-code.ts";
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
import type { Limits } from "./limits.ts";
import { unknown } from "./reader.ts";
import { sharedWriter } from "./writer.ts";

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
      writeUintFrame(w, frame.type, frame.lastSeq);
      break;
    case FrameType.Close:
      writeClose(w, frame);
      break;
    default:
      throw new ProtocolError(ErrorCode.encode_invalid, "not a client frame");
  }
  return w.finish();
}

/**
 * Decodes a frame the server sends; a client-only frame type is `unknown_type`.
 * Throws only `ProtocolError`.
 * @example
 * const f = decodeServerFrame(new Uint8Array(msg.data));
 * if (f.type === FrameType.Patches) apply(f.patches);
 */
export function decodeServerFrame(bytes: Uint8Array, limits?: Partial<Limits>): ServerFrame {
  const r = openFrame(bytes, limits);
  const type = headerType(bytes);
  const flags = headerFlags(bytes);
  let f: ServerFrame;
  switch (type) {
    case FrameType.HandshakeReply:
      f = readHandshakeReply(r, flags);
      break;
    case FrameType.Patches:
      f = readPatches(r, flags);
      break;
    case FrameType.Ping:
      f = readPing(r, flags);
      break;
    case FrameType.Pong:
      f = readPong(r, flags);
      break;
    case FrameType.FullResync:
      f = readFullResync(r, flags);
      break;
    case FrameType.Close:
      f = readClose(r, flags);
      break;
    case FrameType.Error:
      f = readError(r, flags);
      break;
    default:
      throw unknown("server frame type", type);
  }
  r.done();
  return f;
}
