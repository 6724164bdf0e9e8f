/**
 * A transport decorator that counts `vango_websocket_errors_total{type}`: every coded
 * Error frame the server sends (fatal or not), and every coded close that no fatal
 * Error frame announced (handshake refusals, `slow_consumer`, `idle_timeout`,
 * `server_shutdown`, …). A fatal Error frame followed by its close counts once.
 */
import { decodeServerFrame } from "../protocol/client-codec.ts";
import { ErrorFlag, FLAG_SHIFT, FrameType, TYPE_MASK } from "../protocol/constants.ts";
import { ErrorCode } from "../protocol/errors.ts";
import type { Transport } from "../server/core/transport.ts";

/** What the decorator records into (the app's `VangoMetrics` fits). */
export interface WebSocketErrorSink {
  websocketError(code: string): void;
}

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

export class ObservedTransport implements Transport {
  readonly #inner: Transport;
  readonly #sink: WebSocketErrorSink;
  #fatalSent: boolean;

  /** @example const t = new ObservedTransport(new WsTransport(ws), metrics); */
  constructor(inner: Transport, sink: WebSocketErrorSink) {
    this.#inner = inner;
    this.#sink = sink;
    this.#fatalSent = false;
  }

  send(data: Uint8Array): void {
    // One byte test per frame; Error frames are rare, so decoding them costs nothing overall.
    if (data.length > 0 && (data[0]! & TYPE_MASK) === FrameType.Error) this.#countError(data);
    this.#inner.send(data);
  }

  get bufferedAmount(): number {
    return this.#inner.bufferedAmount;
  }

  close(code: number, reason: string): void {
    if (!this.#fatalSent && CODES.has(reason)) this.#sink.websocketError(reason);
    this.#fatalSent = true;
    this.#inner.close(code, reason);
  }

  ping(): void {
    this.#inner.ping();
  }

  terminate(): void {
    this.#inner.terminate();
  }

  #countError(data: Uint8Array): void {
    const f = decodeServerFrame(data);
    if (f.type !== FrameType.Error) return;
    this.#sink.websocketError(f.code);
    if (((data[0]! >> FLAG_SHIFT) & ErrorFlag.Fatal) !== 0) this.#fatalSent = true;
  }
}
