/**
 * A {@link ServerWebSocket} as a session transport. Binary messages are framed here and
 * written to the upgraded socket in one piece (header and payload in one buffer, no
 * options object per call). The WebSocket itself writes only control frames (ping,
 * pong, close) and queues nothing, so these writes stay in order with them.
 *
 * Writes are paced by the socket: while its buffer is over its high-water mark, messages
 * wait in this transport's queue (kept by reference, not copied), and a message over
 * {@link FRAGMENT_BYTES} is streamed as a fragmented WebSocket message (RFC 6455 §5.4),
 * one fragment per drain. The browser still receives one message, and control frames
 * (ping, pong) may go between fragments instead of waiting behind megabytes of a large
 * render. `close` sends its close frame once the queue is written (frames sent before
 * it, e.g. a fatal Error frame, arrive first); `terminate` drops the queue at once.
 * `bufferedAmount` counts the queue and the socket's buffer.
 */
import { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Transport } from "../core/transport.ts";
import { type ServerWebSocket, WsState } from "./server-websocket.ts";

const OPEN = WsState.Open;
/** FIN bit and the binary opcode. */
const FIN_BINARY = 0x82;
const FIN = 0x80;
const BINARY = 0x02;
/**
 * Largest piece of a message written at once. 64 KiB is ~30 ms on a 2 MB/s link (how
 * long a close or ping may wait behind one fragment) and 70 writes for a 4.5 MiB render.
 */
export const FRAGMENT_BYTES = 64 * 1024;

/**
 * Messages waiting for the socket; made when one first has to wait, so the many idle
 * sockets carry one field for it.
 */
class Backlog {
  /** Oldest first; the first may be partly written. */
  readonly messages: Uint8Array[] = [];
  /** Bytes of `messages[0]` already written (as fragments). */
  offset = 0;
  /** Bytes not yet written. */
  bytes = 0;
  /** A drain listener is registered. */
  waiting = false;
  /** A close asked for while messages wait (0: none), sent after them. */
  closeCode = 0;
  closeReason = "";
  readonly onDrain: () => void;

  constructor(onDrain: () => void) {
    this.onDrain = onDrain;
  }
}

/**
 * @example
 * const t = new WsTransport(ws);
 * t.send(frame);
 * t.close(1000, "");
 */
export class WsTransport implements Transport {
  readonly #ws: ServerWebSocket;
  readonly #socket: Duplex;
  #backlog: Backlog | null = null;

  constructor(ws: ServerWebSocket) {
    this.#ws = ws;
    this.#socket = ws.socket;
  }

  send(data: Uint8Array): void {
    if (this.#ws.readyState !== OPEN) return;
    let b = this.#backlog;
    if (b !== null && b.closeCode !== 0) return;
    if (b === null || b.bytes === 0) {
      if (data.length <= FRAGMENT_BYTES && !this.#socket.writableNeedDrain) {
        this.#socket.write(frameBinary(data));
        return;
      }
      b ??= this.#backlog = new Backlog(() => {
        this.#backlog!.waiting = false;
        this.#pump();
      });
    }
    b.messages.push(data);
    b.bytes += data.length;
    this.#pump();
  }

  get bufferedAmount(): number {
    const s = this.#socket;
    return (this.#backlog?.bytes ?? 0) + (s.destroyed ? 0 : s.writableLength);
  }

  close(code: number, reason: string): void {
    const b = this.#backlog;
    if (b !== null && b.bytes > 0 && this.#ws.readyState === OPEN) {
      if (b.closeCode === 0) {
        b.closeCode = code;
        b.closeReason = reason;
      }
      return;
    }
    if (this.#ws.readyState === OPEN) this.#ws.close(code, reason);
  }

  ping(): void {
    if (this.#ws.readyState === OPEN) this.#ws.ping();
  }

  /**
   * Hard stop. A TCP socket is reset rather than closed: a plain close would leave the
   * unread backlog in the kernel, still being sent, for as long as the peer keeps its
   * window open (a slow consumer's megabytes); a reset discards it.
   */
  terminate(): void {
    this.#drop();
    const s = this.#socket;
    if (s instanceof Socket && !s.destroyed) {
      try {
        s.resetAndDestroy();
      } catch {
        // Not a TCP handle (TLS, a pipe): a normal destroy below.
      }
    }
    this.#ws.terminate();
  }

  /** Writes waiting messages until the socket's buffer is full again. */
  #pump(): void {
    const b = this.#backlog!;
    const q = b.messages;
    const socket = this.#socket;
    while (q.length > 0 && !socket.writableNeedDrain) {
      if (this.#ws.readyState !== OPEN) {
        this.#drop();
        return;
      }
      const msg = q[0]!;
      const off = b.offset;
      const n = Math.min(msg.length - off, FRAGMENT_BYTES);
      const last = off + n === msg.length;
      if (off === 0 && last) socket.write(frameBinary(msg));
      else socket.write(frame((last ? FIN : 0) | (off === 0 ? BINARY : 0), msg, off, off + n));
      b.bytes -= n;
      if (last) {
        q.shift();
        b.offset = 0;
      } else b.offset = off + n;
    }
    if (q.length > 0) {
      if (!b.waiting) {
        b.waiting = true;
        socket.once("drain", b.onDrain);
      }
      return;
    }
    if (b.closeCode !== 0 && this.#ws.readyState === OPEN) {
      this.#ws.close(b.closeCode, b.closeReason);
    }
  }

  #drop(): void {
    const b = this.#backlog;
    if (b === null) return;
    b.messages.length = 0;
    b.offset = 0;
    b.bytes = 0;
  }
}

/**
 * One unmasked, final binary WebSocket frame (RFC 6455 §5.2) carrying `data`.
 * @example frameBinary(new Uint8Array([1, 2])); // <82 02 01 02>
 */
export function frameBinary(data: Uint8Array): Buffer {
  return frame(FIN_BINARY, data, 0, data.length);
}

/** One unmasked frame with first byte `head` carrying `data[start, end)`. */
function frame(head: number, data: Uint8Array, start: number, end: number): Buffer {
  const n = end - start;
  const size = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(size + n);
  out[0] = head;
  if (n < 126) {
    out[1] = n;
  } else if (n < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    out.writeUInt32BE(n >>> 0, 6);
  }
  out.set(n === data.length ? data : data.subarray(start, end), size);
  return out;
}
