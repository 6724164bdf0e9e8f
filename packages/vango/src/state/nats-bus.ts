/**
 * The bus on NATS core pub/sub (the `nats` client's `NatsConnection` fits): the second
 * adapter behind the port, for apps that run NATS rather than Redis. Core NATS, not
 * JetStream: the port asks for at-most-once pub/sub, and shared state recovers what an
 * outage lost by itself; a stream would only store messages nobody replays.
 *
 * - Channels become one subject token each, `<prefix><channel>` with `.`, `*`, `>`, `%`
 *   and whitespace percent-encoded, so a key such as `room.1` never splits into tokens
 *   or turns into a wildcard.
 * - NATS delivers in order per publishing connection and subject, to the publisher's
 *   own subscriptions too (unless the connection was made with `noEcho`, which this
 *   adapter needs off).
 * - The client re-subscribes by itself when it reconnects; `reconnect` is reported as
 *   `status(true)` once a round trip (`flush`) proved the subscriptions are in place.
 *   While disconnected the client buffers publishes (`reconnectBufSize`) and sends them
 *   after the reconnection, so fewer messages are lost than on Redis.
 */
import type { Bus, BusListener } from "./bus.ts";

/** A subscription the bus made. */
export interface NatsBusSubscription {
  unsubscribe(): void;
}

/** What the bus needs of a NATS connection (the `nats` package's `NatsConnection` fits). */
export interface NatsBusConnection {
  publish(subject: string, data?: Uint8Array): void;
  subscribe(
    subject: string,
    options: { callback: (err: Error | null, msg: { data: Uint8Array }) => void },
  ): NatsBusSubscription;
  flush(): Promise<void>;
  status(): AsyncIterable<{ type: string }>;
  isClosed(): boolean;
}

export interface NatsBusOptions {
  /** A connected NATS connection; it stays the caller's (the bus closes only its subscriptions). */
  readonly connection: NatsBusConnection;
  /**
   * Prefix of every subject (default `"vango."`); apps sharing a NATS server need
   * different ones, and every instance of one app the same.
   */
  readonly prefix?: string;
}

const UNSAFE = /[.*>%\s]/g;

/** `room.1` → `room%2E1`: one subject token, never a wildcard. */
function token(channel: string): string {
  return channel.replace(
    UNSAFE,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase()}`,
  );
}

/**
 * @example
 * const nc = await connect({ servers: process.env.NATS_URL });
 * createApp({ routes, bus: new NatsBus({ connection: nc, prefix: "shop." }) });
 */
export class NatsBus implements Bus {
  readonly #nc: NatsBusConnection;
  readonly #prefix: string;
  readonly #subs = new Map<string, NatsBusSubscription>();
  #listener: BusListener | undefined;
  #up = false;
  #closed = false;

  constructor(options: NatsBusOptions) {
    this.#nc = options.connection;
    this.#prefix = options.prefix ?? "vango.";
    this.#listener = undefined;
  }

  open(listener: BusListener): void {
    if (this.#listener !== undefined) throw new Error("NatsBus: already open");
    this.#listener = listener;
    void this.#watch(listener);
    if (!this.#nc.isClosed()) {
      // Connected already (the client's `connect` resolves once it is): one round trip, then up.
      this.#nc.flush().then(
        () => this.#report(true),
        () => {},
      );
    }
  }

  subscribe(channel: string): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("NatsBus: closed"));
    if (!this.#subs.has(channel)) {
      let sub: NatsBusSubscription;
      try {
        sub = this.#nc.subscribe(this.#prefix + token(channel), {
          callback: (err, msg) => {
            if (err !== null || this.#closed || this.#subs.get(channel) !== sub) return;
            this.#listener?.message(channel, msg.data);
          },
        });
      } catch (e) {
        return Promise.reject(e);
      }
      this.#subs.set(channel, sub);
    }
    // Resolves once the server has the subscription (and rejects while disconnected).
    return this.#nc.flush();
  }

  unsubscribe(channel: string): Promise<void> {
    const sub = this.#subs.get(channel);
    if (sub === undefined) return Promise.resolve();
    this.#subs.delete(channel);
    try {
      sub.unsubscribe();
    } catch {
      // The connection is closed: so is the subscription.
    }
    return Promise.resolve();
  }

  publish(channel: string, data: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("NatsBus: closed"));
    try {
      this.#nc.publish(this.#prefix + token(channel), data);
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const channel of [...this.#subs.keys()]) await this.unsubscribe(channel);
    if (!this.#nc.isClosed()) await this.#nc.flush().catch(() => {});
  }

  async #watch(listener: BusListener): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (this.#closed) return;
      if (s.type === "disconnect") this.#report(false);
      else if (s.type === "reconnect") {
        await this.#nc.flush().then(
          () => this.#report(true),
          () => {},
        );
      }
    }
    // The connection closed for good.
    if (!this.#closed && this.#up) {
      this.#up = false;
      listener.status(false);
    }
  }

  #report(up: boolean): void {
    if (this.#closed || this.#up === up) return;
    this.#up = up;
    this.#listener?.status(up);
  }
}
