/**
 * Test kit for the frame reader: client frames built byte by byte (valid or broken on
 * purpose), a sink that records what a reader reports, and ways to feed it a stream cut
 * into chunks. Shared by the reader's tests and the fuzzer.
 */
import {
  type FrameReader,
  type FrameSink,
  readChunk,
  type WebSocketError,
} from "../../../src/server/ws/frame-reader.ts";

export const Op = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

export interface FrameSpec {
  /** Default true. */
  fin?: boolean;
  /** RSV bits (0–7, as bits 6–4 of the first byte); default 0. */
  rsv?: number;
  /** Default true: client frames must be masked. */
  masked?: boolean;
  /** Default: a fixed non-zero key. */
  mask?: readonly [number, number, number, number];
  /** Force a length encoding: 7-bit, 16-bit or 64-bit (default: the shortest). */
  lengthBytes?: 0 | 2 | 8;
  /** Overrides the announced length (the payload written stays `payload`). */
  announced?: number;
  /** Sets the 64-bit length's most significant bit (with `lengthBytes: 8`). */
  highBit?: boolean;
}

const KEY = [0x37, 0xfa, 0x21, 0x3d] as const;

/**
 * One client frame: `opcode`, `payload` masked with the spec's key.
 * @example clientFrame(Op.Binary, Buffer.from([1, 2, 3]));
 */
export function clientFrame(opcode: number, payload: Uint8Array, spec: FrameSpec = {}): Buffer {
  const { fin = true, rsv = 0, masked = true, mask = KEY } = spec;
  const len = spec.announced ?? payload.length;
  const lengthBytes = spec.lengthBytes ?? (len < 126 ? 0 : len < 65_536 ? 2 : 8);
  const head = Buffer.alloc(2 + lengthBytes + (masked ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | opcode;
  let p = 2;
  if (lengthBytes === 0) head[1] = len;
  else if (lengthBytes === 2) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
    p = 4;
  } else {
    head[1] = 127;
    head.writeUInt32BE((Math.floor(len / 2 ** 32) | (spec.highBit ? 0x80000000 : 0)) >>> 0, 2);
    head.writeUInt32BE(len >>> 0, 6);
    p = 10;
  }
  const body = Buffer.from(payload);
  if (masked) {
    head[1]! |= 0x80;
    for (let i = 0; i < 4; i++) head[p + i] = mask[i]!;
    for (let i = 0; i < body.length; i++) body[i]! ^= mask[i & 3]!;
  }
  return Buffer.concat([head, body]);
}

/** A close frame's payload: `code` and a UTF-8 `reason`. */
export function closePayload(code: number, reason = ""): Buffer {
  const r = Buffer.from(reason);
  const out = Buffer.alloc(2 + r.length);
  out.writeUInt16BE(code, 0);
  r.copy(out, 2);
  return out;
}

/** What a reader reported, payloads copied (they may be views of chunks). */
export type ReadEvent =
  | { type: "binary" | "text" | "ping" | "pong"; data: string }
  | { type: "close"; code: number; reason: string }
  | { type: "error"; closeCode: number; code: string };

/**
 * A connection as the reader sees it: it records what it is told, and reads its chunks
 * as the server's WebSocket does (keeping a reader only between chunks of one frame).
 * @example const r = new Recorder(1024); r.push(frame); r.events;
 */
export class Recorder implements FrameSink {
  readonly maxPayload: number;
  readonly events: ReadEvent[] = [];
  /** The buffers messages were delivered in (to check copies). */
  readonly delivered: Buffer[] = [];
  /** The reader kept after the last chunk (`null`: it ended between frames). */
  reader: FrameReader | null = null;

  constructor(maxPayload: number) {
    this.maxPayload = maxPayload;
  }

  push(chunk: Buffer): void {
    this.reader = readChunk(this.reader, chunk, this);
  }

  onMessage(data: Buffer, binary: boolean): void {
    this.delivered.push(data);
    this.events.push({ type: binary ? "binary" : "text", data: data.toString("hex") });
  }
  onPing(data: Buffer): void {
    this.events.push({ type: "ping", data: data.toString("hex") });
  }
  onPong(data: Buffer): void {
    this.events.push({ type: "pong", data: data.toString("hex") });
  }
  onCloseFrame(code: number, reason: Buffer): void {
    this.events.push({ type: "close", code, reason: reason.toString("hex") });
  }
  onReadError(err: WebSocketError): void {
    this.events.push({ type: "error", closeCode: err.closeCode, code: err.code });
  }
}

/**
 * Feeds `stream` to a new connection cut at `cuts` (sorted offsets), each chunk a fresh
 * copy (the reader unmasks in place), and returns what it reported.
 */
export function readInChunks(stream: Uint8Array, cuts: readonly number[], maxPayload: number) {
  const r = new Recorder(maxPayload);
  let from = 0;
  for (const at of [...cuts, stream.length]) {
    if (at <= from) continue;
    r.push(Buffer.from(stream.subarray(from, at)));
    from = at;
  }
  return r.events;
}

/** Feeds `stream` one byte at a time. */
export function readBytewise(stream: Uint8Array, maxPayload: number): ReadEvent[] {
  const cuts: number[] = [];
  for (let i = 1; i < stream.length; i++) cuts.push(i);
  return readInChunks(stream, cuts, maxPayload);
}
