/**
 * A bus that can be cut off and restored on command, around a `MemoryBus`: while down
 * it reports `status(false)`, refuses publishes and hears nothing (as a Redis client
 * that lost its connection); `drop` loses chosen messages on the way in.
 */
import type { Bus, BusListener } from "../../src/state/bus.ts";
import { type MemoryBroker, MemoryBus } from "../../src/state/memory-bus.ts";

export class FlakyBus implements Bus {
  readonly #inner: MemoryBus;
  #listener: BusListener | undefined;
  #down = false;
  /** Messages this returns true for are lost on the way in. */
  drop: (channel: string, data: Uint8Array) => boolean = () => false;

  constructor(broker: MemoryBroker) {
    this.#inner = new MemoryBus(broker);
  }

  open(listener: BusListener): void {
    this.#listener = listener;
    this.#inner.open({
      message: (c, d) => {
        if (!this.#down && !this.drop(c, d)) listener.message(c, d);
      },
      status: (up) => {
        if (!this.#down) listener.status(up);
      },
    });
  }

  subscribe(channel: string): Promise<void> {
    return this.#inner.subscribe(channel);
  }

  unsubscribe(channel: string): Promise<void> {
    return this.#inner.unsubscribe(channel);
  }

  publish(channel: string, data: Uint8Array): Promise<void> {
    if (this.#down) return Promise.reject(new Error("ECONNREFUSED"));
    return this.#inner.publish(channel, data);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  down(): void {
    this.#down = true;
    this.#listener?.status(false);
  }

  up(): void {
    this.#down = false;
    this.#listener?.status(true);
  }
}
