/**
 * The server's end of one WebSocket (RFC 6455) on an upgraded socket: it reads the
 * client's frames ({@link FrameReader}), answers pings, runs the closing handshake and
 * reports messages, pongs, protocol errors and the end of the socket to its handler.
 * Data messages are written by `WsTransport`, straight to the socket; this class writes
 * only control frames (ping, pong, close), so both stay in order on the one socket.
 *
 * It does what `ws`'s `WebSocket`, `Receiver` and `Sender` did for the server, in one
 * small object per connection, because a server holds mostly idle tabs' sockets: no
 * EventEmitter or stream of its own, no closure per connection, and a frame reader only
 * while a frame is split across chunks ({@link readChunk}). The socket's listeners are
 * four functions shared by every socket, which find their WebSocket through one symbol
 * property of the socket.
 *
 * Closing follows `ws`: `close()` sends a close frame and waits for the peer's; the
 * socket is ended once both went (or after a protocol error), and destroyed if the peer
 * has not closed within {@link CLOSE_TIMEOUT_MS}. A close frame from the peer is echoed
 * with its code and reason (an empty one when it had none). The handler's `onClose` runs
 * exactly once, when the socket is gone, whichever way it went.
 */
import type { Duplex } from "node:stream";
import {
  type FrameReader,
  type FrameSink,
  isValidCloseCode,
  NO_STATUS,
  readChunk,
  type WebSocketError,
} from "./frame-reader.ts";

/** A WebSocket's state (`ws`'s `readyState` values). */
export const WsState = { Open: 1, Closing: 2, Closed: 3 } as const;
export type WsState = (typeof WsState)[keyof typeof WsState];

/** How long a closing WebSocket waits for the peer before destroying the socket (`ws`'s). */
export const CLOSE_TIMEOUT_MS = 30_000;

/**
 * Pongs the peer may leave unread before the socket is dropped (`ws`'s default): a
 * client flooding pings without reading would otherwise fill the server's memory.
 */
export const MAX_PENDING_PONGS = 60;

/** What a WebSocket reports (called with the handler as `this`: one object, no closures). */
export interface WebSocketHandler {
  /** A complete message: binary, or text (valid UTF-8; may be a view of the socket's chunk). */
  onMessage(data: Uint8Array, binary: boolean): void;
  /** A pong frame (an answer to {@link ServerWebSocket.ping}). */
  onPong(): void;
  /** The peer broke the protocol; the socket is closing with `err.closeCode`. */
  onError(err: WebSocketError): void;
  /** The socket is gone (closed, reset, destroyed): once per WebSocket. */
  onClose(): void;
}

/** Until {@link ServerWebSocket.open}, no socket event can reach the handler. */
const UNOPENED: WebSocketHandler = {
  onMessage() {},
  onPong() {},
  onError() {},
  onClose() {},
};

/** Flags of the closing handshake. */
const CLOSE_SENT = 1;
const CLOSE_RECEIVED = 2;
/** The reader failed: the socket ends once the close frame is out. */
const READ_FAILED = 4;

const PING = Buffer.from([0x89, 0x00]);
const EMPTY_CLOSE = Buffer.from([0x88, 0x00]);

/** The socket's one extra property: its WebSocket, for the shared listeners. */
const WEBSOCKET: unique symbol = Symbol("vango.websocket");
type HeldSocket = Duplex & { [WEBSOCKET]: ServerWebSocket };

/** The socket's listeners (set in {@link ServerWebSocket}'s static block). */
let onData: (this: HeldSocket, chunk: Buffer) => void;
let onEnd: (this: HeldSocket) => void;
let onError: (this: HeldSocket) => void;
let onClose: (this: HeldSocket) => void;

/** Optional methods of a TCP or TLS socket (a plain Duplex in tests has none). */
interface NetLike {
  setTimeout?: (ms: number) => unknown;
  setNoDelay?: (noDelay: boolean) => unknown;
}

/**
 * @example
 * socket.write(switchingProtocols(key));
 * const ws = new ServerWebSocket(socket, 1 << 20);
 * ws.open(handler, head);
 * ws.ping();
 * ws.close(1000, "bye");
 */
export class ServerWebSocket implements FrameSink {
  /** The upgraded socket. */
  readonly socket: Duplex;
  /** Most bytes of one incoming message. */
  readonly maxPayload: number;
  #state: WsState = WsState.Open;
  #flags = 0;
  /** Pongs written since the socket's buffer was last seen empty. */
  #pongs = 0;
  #closeTimer: NodeJS.Timeout | null = null;
  #handler: WebSocketHandler = UNOPENED;
  /** The frame or message going on into the next chunk (`null`: between frames). */
  #reader: FrameReader | null = null;

  /** Call {@link open} next. */
  constructor(socket: Duplex, maxPayload: number) {
    this.socket = socket;
    this.maxPayload = maxPayload;
  }

  /**
   * Starts reading, reporting to `handler`. `head` is what the HTTP server read past the
   * upgrade request (the first frames, if the client did not wait for the 101).
   */
  open(handler: WebSocketHandler, head: Buffer): void {
    this.#handler = handler;
    const s = this.socket as HeldSocket & NetLike;
    s[WEBSOCKET] = this;
    // As ws: no idle timeout on an upgraded socket (the heartbeat watches it), no Nagle delay.
    s.setTimeout?.(0);
    s.setNoDelay?.(true);
    s.on("data", onData);
    s.on("end", onEnd);
    s.on("error", onError);
    s.on("close", onClose);
    if (head.length > 0) this.#reader = readChunk(this.#reader, head, this);
  }

  get readyState(): WsState {
    return this.#state;
  }

  /** Sends a ping (empty payload); the peer's pong reaches `handler.onPong`. */
  ping(): void {
    if (this.#state === WsState.Open) this.socket.write(PING);
  }

  /**
   * Starts the closing handshake: sends a close frame with `code` and `reason` (none when
   * `code` is undefined). Throws, as `ws` did, on a code a peer may not receive or a
   * reason over 123 bytes: both are programming errors.
   */
  close(code?: number, reason: string | Uint8Array = ""): void {
    if (this.#state === WsState.Closed) return;
    if (this.#state === WsState.Closing) {
      const f = this.#flags;
      if ((f & CLOSE_SENT) !== 0 && (f & (CLOSE_RECEIVED | READ_FAILED)) !== 0) this.socket.end();
      return;
    }
    const frame = closeFrame(code, reason);
    this.#state = WsState.Closing;
    this.socket.write(frame);
    this.#flags |= CLOSE_SENT;
    // Writes go out in order: ending now still sends the close frame first.
    if ((this.#flags & (CLOSE_RECEIVED | READ_FAILED)) !== 0) this.socket.end();
    this.#closeTimer = setTimeout(destroySocket, CLOSE_TIMEOUT_MS, this.socket);
    this.#closeTimer.unref();
  }

  /** Destroys the socket without a closing handshake. */
  terminate(): void {
    if (this.#state === WsState.Closed) return;
    this.#state = WsState.Closing;
    this.socket.destroy();
  }

  /** {@link FrameSink}: called by the frame reader. */
  onMessage(data: Buffer, binary: boolean): void {
    this.#handler.onMessage(data, binary);
  }

  onPing(data: Buffer): void {
    if (this.#state !== WsState.Open) return;
    // A pong is pending until the socket's buffer empties (ws counted write callbacks).
    if (this.socket.writableLength === 0) this.#pongs = 0;
    if (this.#pongs >= MAX_PENDING_PONGS) {
      this.terminate();
      return;
    }
    this.#pongs++;
    this.socket.write(controlFrame(0x8a, data));
  }

  onPong(): void {
    this.#handler.onPong();
  }

  onCloseFrame(code: number, reason: Buffer): void {
    this.#flags |= CLOSE_RECEIVED;
    if (code === NO_STATUS) this.close();
    else this.close(code, reason);
  }

  onReadError(err: WebSocketError): void {
    this.#flags |= READ_FAILED;
    this.close(err.closeCode);
    this.#handler.onError(err);
  }

  static {
    // The socket's listeners, one set for every socket (`this` is the socket). Defined
    // in the class to reach its private state.
    onData = function (this: HeldSocket, chunk: Buffer): void {
      const ws = this[WEBSOCKET];
      ws.#reader = readChunk(ws.#reader, chunk, ws);
    };
    // The peer ended its side: end ours (an upgraded socket may stay half-open).
    onEnd = function (this: HeldSocket): void {
      const ws = this[WEBSOCKET];
      if (ws.#state === WsState.Open) ws.#state = WsState.Closing;
      this.end();
    };
    onError = function (this: HeldSocket): void {
      const ws = this[WEBSOCKET];
      if (ws.#state === WsState.Open) ws.#state = WsState.Closing;
      this.destroy();
    };
    onClose = function (this: HeldSocket): void {
      const ws = this[WEBSOCKET];
      if (ws.#state === WsState.Closed) return;
      ws.#state = WsState.Closed;
      if (ws.#closeTimer !== null) clearTimeout(ws.#closeTimer);
      ws.#closeTimer = null;
      ws.#reader = null;
      ws.#handler.onClose();
    };
  }
}

function destroySocket(socket: Duplex): void {
  socket.destroy();
}

/** An unmasked control frame (`head`: FIN and opcode) carrying `data` (≤ 125 bytes). */
function controlFrame(head: number, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(2 + data.length);
  out[0] = head;
  out[1] = data.length;
  out.set(data, 2);
  return out;
}

/** A close frame: empty when `code` is undefined, else the code and the UTF-8 reason. */
function closeFrame(code: number | undefined, reason: string | Uint8Array): Buffer {
  if (code === undefined) return EMPTY_CLOSE;
  if (!isValidCloseCode(code)) throw new TypeError(`Invalid WebSocket close code ${code}`);
  const text = typeof reason === "string" ? Buffer.from(reason) : reason;
  if (text.length > 123) throw new RangeError("A close reason must not be longer than 123 bytes");
  const out = Buffer.allocUnsafe(4 + text.length);
  out[0] = 0x88;
  out[1] = 2 + text.length;
  out[2] = code >>> 8;
  out[3] = code & 0xff;
  out.set(text, 4);
  return out;
}
