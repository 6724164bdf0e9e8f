/**
 * An in-memory socket for the session core: records every frame the server sends and
 * how it was closed. `bufferedAmount` is settable to exercise backpressure.
 */
import type { Transport } from "../server/core/transport.ts";

export class MemoryTransport implements Transport {
  /** Frames sent by the server, in order, not yet taken by {@link take}. */
  readonly sent: Uint8Array[] = [];
  bufferedAmount = 0;
  closed: { code: number; reason: string } | undefined = undefined;
  pings = 0;
  readonly #onClose: (() => void) | undefined;

  constructor(onClose?: () => void) {
    this.#onClose = onClose;
  }

  send(data: Uint8Array): void {
    if (this.closed === undefined) this.sent.push(data);
  }

  close(code: number, reason: string): void {
    if (this.closed !== undefined) return;
    this.closed = { code, reason };
    this.#onClose?.();
  }

  ping(): void {
    this.pings++;
  }

  terminate(): void {
    this.close(1006, "");
  }

  /** Removes and returns the frames sent so far. */
  take(): Uint8Array[] {
    return this.sent.splice(0, this.sent.length);
  }
}
