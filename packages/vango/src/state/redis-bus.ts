/**
 * The bus on Redis pub/sub. Publishes go through the app's client; subscriptions need a
 * connection of their own (a Redis connection in subscribe mode can do nothing else),
 * which the bus makes with `client.duplicate()` and owns.
 *
 * Why the bus re-subscribes itself instead of ioredis' `autoResubscribe`: the port must
 * say when every channel is in place again after a reconnection (`status(true)`), and
 * ioredis does not tell when its automatic re-subscription is done; the shared-state
 * layer asks its peers for what it missed right after that moment — by publishing, so
 * "up" also waits for the app's client (the publisher) to be connected, and a drop of
 * either connection reports down.
 *
 * Redis pub/sub delivers in order per publishing connection and channel, to every
 * connection subscribed at that moment, the publisher's own included. On Redis Cluster
 * a PUBLISH is forwarded to every node, so it works there too, at that cost.
 */
import type { Bus, BusListener } from "./bus.ts";

/** What the subscriber connection must offer (an ioredis `Redis` fits). */
export interface RedisBusSubscriber {
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  on(event: "messageBuffer", listener: (channel: Buffer, message: Buffer) => void): unknown;
  on(event: "ready" | "close", listener: () => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
  removeAllListeners(): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
  readonly status: string;
}

/**
 * What the bus needs of the app's client (an ioredis `Redis` fits). `status`, `on` and
 * `off`, when the client has them, let the bus report up only once publishing works too.
 */
export interface RedisBusClient {
  publish(channel: string, message: Buffer): Promise<unknown>;
  duplicate(override?: { autoResubscribe?: boolean }): RedisBusSubscriber;
  readonly status?: string;
  on?(event: "ready" | "close", listener: () => void): unknown;
  off?(event: "ready" | "close", listener: () => void): unknown;
}

export interface RedisBusOptions {
  /** Publishes on it, and duplicates it (with its options) for subscriptions. Stays the caller's. */
  readonly client: RedisBusClient;
  /**
   * Prefix of every Redis channel (default `"vango:"`): apps that share a Redis need
   * different ones, and every instance of one app the same.
   */
  readonly prefix?: string;
}

/** How long `close()` waits for the subscriber's QUIT before dropping the connection. */
const QUIT_MS = 500;

/**
 * @example
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false });
 * createApp({ routes, bus: new RedisBus({ client: redis, prefix: "shop:" }) });
 */
export class RedisBus implements Bus {
  readonly #client: RedisBusClient;
  readonly #prefix: string;
  readonly #channels = new Set<string>();
  #sub: RedisBusSubscriber | undefined;
  #listener: BusListener | undefined;
  #up = false;
  #closed = false;
  /** Listeners on the app's client (removed at close: the client stays the caller's). */
  #onClientReady: (() => void) | undefined = undefined;
  #onClientClose: (() => void) | undefined = undefined;

  constructor(options: RedisBusOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "vango:";
    this.#sub = undefined;
    this.#listener = undefined;
  }

  open(listener: BusListener): void {
    if (this.#listener !== undefined) throw new Error("RedisBus: already open");
    this.#listener = listener;
    const sub = this.#client.duplicate({ autoResubscribe: false });
    this.#sub = sub;
    const prefix = this.#prefix;
    sub.on("messageBuffer", (raw, message) => {
      const channel = raw.toString();
      if (!channel.startsWith(prefix)) return;
      const name = channel.slice(prefix.length);
      if (!this.#channels.has(name)) return;
      listener.message(
        name,
        new Uint8Array(message.buffer, message.byteOffset, message.byteLength),
      );
    });
    // Reconnection is the clients' (their retryStrategy); this only follows it.
    const down = () => {
      if (!this.#up) return;
      this.#up = false;
      listener.status(false);
    };
    sub.on("error", () => {});
    sub.on("close", down);
    sub.on("ready", () => void this.#ready(sub, listener));
    if (this.#client.on !== undefined) {
      this.#onClientReady = () => void this.#ready(sub, listener);
      this.#onClientClose = down;
      this.#client.on("ready", this.#onClientReady);
      this.#client.on("close", this.#onClientClose);
    }
    if (sub.status === "ready") void this.#ready(sub, listener);
  }

  subscribe(channel: string): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("RedisBus: closed"));
    this.#channels.add(channel);
    const sub = this.#sub;
    if (sub === undefined) return Promise.reject(new Error("RedisBus: not open"));
    return sub.subscribe(this.#prefix + channel).then(() => {});
  }

  unsubscribe(channel: string): Promise<void> {
    if (!this.#channels.delete(channel)) return Promise.resolve();
    const sub = this.#sub;
    if (sub === undefined || sub.status !== "ready") return Promise.resolve();
    return sub.unsubscribe(this.#prefix + channel).then(() => {});
  }

  publish(channel: string, data: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("RedisBus: closed"));
    return this.#client
      .publish(this.#prefix + channel, Buffer.from(data.buffer, data.byteOffset, data.byteLength))
      .then(() => {});
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channels.clear();
    if (this.#onClientReady !== undefined) this.#client.off?.("ready", this.#onClientReady);
    if (this.#onClientClose !== undefined) this.#client.off?.("close", this.#onClientClose);
    const sub = this.#sub;
    if (sub === undefined) return;
    sub.removeAllListeners();
    // Keep an 'error' listener: a connection error while quitting must not crash the process.
    sub.on("error", () => {});
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, QUIT_MS);
    });
    await Promise.race([sub.quit().catch(() => {}), gaveUp]);
    clearTimeout(timer);
    sub.disconnect();
  }

  /**
   * Puts every channel in place on a (re)connected subscriber, then reports up — once
   * the publishing client is connected too (its own 'ready' calls this again).
   */
  async #ready(sub: RedisBusSubscriber, listener: BusListener): Promise<void> {
    if (this.#closed || this.#up || sub.status !== "ready") return;
    try {
      if (this.#channels.size > 0) {
        await sub.subscribe(...[...this.#channels].map((c) => this.#prefix + c));
      }
    } catch {
      // Dropped again meanwhile: the next 'ready' tries again.
      return;
    }
    if (this.#closed || this.#up || sub.status !== "ready") return;
    if (!this.#publisherReady()) return;
    this.#up = true;
    listener.status(true);
  }

  /** The app's client can publish (a client that does not say is taken as ready). */
  #publisherReady(): boolean {
    const status = this.#client.status;
    return status === undefined || status === "ready";
  }
}
