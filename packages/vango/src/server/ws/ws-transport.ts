/**
 * A `ws` WebSocket as a session transport. Binary messages are framed here and written
 * to the upgraded socket in one piece: `ws.send` writes header and payload separately
 * (cork, two writes, uncork) and builds an options object and a Buffer view per call,
 * about 1 KB of garbage per frame under load (bench/load). With `perMessageDeflate: false`
 * `ws` never queues a frame of its own, so these writes stay in order with the control
 * frames it sends (ping, pong, close), and `bufferedAmount`, which includes the socket's
 * buffer, still counts them.
 */
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { Transport } from "../core/transport.ts";

const OPEN = 1;
/** FIN bit and the binary opcode. */
const FIN_BINARY = 0x82;

export class WsTransport implements Transport {
  readonly #ws: WebSocket;
  readonly #socket: Duplex;

  /** `socket` is the one `ws` upgraded (the `upgrade` event's). */
  constructor(ws: WebSocket, socket: Duplex) {
    this.#ws = ws;
    this.#socket = socket;
  }

  send(data: Uint8Array): void {
    if (this.#ws.readyState !== OPEN) return;
    this.#socket.write(frameBinary(data));
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  close(code: number, reason: string): void {
    if (this.#ws.readyState < 2) this.#ws.close(code, reason);
  }

  ping(): void {
    if (this.#ws.readyState === OPEN) this.#ws.ping();
  }

  terminate(): void {
    this.#ws.terminate();
  }
}

/**
 * One unmasked, final binary WebSocket frame (RFC 6455 §5.2) carrying `data`.
 * @example frameBinary(new Uint8Array([1, 2])); // <82 02 01 02>
 */
export function frameBinary(data: Uint8Array): Buffer {
  const n = data.length;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = FIN_BINARY;
  if (n < 126) {
    frame[1] = n;
  } else if (n < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    frame.writeUInt32BE(n >>> 0, 6);
  }
  frame.set(data, head);
  return frame;
}
