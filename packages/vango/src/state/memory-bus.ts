/**
 * The in-process bus: the default when an app runs as one instance, and — several
 * `MemoryBus`es on one `MemoryBroker` — a stand-in for many instances in tests.
 * Delivery is asynchronous (a microtask), as on a network bus, so a listener never
 * runs inside the `publish` call that caused it and code that works here does not
 * depend on a synchronous delivery no real bus gives.
 */
import type { Bus, BusListener } from "./bus.ts";

/**
 * The channels of a group of {@link MemoryBus}es: what a Redis server is to `RedisBus`.
 * @example
 * const broker = new MemoryBroker();
 * const a = new MemoryBus(broker), b = new MemoryBus(broker); // two "instances"
 */
export class MemoryBroker {
  readonly #channels = new Map<string, Set<MemoryBus>>();

  /** @internal */
  add(channel: string, bus: MemoryBus): void {
    let set = this.#channels.get(channel);
    if (set === undefined) {
      set = new Set();
      this.#channels.set(channel, set);
    }
    set.add(bus);
  }

  /** @internal */
  remove(channel: string, bus: MemoryBus): void {
    const set = this.#channels.get(channel);
    if (set === undefined) return;
    set.delete(bus);
    if (set.size === 0) this.#channels.delete(channel);
  }

  /** @internal Who receives a message published now (taken at publish time). */
  subscribers(channel: string): MemoryBus[] | undefined {
    const set = this.#channels.get(channel);
    return set === undefined ? undefined : [...set];
  }
}

/**
 * @example
 * createApp({ routes, bus: new MemoryBus() }); // what an app without `bus` gets
 */
export class MemoryBus implements Bus {
  readonly #broker: MemoryBroker;
  readonly #channels = new Set<string>();
  #listener: BusListener | undefined;
  #closed = false;

  /** `broker`: share one to connect buses in one process (default: a private one). */
  constructor(broker: MemoryBroker = new MemoryBroker()) {
    this.#broker = broker;
    this.#listener = undefined;
  }

  open(listener: BusListener): void {
    if (this.#listener !== undefined) throw new Error("MemoryBus: already open");
    this.#listener = listener;
    queueMicrotask(() => {
      if (!this.#closed) listener.status(true);
    });
  }

  subscribe(channel: string): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("MemoryBus: closed"));
    this.#channels.add(channel);
    this.#broker.add(channel, this);
    return Promise.resolve();
  }

  unsubscribe(channel: string): Promise<void> {
    this.#channels.delete(channel);
    this.#broker.remove(channel, this);
    return Promise.resolve();
  }

  publish(channel: string, data: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("MemoryBus: closed"));
    const to = this.#broker.subscribers(channel);
    if (to !== undefined) {
      // A copy now: the caller may reuse its buffer once publish returns.
      const copy = data.slice();
      queueMicrotask(() => {
        for (const bus of to) bus.#deliver(channel, to.length === 1 ? copy : copy.slice());
      });
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#closed = true;
    for (const c of this.#channels) this.#broker.remove(c, this);
    this.#channels.clear();
    return Promise.resolve();
  }

  #deliver(channel: string, data: Uint8Array): void {
    // Unsubscribed (or closed) since the publish: nothing arrives after `unsubscribe`.
    if (!this.#channels.has(channel)) return;
    this.#listener?.message(channel, data);
  }
}
