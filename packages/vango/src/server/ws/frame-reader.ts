/**
 * Reads the frames a browser sends on a WebSocket (RFC 6455 §5) from a socket's chunks,
 * however they are cut: a frame may arrive in one chunk with others, or a byte at a time.
 * The reader checks every frame as `ws` did, in the same order and with the same codes
 * (`ws`'s `WS_ERR_*` names, so logs and the `payload_too_large` count keep their values):
 * a client frame must be masked, carry no RSV bit (no extension is ever negotiated) and a
 * known opcode; a control frame must be final and at most 125 bytes; continuation frames
 * need a started message and a new message waits for the last one's end. A message over
 * the sink's `maxPayload`, counted over all its fragments, is refused (1009) as soon as a
 * frame header announces it, before any of its bytes are kept.
 *
 * Memory: a frame that arrived whole in one chunk is unmasked in place and handed on as
 * a view of that chunk (no copy, as `ws` did); a frame split across chunks is unmasked
 * straight into a buffer of its exact size (one copy); a fragmented message is unmasked
 * into one buffer that grows by doubling, up to `maxPayload` (no object per fragment).
 * A reader between frames holds no buffer and no state that matters, so connections do
 * not keep one: {@link readChunk} lends them a shared spare and a connection keeps a
 * reader only while a frame or a fragmented message goes on into its next chunk. An idle
 * connection pays one empty field for reading.
 *
 * The reader reports complete messages, pings, pongs, the close frame and the first
 * protocol error to a {@link FrameSink}; after a close frame or an error it ignores the
 * rest.
 */
import { isUtf8 } from "node:buffer";
import { CloseCode } from "../../protocol/constants.ts";

/** RFC 6455 close codes the reader answers a bad peer with (§7.4.1). */
export const ReadClose = {
  ProtocolError: 1002,
  InvalidData: 1007,
  PolicyViolation: CloseCode.PolicyViolation,
  MessageTooBig: CloseCode.MessageTooBig,
} as const;

/** Code of the error for a message over `maxPayload` (`ws`'s, kept for logs and metrics). */
export const MESSAGE_TOO_BIG = "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";

/**
 * Most frames one message may be cut into (`ws`'s default): an empty continuation frame
 * costs the server a header parse and the peer 6 bytes, and no message event pays for it.
 */
export const MAX_FRAGMENTS = 16 * 1024;

/** Close code a close frame without one reports (RFC 6455 §7.1.5), as `ws` does. */
export const NO_STATUS = 1005;

/**
 * Why a reader stopped reading: `closeCode` is the code to close with, `code` the
 * `WS_ERR_*` name `ws` gave the same fault.
 */
export class WebSocketError extends Error {
  readonly code: string;
  readonly closeCode: number;

  constructor(message: string, code: string, closeCode: number) {
    super(message);
    this.name = "WebSocketError";
    this.code = code;
    this.closeCode = closeCode;
  }
}

const EMPTY = Buffer.alloc(0);
/** Longest frame header: 2 bytes, a 64-bit length, a 4-byte masking key. */
const MAX_HEADER = 14;

/** What the reader is waiting for. */
const HEADER = 0;
const PAYLOAD = 1;
/** After a close frame or a protocol error: input is ignored. */
const DONE = 2;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** What a reader reports to, and the limit it reads with. */
export interface FrameSink {
  /** Most bytes of one message (all its fragments), at least 1. */
  readonly maxPayload: number;
  /** A complete data message: binary, or text (valid UTF-8). May be a view of a chunk. */
  onMessage(data: Buffer, binary: boolean): void;
  /** A ping frame and its payload (a view of a chunk). */
  onPing(data: Buffer): void;
  /** A pong frame and its payload. */
  onPong(data: Buffer): void;
  /** The peer's close frame: its code ({@link NO_STATUS} when none) and reason bytes. */
  onCloseFrame(code: number, reason: Buffer): void;
  /** The first protocol error (the reader reads nothing more). */
  onReadError(err: WebSocketError): void;
}

/**
 * An incremental reader of client frames (the state of the frame being read).
 * @example
 * const r = new FrameReader();
 * socket.on("data", (chunk) => r.push(chunk, sink));
 */
export class FrameReader {
  #stage = HEADER;
  /** A header split across chunks: its bytes so far (`null`: none). */
  #carry: Uint8Array | null = null;
  #carried = 0;
  /** First header byte of the frame being read (FIN bit, opcode). */
  #head = 0;
  /** Payload bytes of the frame still to come. */
  #left = 0;
  /** Payload bytes of the frame already unmasked (where in the masking key the next one is). */
  #done = 0;
  /** The frame's masking key, bytes 0–1 and 2–3. */
  #maskHi = 0;
  #maskLo = 0;
  /** Where a payload that is not read in place goes (`null`: in place), and at which offset. */
  #into: Buffer | null = null;
  #at = 0;
  /** The fragmented message being read: its opcode (0: none), buffer, length and frames. */
  #msgOpcode = 0;
  #msg: Buffer | null = null;
  #msgBytes = 0;
  #msgFrames = 0;

  /** Reads one chunk, reporting to `sink`; its masked payloads are unmasked in place. */
  push(chunk: Buffer, sink: FrameSink): void {
    let off = 0;
    while (off < chunk.length && this.#stage !== DONE) {
      off =
        this.#stage === HEADER
          ? this.#readHeader(chunk, off, sink)
          : this.#readPayload(chunk, off, sink);
    }
  }

  /**
   * Between frames, with no header begun and no fragmented message going on: the reader
   * holds nothing, and any other idle reader would read the next chunk the same.
   */
  get idle(): boolean {
    return this.#stage === HEADER && this.#carry === null && this.#msgOpcode === 0;
  }

  /** Stops reading (after a close frame or an error) and drops what was buffered. */
  #stop(): void {
    this.#stage = DONE;
    this.#carry = null;
    this.#into = null;
    this.#msg = null;
  }

  /** Takes the header bytes at `off` (all of the chunk when the header goes on after it). */
  #readHeader(chunk: Buffer, off: number, sink: FrameSink): number {
    const end = chunk.length;
    let carry = this.#carry;
    if (carry === null && end - off >= 2) {
      const size = headerBytes(chunk[off + 1]!);
      if (end - off >= size) {
        this.#header(chunk, off, sink);
        return off + size;
      }
    }
    // The header goes on in the next chunk: its bytes wait in a carry of their own.
    carry ??= this.#carry = new Uint8Array(MAX_HEADER);
    let n = this.#carried;
    while (off < end && (n < 2 || n < headerBytes(carry[1]!))) carry[n++] = chunk[off++]!;
    if (n < 2 || n < headerBytes(carry[1]!)) {
      this.#carried = n;
      return off;
    }
    this.#carry = null;
    this.#carried = 0;
    this.#header(carry, 0, sink);
    return off;
  }

  /** Checks a complete header at `buf[at]` and prepares for its payload. */
  #header(buf: Uint8Array, at: number, sink: FrameSink): void {
    const b0 = buf[at]!;
    const b1 = buf[at + 1]!;
    if ((b0 & 0x30) !== 0) {
      this.#fail(sink, "RSV2 and RSV3 must be clear", "WS_ERR_UNEXPECTED_RSV_2_3");
      return;
    }
    if ((b0 & 0x40) !== 0) {
      this.#fail(sink, "RSV1 must be clear", "WS_ERR_UNEXPECTED_RSV_1");
      return;
    }
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    let len = b1 & 0x7f;
    if (opcode === OP_CONTINUATION) {
      if (this.#msgOpcode === 0) {
        this.#fail(sink, "invalid opcode 0", "WS_ERR_INVALID_OPCODE");
        return;
      }
    } else if (opcode === OP_TEXT || opcode === OP_BINARY) {
      if (this.#msgOpcode !== 0) {
        this.#fail(sink, `invalid opcode ${opcode}`, "WS_ERR_INVALID_OPCODE");
        return;
      }
    } else if (opcode === OP_CLOSE || opcode === OP_PING || opcode === OP_PONG) {
      if (!fin) {
        this.#fail(sink, "FIN must be set", "WS_ERR_EXPECTED_FIN");
        return;
      }
      if (len > 125 || (opcode === OP_CLOSE && len === 1)) {
        this.#fail(sink, `invalid payload length ${len}`, "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH");
        return;
      }
    } else {
      this.#fail(sink, `invalid opcode ${opcode}`, "WS_ERR_INVALID_OPCODE");
      return;
    }
    if ((b1 & 0x80) === 0) {
      this.#fail(sink, "MASK must be set", "WS_ERR_EXPECTED_MASK");
      return;
    }
    let p = at + 2;
    if (len === 126) {
      len = (buf[p]! << 8) | buf[p + 1]!;
      p += 2;
    } else if (len === 127) {
      const hi = ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
      const lo =
        ((buf[p + 4]! << 24) | (buf[p + 5]! << 16) | (buf[p + 6]! << 8) | buf[p + 7]!) >>> 0;
      // RFC 6455 §5.2: "the most significant bit MUST be 0".
      if (hi > 0x7fffffff) {
        this.#fail(
          sink,
          "payload length has its most significant bit set",
          "WS_ERR_INVALID_PAYLOAD_LENGTH",
        );
        return;
      }
      // Over 2^53 it is not exact, but far over any maxPayload, which is all that matters.
      len = hi * 2 ** 32 + lo;
      p += 8;
    }
    this.#maskHi = (buf[p]! << 8) | buf[p + 1]!;
    this.#maskLo = (buf[p + 2]! << 8) | buf[p + 3]!;
    this.#head = b0;
    this.#left = len;
    this.#done = 0;
    this.#into = null;
    if (opcode < OP_CLOSE) {
      if (this.#msgBytes + len > sink.maxPayload) {
        this.#fail(
          sink,
          "Max payload size exceeded",
          MESSAGE_TOO_BIG,
          ReadClose.MessageTooBig,
          false,
        );
        return;
      }
      if (opcode === OP_CONTINUATION || !fin) {
        // A fragment: unmasked into the message's buffer, after the fragments before it.
        if (++this.#msgFrames > MAX_FRAGMENTS) {
          this.#fail(
            sink,
            "Too many message fragments",
            "WS_ERR_TOO_MANY_BUFFERED_PARTS",
            ReadClose.PolicyViolation,
            false,
          );
          return;
        }
        if (opcode !== OP_CONTINUATION) this.#msgOpcode = opcode;
        if (len > 0) {
          this.#into = this.#reserve(len, sink.maxPayload);
          this.#at = this.#msgBytes;
        }
      }
    }
    if (len === 0) this.#frame(EMPTY, sink);
    else this.#stage = PAYLOAD;
  }

  /** Takes payload bytes at `off`; returns where the next frame starts. */
  #readPayload(chunk: Buffer, off: number, sink: FrameSink): number {
    const left = this.#left;
    const avail = chunk.length - off;
    let into = this.#into;
    if (into === null) {
      if (avail >= left) {
        // The common case: the whole payload is in this chunk. Unmasked where it lies.
        unmask(chunk, off, chunk, off, left, this.#maskHi, this.#maskLo, 0);
        this.#left = 0;
        this.#frame(chunk.subarray(off, off + left), sink);
        return off + left;
      }
      into = this.#into = Buffer.allocUnsafe(left);
      this.#at = 0;
    }
    const n = avail < left ? avail : left;
    unmask(chunk, off, into, this.#at, n, this.#maskHi, this.#maskLo, this.#done);
    this.#at += n;
    this.#done += n;
    this.#left = left - n;
    if (this.#left === 0) {
      this.#into = null;
      this.#frame(into === this.#msg ? EMPTY : into, sink);
    }
    return off + n;
  }

  /**
   * A frame is complete: `payload` for a control or unfragmented frame, `EMPTY` for a
   * fragment (its bytes are in the message's buffer).
   */
  #frame(payload: Buffer, sink: FrameSink): void {
    this.#stage = HEADER;
    const opcode = this.#head & 0x0f;
    if (opcode >= OP_CLOSE) {
      this.#control(opcode, payload, sink);
      return;
    }
    if (this.#msgOpcode === 0) {
      this.#deliver(opcode, payload, sink);
      return;
    }
    this.#msgBytes += this.#done;
    if ((this.#head & 0x80) === 0) return;
    const msg = this.#msg;
    const data = msg === null ? EMPTY : msg.subarray(0, this.#msgBytes);
    const msgOpcode = this.#msgOpcode;
    this.#msg = null;
    this.#msgOpcode = 0;
    this.#msgBytes = 0;
    this.#msgFrames = 0;
    this.#deliver(msgOpcode, data, sink);
  }

  #deliver(opcode: number, data: Buffer, sink: FrameSink): void {
    if (opcode === OP_BINARY) sink.onMessage(data, true);
    else if (isUtf8(data)) sink.onMessage(data, false);
    else this.#fail(sink, "invalid UTF-8 sequence", "WS_ERR_INVALID_UTF8", ReadClose.InvalidData);
  }

  #control(opcode: number, data: Buffer, sink: FrameSink): void {
    if (opcode === OP_PING) {
      sink.onPing(data);
      return;
    }
    if (opcode === OP_PONG) {
      sink.onPong(data);
      return;
    }
    if (data.length === 0) {
      this.#stop();
      sink.onCloseFrame(NO_STATUS, EMPTY);
      return;
    }
    const code = (data[0]! << 8) | data[1]!;
    if (!isValidCloseCode(code)) {
      this.#fail(sink, `invalid status code ${code}`, "WS_ERR_INVALID_CLOSE_CODE");
      return;
    }
    const reason = data.subarray(2);
    if (!isUtf8(reason)) {
      this.#fail(sink, "invalid UTF-8 sequence", "WS_ERR_INVALID_UTF8", ReadClose.InvalidData);
      return;
    }
    this.#stop();
    sink.onCloseFrame(code, reason);
  }

  /** The message's buffer with room for `n` more bytes (grown by doubling, up to maxPayload). */
  #reserve(n: number, maxPayload: number): Buffer {
    const need = this.#msgBytes + n;
    const msg = this.#msg;
    if (msg !== null && msg.length >= need) return msg;
    const size = Math.max(need, Math.min(maxPayload, (msg?.length ?? 0) * 2));
    const grown = Buffer.allocUnsafe(size);
    if (msg !== null) grown.set(msg.subarray(0, this.#msgBytes));
    this.#msg = grown;
    return grown;
  }

  #fail(
    sink: FrameSink,
    message: string,
    code: string,
    closeCode: number = ReadClose.ProtocolError,
    frame = true,
  ): void {
    this.#stop();
    sink.onReadError(
      new WebSocketError(frame ? `Invalid WebSocket frame: ${message}` : message, code, closeCode),
    );
  }
}

/** The idle reader connections borrow (taken while in use: a nested read makes its own). */
let spare: FrameReader | null = null;

/**
 * Reads `chunk` for a connection whose reader is `reader`, or `null` when its last chunk
 * ended between frames; returns what to keep for the next chunk: `null` again when this
 * one ended between frames too (the reader goes back to be the spare), else the reader
 * holding the frame or message in progress.
 * @example ws.reader = readChunk(ws.reader, chunk, ws);
 */
export function readChunk(
  reader: FrameReader | null,
  chunk: Buffer,
  sink: FrameSink,
): FrameReader | null {
  let r = reader;
  if (r === null) {
    r = spare ?? new FrameReader();
    spare = null;
  }
  r.push(chunk, sink);
  if (!r.idle) return r;
  spare = r;
  return null;
}

/** Bytes of a client frame's header, from its second byte (length code, MASK bit). */
function headerBytes(b1: number): number {
  const len = b1 & 0x7f;
  return 2 + (len === 126 ? 2 : len === 127 ? 8 : 0) + ((b1 & 0x80) !== 0 ? 4 : 0);
}

/**
 * Whether a peer may send close code `code` (RFC 6455 §7.4): the defined 1000–1014 less
 * the reserved 1004, 1005 and 1006, and the registered and private 3000–4999 (`ws`'s rule).
 * @example isValidCloseCode(1000); // true
 * isValidCloseCode(1005); // false: "no status" is never sent
 */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/** Below this many bytes, a word view costs more than it saves. */
const WORDS_FROM = 64;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * XORs `n` bytes of `src` from `from` into `dst` at `to` (the same bytes when unmasking
 * in place) with the masking key `hi`/`lo` (bytes 0–1, 2–3), starting at key byte
 * `phase % 4`. A short run goes four bytes a step in one pass; a long one (an upload's
 * chunk) is copied, then unmasked a 32-bit word at a time, about three times faster.
 * @example unmask(buf, 6, buf, 6, 5, 0x3712, 0x2a05, 0);
 */
export function unmask(
  src: Uint8Array,
  from: number,
  dst: Uint8Array,
  to: number,
  n: number,
  hi: number,
  lo: number,
  phase: number,
): void {
  if (n >= WORDS_FROM) {
    if (src !== dst || from !== to) dst.set(src.subarray(from, from + n), to);
    unmaskWords(dst, to, n, hi, lo, phase);
    return;
  }
  const k0 = hi >>> 8;
  const k1 = hi & 0xff;
  const k2 = lo >>> 8;
  const k3 = lo & 0xff;
  let i = 0;
  // Up to the key's first byte.
  for (; i < n && ((phase + i) & 3) !== 0; i++) {
    const k = (phase + i) & 3;
    dst[to + i] = src[from + i]! ^ (k === 1 ? k1 : k === 2 ? k2 : k3);
  }
  const whole = i + ((n - i) & ~3);
  for (; i < whole; i += 4) {
    dst[to + i] = src[from + i]! ^ k0;
    dst[to + i + 1] = src[from + i + 1]! ^ k1;
    dst[to + i + 2] = src[from + i + 2]! ^ k2;
    dst[to + i + 3] = src[from + i + 3]! ^ k3;
  }
  if (i < n) dst[to + i] = src[from + i]! ^ k0;
  if (i + 1 < n) dst[to + i + 1] = src[from + i + 1]! ^ k1;
  if (i + 2 < n) dst[to + i + 2] = src[from + i + 2]! ^ k2;
}

/** Key byte `k` (0–3) of the key `hi`/`lo`. */
function keyByte(hi: number, lo: number, k: number): number {
  return k === 0 ? hi >>> 8 : k === 1 ? hi & 0xff : k === 2 ? lo >>> 8 : lo & 0xff;
}

/** Unmasks `buf[at, at + n)` in place, the 4-byte-aligned middle as 32-bit words. */
function unmaskWords(
  buf: Uint8Array,
  at: number,
  n: number,
  hi: number,
  lo: number,
  phase: number,
): void {
  let i = 0;
  // Up to a 4-byte boundary of the underlying memory (a typed array view must start on one).
  for (; ((buf.byteOffset + at + i) & 3) !== 0; i++) {
    buf[at + i]! ^= keyByte(hi, lo, (phase + i) & 3);
  }
  const r = phase + i;
  const b0 = keyByte(hi, lo, r & 3);
  const b1 = keyByte(hi, lo, (r + 1) & 3);
  const b2 = keyByte(hi, lo, (r + 2) & 3);
  const b3 = keyByte(hi, lo, (r + 3) & 3);
  const key = LITTLE_ENDIAN
    ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)
    : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
  const count = (n - i) >>> 2;
  const words = new Int32Array(buf.buffer, buf.byteOffset + at + i, count);
  for (let w = 0; w < count; w++) words[w]! ^= key;
  for (i += count * 4; i < n; i++) buf[at + i]! ^= keyByte(hi, lo, (phase + i) & 3);
}
