/** Control frame codecs: Ack, Ping, Pong, ResyncRequest, Close, Error. */
import { ErrorFlag, FLAG_SHIFT, FrameType, ResyncFlag } from "./constants.ts";
import { errorFromId, errorId } from "./error-code.ts";
import type {
  AckFrame,
  CloseFrame,
  ErrorFrame,
  PingFrame,
  PongFrame,
  ResyncRequestFrame,
} from "./frame.ts";
import { malformed, type Reader, unknown } from "./reader.ts";
import { invalid, type Writer } from "./writer.ts";

const CLOSE_MIN = 1000;
const CLOSE_MAX = 4999;

/** Ack, Ping, Pong and ResyncRequest are a header and one varint. */
export function writeUintFrame(w: Writer, type: FrameType, v: number, flags = 0): void {
  w.u8(type | (flags << FLAG_SHIFT));
  w.uint(v);
}

function noFlags(flags: number): void {
  if (flags !== 0) throw malformed();
}

export function readAck(r: Reader, flags: number): AckFrame {
  noFlags(flags);
  return { type: FrameType.Ack, seq: r.uint() };
}

export function readPing(r: Reader, flags: number): PingFrame {
  noFlags(flags);
  return { type: FrameType.Ping, nonce: r.uint() };
}

export function readPong(r: Reader, flags: number): PongFrame {
  noFlags(flags);
  return { type: FrameType.Pong, nonce: r.uint() };
}

export function readResyncRequest(r: Reader, flags: number): ResyncRequestFrame {
  if (flags & ~ResyncFlag.Full) throw malformed();
  return { type: FrameType.ResyncRequest, lastSeq: r.uint(), full: flags === ResyncFlag.Full };
}

export function writeClose(w: Writer, f: CloseFrame): void {
  if (!(f.code >= CLOSE_MIN && f.code <= CLOSE_MAX)) {
    invalid();
  }
  w.u8(FrameType.Close);
  w.uint(f.code);
  w.str(f.reason);
}

export function readClose(r: Reader, flags: number): CloseFrame {
  noFlags(flags);
  const code = r.uint();
  if (code < CLOSE_MIN || code > CLOSE_MAX) throw malformed();
  return { type: FrameType.Close, code, reason: r.str() };
}

export function writeError(w: Writer, f: ErrorFrame): void {
  w.u8(FrameType.Error | ((f.fatal ? ErrorFlag.Fatal : 0) << FLAG_SHIFT));
  w.uint(errorId(f.code));
  w.uint(f.cseq);
  w.str(f.message);
}

export function readError(r: Reader, flags: number): ErrorFrame {
  if (flags & ~ErrorFlag.Fatal) throw malformed();
  const id = r.uint();
  const code = errorFromId(id);
  if (code === undefined) throw unknown();
  return {
    type: FrameType.Error,
    code,
    fatal: (flags & ErrorFlag.Fatal) !== 0,
    cseq: r.uint(),
    message: r.str(),
  };
}
