/**
 * The shared-state hub: global signals, presence and broadcast topics of one process,
 * and the bus that carries them to the other instances of the app.
 *
 * - **Channels.** Each topic has its own channel (`g.<key>`, `p.<topic>`, `b.<topic>`),
 *   subscribed while the topic is in use, so an instance hears only topics its sessions
 *   use; answers to this instance's questions come to its inbox (`i.<instance id>`).
 * - **Delivery.** Writes apply here first, then go out fire-and-forget through a
 *   {@link CircuitBreaker} with a deadline: while the bus fails, messages stay on this
 *   instance (counted as `failed`), sessions here keep working, and readiness reports
 *   the bus `degraded`.
 * - **Recovery.** Pub/sub loses what was published while an instance was cut off, so
 *   whenever the bus reports it is up again (and when the circuit closes after an
 *   outage) every topic announces its state and asks for everyone else's — the same
 *   exchange a topic makes when it is first used, which is how a late-joining instance
 *   learns the current values.
 * - **Input from the bus** is checked (`bus-message.ts`, the state codec's limits): a
 *   malformed message is counted (`invalid`), logged at most once per 10 s, and dropped.
 *
 * The process has one hub ({@link sharedState}), which `globalSignal`, `presence` and
 * `broadcast` use; it starts on an in-process {@link MemoryBus}, and `createApp({ bus })`
 * connects it to the app's bus. A `new SharedState()` of its own suits tests that
 * put several "instances" in one process.
 */
import { randomBytes } from "node:crypto";
import { getOwner, onCleanup, onRelease, runWithOwner } from "../reactive/owner.ts";
import { unrecorded } from "../reactive/signal.ts";
import {
  BreakerState,
  type BreakerTransition,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from "../server/core/circuit-breaker.ts";
import type { Logger } from "../server/core/logger.ts";
import { type Broadcast, type BroadcastOptions, BroadcastTopic } from "./broadcast.ts";
import type { Bus } from "./bus.ts";
import {
  type BusMessage,
  decodeMessage,
  encodeMessage,
  NAME_PATTERN,
  ORIGIN_PATTERN,
  SharedStateError,
} from "./bus-message.ts";
import { StateCodec, StateError } from "./codec.ts";
import { type GlobalSignal, type GlobalSignalOptions, GlobalTopic } from "./global-signal.ts";
import { MemoryBus } from "./memory-bus.ts";
import { type Presence, type PresenceOptions, PresenceTopic } from "./presence.ts";
import {
  payloadLimit,
  type SharedTopic,
  type StateCodecTypes,
  type TopicHost,
} from "./shared-topic.ts";

/** Receives the hub's counts (`createMetrics()` fits: `vango_bus_messages_total`). */
export interface SharedStateObserver {
  /** A message handed to the bus (`sent`), or kept on this instance because the bus failed or its circuit is open (`failed`). */
  busPublished(outcome: "sent" | "failed"): void;
  /** A message from another instance, used (`ok`) or dropped as malformed (`invalid`). */
  busReceived(outcome: "ok" | "invalid"): void;
}

/** How shared state uses its bus. */
export interface BusSettings {
  /** The bus adapter (`RedisBus`, `MemoryBus`). */
  readonly adapter: Bus;
  /**
   * Largest message in bytes (default 256 KiB, at least 4 KiB): a value, metadata or
   * message that would encode larger is refused (`state_limit_exceeded`), and a larger
   * message from the bus is dropped as `bus_message_invalid`.
   */
  readonly maxMessageBytes?: number;
  /** Interval of presence heartbeats in ms (default 5,000). */
  readonly presenceHeartbeatMs?: number;
  /**
   * Members of an instance not heard from for this long are dropped (default 15,000 ms;
   * at least twice the heartbeat): how a crashed instance's members expire.
   */
  readonly presenceTtlMs?: number;
  /** The publish circuit (default: 200 ms per publish, open after 5 failures, probe every 5 s). */
  readonly breaker?: CircuitBreakerOptions;
}

/** {@link SharedState.connect}'s options: the bus settings and where to report. */
export interface SharedStateConnection extends BusSettings {
  readonly logger?: Logger;
  readonly observer?: SharedStateObserver;
}

export interface SharedStateOptions extends Partial<SharedStateConnection> {
  /** This instance's id on the bus (default: 16 random characters, new per process). */
  readonly instanceId?: string;
}

/** The bus as readiness reports it (fits `Health.watch`). */
export interface BusStatus {
  readonly status: "ok" | "degraded";
  /** `closed`, `open`, `half_open` (the publish circuit) or `disconnected`. */
  readonly state: string;
  /** `bus_down` (connection lost) or `circuit_open`. */
  readonly error?: string;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
const MIN_MESSAGE_BYTES = 4 * 1024;
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 5_000;
const DEFAULT_TTL_MS = 15_000;
/** Clocks beyond this are refused: a forged huge clock would otherwise end all stamping. */
const MAX_CLOCK = 2 ** 52;
/** How long `disconnect()` waits for publishes in flight. */
const FLUSH_MS = 1_000;
/** At most one log line about malformed messages per this many ms. */
const INVALID_LOG_MS = 10_000;
const OK: BusStatus = Object.freeze({ status: "ok", state: BreakerState.Closed });

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * @example
 * const a = new SharedState({ adapter: new MemoryBus(broker) });
 * const b = new SharedState({ adapter: new MemoryBus(broker) });
 * a.globalSignal("count", 0).set(1); // b.globalSignal("count", 0)() is 1 once delivered
 */
export class SharedState {
  readonly instanceId: string;
  /** What the topics use of the hub (kept off the public class). */
  readonly #host: TopicHost;
  readonly #topics = new Map<string, SharedTopic>();
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #codecs = new Map<StateCodecTypes, StateCodec>();
  #codec!: StateCodec;
  #bus!: Bus;
  #connected = false;
  #breaker!: CircuitBreaker;
  #logger: Logger = silent;
  #observer: SharedStateObserver | undefined;
  #maxBytes = DEFAULT_MAX_MESSAGE_BYTES;
  #heartbeatMs = DEFAULT_HEARTBEAT_MS;
  #ttlMs = DEFAULT_TTL_MS;
  #up = false;
  #wasDown = false;
  #clock = 0;
  #timer: NodeJS.Timeout | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;
  #resyncQueued = false;
  #invalidCount = 0;
  #invalidLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(options: SharedStateOptions = {}) {
    const id = options.instanceId ?? randomBytes(12).toString("base64url");
    if (!ORIGIN_PATTERN.test(id)) {
      throw new RangeError("shared state: instanceId must be 1–64 of [A-Za-z0-9_-]");
    }
    this.instanceId = id;
    this.#host = this.#makeHost();
    this.#use({ ...options, adapter: options.adapter ?? new MemoryBus() });
  }

  /** The bus delivers (connected, every channel in place) and the publish circuit is closed. */
  get up(): boolean {
    return this.#up && this.#breaker.state === BreakerState.Closed;
  }

  /**
   * The global signal `key` (created with `initial` the first time; later calls return
   * the same signal). See {@link globalSignal}.
   */
  globalSignal<T>(key: string, initial: T, options?: GlobalSignalOptions<T>): GlobalSignal<T> {
    const topic = this.#acquire(
      `g.${checkName(key)}`,
      () => new GlobalTopic(this.#host, key, initial, options),
    );
    return (topic as GlobalTopic<T>).signal;
  }

  /**
   * @internal {@link globalSignal} for a signal a parked view may let go of: its owner's
   * hold is bookkeeping (`onRelease`), not a subscription that keeps the view live — the
   * view takes it again when it is built again (a browser session's flash messages).
   */
  releasableSignal<T>(key: string, initial: T): GlobalSignal<T> {
    const topic = this.#acquire(
      `g.${checkName(key)}`,
      () => new GlobalTopic(this.#host, key, initial),
      true,
    );
    return (topic as GlobalTopic<T>).signal;
  }

  /** The presence topic `topic`. See {@link presence}. */
  presence<M>(topic: string, options?: PresenceOptions): Presence<M> {
    const t = this.#acquire(
      `p.${checkName(topic)}`,
      () => new PresenceTopic<M>(this.#host, topic, options),
    );
    const p = t as PresenceTopic<M>;
    return { topic, members: p.members, join: (meta: M) => p.join(meta) };
  }

  /** The broadcast topic `topic`. See {@link broadcast}. */
  broadcast<T>(topic: string, options?: BroadcastOptions): Broadcast<T> {
    const t = this.#acquire(
      `b.${checkName(topic)}`,
      () => new BroadcastTopic<T>(this.#host, topic, options),
    );
    const b = t as BroadcastTopic<T>;
    return {
      topic,
      recent: b.recent,
      send: (value: T) => b.send(value),
      subscribe: (handler) => b.subscribe(handler),
    };
  }

  /**
   * Moves the hub from its in-process bus to `options.adapter` (what `createApp({ bus })`
   * does); every topic in use subscribes there and announces itself once it is up.
   * Throws when already connected to a bus other than the in-process default.
   */
  connect(options: SharedStateConnection): void {
    if (this.#connected) {
      throw new RangeError("shared state: already connected to a bus (one per process)");
    }
    const old = this.#bus;
    this.#use(options);
    this.#connected = true;
    old.close().catch(() => {});
  }

  /**
   * Leaves the bus (graceful shutdown): presence members of this instance are withdrawn,
   * publishes in flight get up to 1 s, the bus is closed, and the hub goes on with an
   * in-process bus.
   */
  async disconnect(): Promise<void> {
    for (const t of this.#topics.values()) t.depart();
    await this.flush();
    const bus = this.#bus;
    this.#use({ adapter: new MemoryBus() });
    this.#connected = false;
    await bus.close().catch((err: unknown) => {
      this.#logger.warn({ err, dependency: "bus" }, "shared-state bus did not close cleanly");
    });
  }

  /** Resolves when the publishes in flight have settled, or after 1 s. */
  async flush(): Promise<void> {
    if (this.#inflight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inflight]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, FLUSH_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** For readiness: `ok`, or `degraded` while the bus is down or its circuit not closed. */
  status(): BusStatus {
    const state = this.#breaker.state;
    if (this.#up && state === BreakerState.Closed) return OK;
    if (!this.#up) return { status: "degraded", state: "disconnected", error: "bus_down" };
    return { status: "degraded", state, error: "circuit_open" };
  }

  #makeHost(): TopicHost {
    const hub = this;
    return {
      instanceId: this.instanceId,
      get presenceTtlMs() {
        return hub.#ttlMs;
      },
      stamp: () => ++this.#clock,
      publish: (channel, header, payload) => this.#send(channel, encodeMessage(header, payload)),
      sendTo: (origin, header, payload) =>
        this.#send(`i.${origin}`, encodeMessage(header, payload)),
      codecFor: (types) => this.#codecFor(types),
      report: (err, what) => {
        this.#logger.error({ err, channel: what }, "shared state: a subscriber threw");
      },
    };
  }

  #codecFor(types: StateCodecTypes | undefined): StateCodec {
    if (types === undefined || types.length === 0) return this.#codec;
    let c = this.#codecs.get(types);
    if (c === undefined) {
      c = new StateCodec({ types, limits: { maxBytes: payloadLimit(this.#maxBytes) } });
      this.#codecs.set(types, c);
    }
    return c;
  }

  /** Starts using `options.adapter` with `options`' settings (the previous bus is the caller's). */
  #use(options: Partial<SharedStateConnection> & { adapter: Bus }): void {
    const { maxBytes, heartbeatMs, ttlMs } = checkBusSettings(options);
    this.#maxBytes = maxBytes;
    this.#heartbeatMs = heartbeatMs;
    this.#ttlMs = ttlMs;
    this.#codec = new StateCodec({ limits: { maxBytes: payloadLimit(maxBytes) } });
    this.#codecs.clear();
    this.#logger = options.logger ?? silent;
    this.#observer = options.observer;
    this.#breaker = new CircuitBreaker(options.breaker, (t) => this.#circuit(t));
    this.#up = false;
    this.#wasDown = false;
    const bus = options.adapter;
    this.#bus = bus;
    bus.open({
      message: (channel, data) => {
        if (this.#bus === bus) this.#receive(channel, data);
      },
      status: (up) => {
        if (this.#bus === bus) this.#status(up);
      },
    });
    void this.#subscribe(`i.${this.instanceId}`);
    for (const channel of this.#topics.keys()) void this.#subscribe(channel);
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#startTimer();
    }
  }

  #acquire(channel: string, create: () => SharedTopic, releasable = false): SharedTopic {
    let topic = this.#topics.get(channel);
    if (topic === undefined) {
      // Outside any owner: the topic outlives the component that happened to use it first
      // (its signals are the process's, never a session's state to persist).
      topic = runWithOwner(null, () => unrecorded(create));
      this.#topics.set(channel, topic);
      const t = topic;
      // Announced once subscribed: an answer to the question must find the topic listening.
      // Without a subscription now, the bus's return announces every topic anyway.
      void this.#subscribe(channel).then((ok) => {
        if (ok && this.#topics.get(channel) === t) t.announce();
      });
      this.#startTimer();
    }
    const held = topic as SharedTopic & { refs: number; pinned: boolean };
    if (getOwner() === null) held.pinned = true;
    else {
      held.refs++;
      (releasable ? onRelease : onCleanup)(() => {
        held.refs--;
        if (held.idle()) this.#release(channel, held);
      });
    }
    return topic;
  }

  #release(channel: string, topic: SharedTopic): void {
    if (this.#topics.get(channel) !== topic) return;
    this.#topics.delete(channel);
    this.#bus.unsubscribe(channel).catch(() => {});
    if (this.#topics.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Resolves true once subscribed; false when the bus refused (down: it re-subscribes on its return). */
  #subscribe(channel: string): Promise<boolean> {
    return this.#bus.subscribe(channel).then(
      () => true,
      () => false,
    );
  }

  #startTimer(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      const now = performance.now();
      for (const [channel, t] of this.#topics) {
        t.tick(now);
        if (t.idle()) this.#release(channel, t);
      }
    }, this.#heartbeatMs);
    this.#timer.unref();
  }

  #send(channel: string, bytes: Uint8Array): void {
    const bus = this.#bus;
    const p = this.#breaker
      .run(() => bus.publish(channel, bytes))
      .then((r) => {
        this.#observer?.busPublished(r.ok ? "sent" : "failed");
      });
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
  }

  #receive(channel: string, data: Uint8Array): void {
    let m: BusMessage;
    try {
      if (data.length > this.#maxBytes) {
        throw new SharedStateError("bus_message_invalid", `${data.length} bytes > maxMessageBytes`);
      }
      m = decodeMessage(data);
    } catch (e) {
      this.#invalid(e, channel);
      return;
    }
    // Redis and the memory bus echo this instance's own messages back.
    if (m.origin === this.instanceId) return;
    // The kind's first letter is its family, which prefixes the topic's channel.
    const key = `${m.kind[0]}.${m.topic}`;
    try {
      if (channel !== key && channel !== `i.${this.instanceId}`) {
        throw new SharedStateError("bus_message_invalid", "message on another topic's channel");
      }
      if (m.clock > MAX_CLOCK) throw new SharedStateError("bus_message_invalid", "clock too large");
      if (m.clock > this.#clock) this.#clock = m.clock;
      this.#topics.get(key)?.receive(m);
    } catch (e) {
      if (e instanceof SharedStateError || e instanceof StateError) {
        this.#invalid(e, channel);
        return;
      }
      this.#logger.error({ err: e, channel }, "shared state: handling a bus message failed");
      return;
    }
    this.#observer?.busReceived("ok");
  }

  #invalid(err: unknown, channel: string): void {
    this.#observer?.busReceived("invalid");
    this.#invalidCount++;
    const now = performance.now();
    if (now - this.#invalidLoggedAt < INVALID_LOG_MS) return;
    this.#invalidLoggedAt = now;
    const code = (err as { code?: unknown }).code;
    this.#logger.warn(
      { code, channel, dropped: this.#invalidCount, err },
      "shared state: malformed bus message dropped",
    );
    this.#invalidCount = 0;
  }

  #status(up: boolean): void {
    if (up === this.#up) return;
    this.#up = up;
    if (!up) {
      this.#wasDown = true;
      this.#logger.warn(
        { dependency: "bus" },
        "shared-state bus connection lost: updates stay on this instance until it returns",
      );
      return;
    }
    if (this.#wasDown) this.#logger.info({ dependency: "bus" }, "shared-state bus reconnected");
    this.#resync();
  }

  #circuit(t: BreakerTransition): void {
    const fields: Record<string, unknown> = { dependency: "bus", circuit: t.to, cause: t.cause };
    if (t.to === BreakerState.Closed) {
      fields.down_ms = t.downMs;
      this.#logger.info(fields, "shared-state bus publishing again");
      this.#resync();
    } else if (t.from === BreakerState.Closed) {
      if (t.error !== undefined) fields.err = t.error;
      this.#logger.warn(fields, "shared-state bus unavailable: updates stay on this instance");
    }
  }

  /**
   * Every topic announces its state and asks for the others' (coalesced per tick). With
   * the circuit open the announcements would be dropped: it waits for the probe time,
   * when the first announcement is the probe and the circuit's closing runs this again.
   */
  #resync(): void {
    if (this.#resyncQueued) return;
    this.#resyncQueued = true;
    queueMicrotask(() => {
      this.#resyncQueued = false;
      if (!this.#up) return;
      const wait = this.#breaker.retryInMs();
      if (this.#breaker.state === BreakerState.Open && wait > 0) {
        clearTimeout(this.#resyncTimer);
        this.#resyncTimer = setTimeout(() => this.#resync(), wait + 1).unref();
        return;
      }
      for (const t of this.#topics.values()) t.announce();
    });
  }
}

/**
 * `createApp`'s `bus` option as settings: a bare adapter gets the defaults.
 * @example sharedState().connect({ ...busSettings(options.bus), logger });
 */
export function busSettings(bus: Bus | BusSettings): BusSettings {
  return "adapter" in bus ? bus : { adapter: bus };
}

/**
 * The numbers of `settings` with their defaults; throws `RangeError` naming the field
 * when one makes no sense (`createApp` turns it into a `ConfigError` at startup).
 * @example checkBusSettings({ adapter, presenceHeartbeatMs: 1_000 }).ttlMs // 15_000
 */
export function checkBusSettings(settings: Omit<BusSettings, "adapter">): {
  maxBytes: number;
  heartbeatMs: number;
  ttlMs: number;
} {
  const maxBytes = settings.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const heartbeatMs = settings.presenceHeartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const ttlMs = settings.presenceTtlMs ?? Math.max(DEFAULT_TTL_MS, 3 * heartbeatMs);
  if (!Number.isInteger(maxBytes) || maxBytes < MIN_MESSAGE_BYTES || maxBytes > MAX_MESSAGE_BYTES) {
    throw new RangeError("maxMessageBytes must be an integer in [4 KiB, 64 MiB]");
  }
  if (!Number.isInteger(heartbeatMs) || heartbeatMs < 10) {
    throw new RangeError("presenceHeartbeatMs must be an integer ≥ 10");
  }
  if (!Number.isInteger(ttlMs) || ttlMs < 2 * heartbeatMs) {
    throw new RangeError("presenceTtlMs must be an integer ≥ 2 × presenceHeartbeatMs");
  }
  return { maxBytes, heartbeatMs, ttlMs };
}

function checkName(name: string): string {
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    throw new RangeError(
      `shared state: ${JSON.stringify(name)} is not a key or topic (1–200 of [A-Za-z0-9_-:./@])`,
    );
  }
  return name;
}

let hub: SharedState | undefined;

/**
 * The process's shared-state hub, used by {@link globalSignal}, {@link presence} and
 * {@link broadcast}; `createApp({ bus })` connects it to the app's bus.
 * @example
 * health.watch("bus", sharedState());
 */
export function sharedState(): SharedState {
  hub ??= new SharedState();
  return hub;
}

/**
 * A signal shared by every session on every instance of the app: a write anywhere is
 * applied here at once and reaches the other instances over the bus; concurrent writes
 * resolve last-writer-wins by Lamport stamp (then instance id). The value must be
 * serializable by the state codec (a `StateError` otherwise, nothing changes). Created
 * at module level it lives as long as the process; created in a component's setup it is
 * released when the last owner holding it is disposed.
 * @example
 * export const visits = globalSignal("visits", 0);
 * function Visits() {
 *   return () => <button onClick={() => visits.update((n) => n + 1)}>{visits()}</button>;
 * }
 */
export function globalSignal<T>(
  key: string,
  initial: T,
  options?: GlobalSignalOptions<T>,
): GlobalSignal<T> {
  return sharedState().globalSignal(key, initial, options);
}

/**
 * Who is here: members joined on any instance, as a signal list. A member joined in a
 * component's setup (or an effect) leaves when its owner is disposed; members of an
 * instance that stops answering expire after `presenceTtlMs`.
 * @example
 * const room = presence<{ name: string }>("lobby");
 * function Lobby(props: { name: string }) {
 *   room.join({ name: props.name });
 *   return () => <p>{room.members().map((m) => m.meta.name).join(", ")}</p>;
 * }
 */
export function presence<M>(topic: string, options?: PresenceOptions): Presence<M> {
  return sharedState().presence<M>(topic, options);
}

/**
 * Fire-and-forget messages to subscribers on every instance, with an optional bounded
 * history for late joiners.
 * @example
 * const chat = broadcast<{ from: string; text: string }>("chat", { history: 100 });
 * chat.send({ from: "ada", text: "hi" });
 * const list = () => chat.recent().map((m) => <li key={m.id}>{m.value.text}</li>);
 */
export function broadcast<T>(topic: string, options?: BroadcastOptions): Broadcast<T> {
  return sharedState().broadcast<T>(topic, options);
}
