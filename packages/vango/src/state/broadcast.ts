/**
 * Broadcast: fire-and-forget messages to every subscriber on every instance — what a
 * chat needs. `send` delivers to this instance's subscribers at once and publishes; the
 * others deliver on arrival. A message lost to a bus outage is not resent live.
 *
 * With `history: n` each instance also keeps the last `n` messages of the topic (every
 * instance's, merged), in one order all instances share — by Lamport stamp, then sender
 * id, then the sender's message number — so a page opened late shows what was said, the
 * same on every instance. An instance that joins the topic late asks its peers for
 * their history; when the bus returns after an outage, every instance publishes its
 * history and asks again, so messages sent on either side meanwhile reach the others'
 * history (not their live subscribers: those heard nothing, and a late burst of old
 * messages is not news).
 */
import { getOwner, onCleanup } from "../reactive/owner.ts";
import { type ReadonlySignal, signal } from "../reactive/signal.ts";
import {
  type BusMessage,
  invalidMessage as invalid,
  isCount,
  MessageKind,
  ORIGIN_PATTERN,
} from "./bus-message.ts";
import type { StateCodec } from "./codec.ts";
import {
  compareStamps,
  encodeParts,
  type SharedTopic,
  type StateCodecTypes,
  type TopicHost,
} from "./shared-topic.ts";

/** One message of a topic. */
export interface BroadcastMessage<T> {
  /** Unique across instances (`<instance id>:<n>`). */
  readonly id: string;
  readonly value: T;
  /** The sender's wall clock when sent (ms since the epoch): for display, not for order. */
  readonly at: number;
  /** Sent by this instance. */
  readonly local: boolean;
}

/** A broadcast topic. */
export interface Broadcast<T> {
  readonly topic: string;
  /**
   * Sends `value` (serializable, within the bus's message bound, else a `StateError`) to
   * every subscriber on every instance; this instance's subscribers get it before
   * `send` returns.
   */
  send(value: T): BroadcastMessage<T>;
  /**
   * Calls `handler` with every message sent from now on (this instance's and the
   * others'). Under an owner the subscription ends with it; the returned function ends
   * it too.
   */
  subscribe(handler: (message: BroadcastMessage<T>) => void): () => void;
  /** The last `history` messages, oldest first (always empty with `history: 0`); a tracked read. */
  readonly recent: ReadonlySignal<readonly BroadcastMessage<T>[]>;
}

export interface BroadcastOptions {
  /** Messages kept for late joiners (default 0, at most 10,000). The first handle of a topic sets it. */
  readonly history?: number;
  /** Custom classes in the values (see `StateType`). */
  readonly types?: StateCodecTypes;
}

/** Largest `history`. */
export const MAX_HISTORY = 10_000;

/** A message with its place in the shared order. */
class Item<T> {
  readonly clock: number;
  readonly origin: string;
  readonly seq: number;
  readonly message: BroadcastMessage<T>;

  constructor(clock: number, origin: string, seq: number, message: BroadcastMessage<T>) {
    this.clock = clock;
    this.origin = origin;
    this.seq = seq;
    this.message = message;
  }
}

function order<T>(a: Item<T>, b: Item<T>): number {
  return compareStamps(a.clock, a.origin, b.clock, b.origin) || a.seq - b.seq;
}

/** @internal The hub's side of one broadcast topic. */
export class BroadcastTopic<T> implements SharedTopic {
  readonly channel: string;
  readonly recent: ReadonlySignal<readonly BroadcastMessage<T>[]>;
  refs: number;
  pinned: boolean;
  readonly #host: TopicHost;
  readonly #topic: string;
  readonly #codec: StateCodec;
  readonly #max: number;
  readonly #recent = signal<readonly BroadcastMessage<T>[]>([]);
  /** Oldest first, in the shared order. */
  readonly #history: Item<T>[] = [];
  readonly #ids = new Set<string>();
  readonly #handlers = new Set<(message: BroadcastMessage<T>) => void>();
  /** Per sender, the number of its newest message delivered live (drops duplicates). */
  readonly #last = new Map<string, number>();
  #seq: number;

  constructor(host: TopicHost, topic: string, options: BroadcastOptions = {}) {
    const max = options.history ?? 0;
    if (!Number.isInteger(max) || max < 0 || max > MAX_HISTORY) {
      throw new RangeError(`broadcast: history must be an integer in [0, ${MAX_HISTORY}]`);
    }
    this.channel = `b.${topic}`;
    this.refs = 0;
    this.pinned = false;
    this.#host = host;
    this.#topic = topic;
    this.#codec = host.codecFor(options.types);
    this.#max = max;
    this.#seq = 0;
    this.recent = this.#recent;
  }

  send(value: T): BroadcastMessage<T> {
    const host = this.#host;
    const payload = this.#codec.encode(value);
    const clock = host.stamp();
    const seq = ++this.#seq;
    const at = Date.now();
    const message: BroadcastMessage<T> = {
      id: `${host.instanceId}:${seq}`,
      value,
      at,
      local: true,
    };
    host.publish(
      this.channel,
      {
        kind: MessageKind.BroadcastSend,
        topic: this.#topic,
        origin: host.instanceId,
        clock,
        seq,
        at,
      },
      payload,
    );
    this.#remember([new Item(clock, host.instanceId, seq, message)]);
    this.#deliver(message);
    return message;
  }

  subscribe(handler: (message: BroadcastMessage<T>) => void): () => void {
    // A wrapper per subscription, so one handler subscribed twice is called twice.
    const h = (m: BroadcastMessage<T>): void => handler(m);
    this.#handlers.add(h);
    const stop = (): void => {
      this.#handlers.delete(h);
    };
    if (getOwner() !== null) onCleanup(stop);
    return stop;
  }

  receive(m: BusMessage): void {
    switch (m.kind) {
      case MessageKind.BroadcastSend: {
        if (m.seq <= (this.#last.get(m.origin) ?? 0)) return;
        const value = this.#codec.decode(m.payload) as T;
        this.#last.set(m.origin, m.seq);
        const message: BroadcastMessage<T> = {
          id: `${m.origin}:${m.seq}`,
          value,
          at: m.at,
          local: false,
        };
        this.#remember([new Item(m.clock, m.origin, m.seq, message)]);
        this.#deliver(message);
        return;
      }
      case MessageKind.BroadcastQuery:
        if (this.#history.length > 0) this.#sendHistory(m.origin);
        return;
      case MessageKind.BroadcastHistory:
        if (this.#max > 0) this.#remember(this.#decodeHistory(m));
        return;
    }
  }

  announce(): void {
    if (this.#max === 0) return;
    if (this.#history.length > 0) this.#sendHistory(false);
    const host = this.#host;
    host.publish(this.channel, {
      kind: MessageKind.BroadcastQuery,
      topic: this.#topic,
      origin: host.instanceId,
    });
  }

  tick(): void {}

  idle(): boolean {
    return this.refs === 0 && !this.pinned;
  }

  depart(): void {}

  #deliver(message: BroadcastMessage<T>): void {
    for (const h of this.#handlers) {
      try {
        h(message);
      } catch (err) {
        this.#host.report(err, this.channel);
      }
    }
  }

  /** Adds `items` not yet known to the history, keeps the newest `max`, publishes the list. */
  #remember(items: readonly Item<T>[]): void {
    if (this.#max === 0) return;
    const h = this.#history;
    let changed = false;
    for (const item of items) {
      if (this.#ids.has(item.message.id)) continue;
      // Nearly always the newest: search from the end.
      let i = h.length;
      while (i > 0 && order(h[i - 1]!, item) > 0) i--;
      if (i === 0 && h.length >= this.#max) continue; // older than everything kept
      h.splice(i, 0, item);
      this.#ids.add(item.message.id);
      changed = true;
    }
    if (!changed) return;
    while (h.length > this.#max) this.#ids.delete(h.shift()!.message.id);
    this.#recent.set(h.map((x) => x.message));
  }

  #sendHistory(to: string | false): void {
    const host = this.#host;
    const items = this.#history.map((x) => [
      x.clock,
      x.origin,
      x.seq,
      x.message.at,
      x.message.value,
    ]);
    const parts = encodeParts(this.#codec, items);
    for (let i = 0; i < parts.length; i++) {
      const header = {
        kind: MessageKind.BroadcastHistory,
        topic: this.#topic,
        origin: host.instanceId,
        final: i === parts.length - 1,
      };
      if (to === false) host.publish(this.channel, header, parts[i]);
      else host.sendTo(to, header, parts[i]);
    }
  }

  #decodeHistory(m: BusMessage): Item<T>[] {
    const list = this.#codec.decode(m.payload);
    if (!Array.isArray(list)) throw invalid("history is not an array");
    const me = this.#host.instanceId;
    const out: Item<T>[] = [];
    for (const entry of list) {
      if (!Array.isArray(entry) || entry.length !== 5) throw invalid("history entry shape");
      const [clock, origin, seq, at] = entry as unknown[];
      if (!isCount(clock) || !isCount(seq) || !isCount(at)) throw invalid("history numbers");
      if (typeof origin !== "string" || !ORIGIN_PATTERN.test(origin)) {
        throw invalid("history sender");
      }
      const message: BroadcastMessage<T> = {
        id: `${origin}:${seq}`,
        value: entry[4] as T,
        at,
        local: origin === me,
      };
      out.push(new Item(clock, origin, seq, message));
    }
    return out;
  }
}
