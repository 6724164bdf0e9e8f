/**
 * The message bus port: what shared state (`globalSignal`, `presence`, `broadcast`)
 * needs to reach the other instances of an app. It is plain pub/sub — at-most-once,
 * no persistence, no acknowledgements — so Redis pub/sub, NATS core and an in-process
 * broker all fit; what pub/sub loses (messages published while an instance was cut
 * off, the state before an instance started) the shared-state layer recovers itself by
 * asking its peers when a bus reports it is up (`status(true)`).
 *
 * One listener per bus, set by `open`: channel dispatch happens above the port, so an
 * adapter keeps a set of channel names and nothing else.
 *
 * What every adapter guarantees (the conformance suite, `test/state/bus.cases.ts`,
 * runs on each of them):
 * - a message published on a channel reaches every open bus subscribed to it, the
 *   publishing bus included, with its bytes intact;
 * - messages from one bus on one channel arrive in the order they were published;
 * - nothing arrives for a channel before `subscribe` resolved or after `unsubscribe`
 *   resolved, nor after `close`;
 * - `status(true)` follows `open` once connected, and follows every reconnection once
 *   every subscribed channel is in place again; `status(false)` reports a lost
 *   connection (messages published meanwhile are missed).
 */

/** Where a bus delivers. */
export interface BusListener {
  /** A message on a subscribed channel; `data` is the listener's to keep. Must not throw. */
  message(channel: string, data: Uint8Array): void;
  /**
   * `true` when the bus delivers on every subscribed channel (first connection or a
   * reconnection), `false` when it lost its connection.
   */
  status(up: boolean): void;
}

/**
 * A pub/sub bus. Implementations: `MemoryBus` (one process, the default), `RedisBus`,
 * `NatsBus`.
 * @example
 * const bus: Bus = new RedisBus({ client: redis });
 * bus.open({ message: (channel, data) => route(channel, data), status: (up) => log({ up }) });
 * await bus.subscribe("vango:b.chat");
 * await bus.publish("vango:b.chat", bytes);
 */
export interface Bus {
  /** Starts delivering to `listener`; called once, before the other methods. */
  open(listener: BusListener): void;
  /**
   * Subscribes to `channel`. Resolves once messages on it are delivered; rejects when
   * the bus is down — the channel stays subscribed and is re-established when the bus
   * returns (before it reports `status(true)`).
   */
  subscribe(channel: string): Promise<void>;
  /** Stops delivery on `channel`. */
  unsubscribe(channel: string): Promise<void>;
  /** Sends `data` to the channel's subscribers; rejects when the bus cannot take it. */
  publish(channel: string, data: Uint8Array): Promise<void>;
  /** Stops delivering and releases what the bus opened itself (not clients passed in). */
  close(): Promise<void>;
}
