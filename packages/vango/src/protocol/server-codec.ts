/** The server's half of the codec: encode the frames it sends, decode the client's. */
import { FrameType } from "./constants.ts";
import type { ClientFrame, ServerFrame } from "./frame.ts";
import {
  readAck,
  readClose,
  readPing,
  readPong,
  readResyncRequest,
  writeClose,
  writeError,
  writeUintFrame,
} from "./frame-control.ts";
import { readData } from "./frame-data.ts";
import { readEventFrame } from "./frame-event.ts";
import { readHandshake, writeHandshakeReply } from "./frame-handshake.ts";
import { writeFullResync, writePatches } from "./frame-patches.ts";
import { headerFlags, headerType, openFrame } from "./frame-reader.ts";
import { type Limits, resolveLimits } from "./limits.ts";
import { unknown } from "./reader.ts";
import { invalid, sharedWriter } from "./writer.ts";

/**
 * Encodes a frame the server sends.
 * @example
 * ws.send(encodeServerFrame({ type: FrameType.Patches, seq: 3, cseq: 9, patches }));
 */
export function encodeServerFrame(frame: ServerFrame): Uint8Array {
  const w = sharedWriter();
  switch (frame.type) {
    case FrameType.HandshakeReply:
      writeHandshakeReply(w, frame);
      break;
    case FrameType.Patches:
      writePatches(w, frame);
      break;
    case FrameType.Ping:
    case FrameType.Pong:
      writeUintFrame(w, frame.type, frame.nonce);
      break;
    case FrameType.FullResync:
      writeFullResync(w, frame);
      break;
    case FrameType.Close:
      writeClose(w, frame);
      break;
    case FrameType.Error:
      writeError(w, frame);
      break;
    default:
      invalid("not a server frame");
  }
  return w.finish();
}

/**
 * Decodes a frame the client sends; a server-only frame type is `unknown_type`.
 * Throws only `ProtocolError`.
 * @example
 * const limits = resolveLimits({ maxFrameBytes: 1 << 20 });
 * const f = decodeClientFrame(data, limits);
 */
export function decodeClientFrame(bytes: Uint8Array, limits?: Partial<Limits>): ClientFrame {
  const r = openFrame(bytes, resolveLimits(limits));
  const type = headerType(bytes);
  const flags = headerFlags(bytes);
  let f: ClientFrame;
  switch (type) {
    case FrameType.Handshake:
      f = readHandshake(r, flags);
      break;
    case FrameType.Event:
      f = readEventFrame(r, flags);
      break;
    case FrameType.Ack:
      f = readAck(r, flags);
      break;
    case FrameType.Ping:
      f = readPing(r, flags);
      break;
    case FrameType.Pong:
      f = readPong(r, flags);
      break;
    case FrameType.ResyncRequest:
      f = readResyncRequest(r, flags);
      break;
    case FrameType.Close:
      f = readClose(r, flags);
      break;
    case FrameType.Data:
      f = readData(r, flags);
      break;
    default:
      throw unknown(`client frame type ${type}`);
  }
  r.done();
  return f;
}
