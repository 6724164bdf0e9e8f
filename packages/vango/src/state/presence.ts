/**
 * Presence: who is here, on every instance. Each instance owns its own members of a
 * topic and tells the others about them; nobody else can add or remove them, so there
 * is nothing to merge — each instance's part of the list is whatever that instance said
 * last (Phoenix.Presence makes the same split; it also owns members per node).
 *
 * - A local change (join, metadata update, leave) bumps the instance's change number for
 *   the topic (`seq`) and is published as a delta carrying it.
 * - While it has members, an instance sends a heartbeat with its current `seq` every
 *   `presenceHeartbeatMs`. A receiver that sees a `seq` it did not reach through deltas
 *   (a message was lost, or it just started) asks that instance for its full list
 *   (`PresenceQuery` to the instance's inbox; the answer comes in parts within the
 *   message size bound).
 * - An instance not heard from for `presenceTtlMs` is dropped with its members: that is
 *   how the members of a crashed instance, or of one cut off from the bus, expire.
 * - A topic used for the first time, and every topic when the bus returns, publishes
 *   its list and asks for everyone else's.
 *
 * The list is ordered by join stamp (Lamport clock, then instance id), so every instance
 * shows the same order.
 */
import { getOwner, onCleanup } from "../reactive/owner.ts";
import { type ReadonlySignal, signal } from "../reactive/signal.ts";
import { type BusMessage, invalidMessage as invalid, isCount, MessageKind } from "./bus-message.ts";
import type { StateCodec } from "./codec.ts";
import {
  compareStamps,
  encodeParts,
  type SharedTopic,
  type StateCodecTypes,
  type TopicHost,
} from "./shared-topic.ts";

/** One member of a topic. */
export interface PresenceMember<M> {
  /** Unique across instances (`<instance id>:<n>`). */
  readonly id: string;
  readonly meta: M;
  /** Joined on this instance. */
  readonly local: boolean;
}

/** A member this instance added with {@link Presence.join}. */
export interface PresenceHandle<M> {
  readonly id: string;
  /** Replaces the member's metadata (refused like `join` when it cannot be sent). */
  update(meta: M): void;
  /** Removes the member (also done when the owner that joined is disposed); idempotent. */
  leave(): void;
}

/** A presence topic: its members on every instance, and a way to join. */
export interface Presence<M> {
  readonly topic: string;
  /** Every member on every instance, in join order (a tracked read: renders re-run on change). */
  readonly members: ReadonlySignal<readonly PresenceMember<M>[]>;
  /**
   * Adds a member with `meta` (serializable, within the bus's message bound, else a
   * `StateError`). Under an owner (a component's setup, an effect) the member leaves
   * when the owner is disposed — when the session ends or the component unmounts.
   */
  join(meta: M): PresenceHandle<M>;
}

export interface PresenceOptions {
  /** Custom classes in the metadata (see `StateType`). */
  readonly types?: StateCodecTypes;
}

/** One member as this instance knows it. */
class Entry<M> {
  readonly ref: number;
  readonly origin: string;
  /** Join stamp (Lamport clock); kept when the metadata changes. */
  readonly clock: number;
  readonly member: PresenceMember<M>;

  constructor(origin: string, ref: number, clock: number, meta: M, local: boolean) {
    this.ref = ref;
    this.origin = origin;
    this.clock = clock;
    this.member = { id: `${origin}:${ref}`, meta, local };
  }
}

/** What this instance knows of another instance's members of the topic. */
class Peer<M> {
  seq: number;
  members: Map<number, Entry<M>>;
  /** `performance.now()` of its last message on the topic. */
  seenAt: number;
  /** When this instance last asked it for its list (asks are spaced by {@link ASK_MS}). */
  askedAt: number;
  /** A list arriving in parts, at `incomingSeq`. */
  incoming: Map<number, Entry<M>> | undefined;
  incomingSeq: number;

  constructor(now: number) {
    this.seq = 0;
    this.members = new Map();
    this.seenAt = now;
    this.askedAt = Number.NEGATIVE_INFINITY;
    this.incoming = undefined;
    this.incomingSeq = 0;
  }
}

/** Least time between two requests for the same instance's list. */
const ASK_MS = 1_000;

/** @internal The hub's side of one presence topic. */
export class PresenceTopic<M> implements SharedTopic {
  readonly channel: string;
  readonly members: ReadonlySignal<readonly PresenceMember<M>[]>;
  refs: number;
  pinned: boolean;
  readonly #host: TopicHost;
  readonly #topic: string;
  readonly #codec: StateCodec;
  readonly #list = signal<readonly PresenceMember<M>[]>([], { transient: true });
  readonly #own = new Map<number, Entry<M>>();
  readonly #peers = new Map<string, Peer<M>>();
  #seq: number;
  #nextRef: number;

  constructor(host: TopicHost, topic: string, options: PresenceOptions = {}) {
    this.channel = `p.${topic}`;
    this.refs = 0;
    this.pinned = false;
    this.#host = host;
    this.#topic = topic;
    this.#codec = host.codecFor(options.types);
    this.#seq = 0;
    this.#nextRef = 1;
    this.members = this.#list;
  }

  join(meta: M): PresenceHandle<M> {
    const payload = this.#codec.encode(meta);
    const ref = this.#nextRef++;
    const host = this.#host;
    const entry = new Entry(host.instanceId, ref, host.stamp(), meta, true);
    this.#own.set(ref, entry);
    this.#sendJoin(entry, payload);
    this.#render();
    let left = false;
    const handle: PresenceHandle<M> = {
      id: entry.member.id,
      update: (next: M) => {
        if (left) return;
        const bytes = this.#codec.encode(next);
        const e = this.#own.get(ref)!;
        const updated = new Entry(e.origin, ref, e.clock, next, true);
        this.#own.set(ref, updated);
        this.#sendJoin(updated, bytes);
        this.#render();
      },
      leave: () => {
        if (left) return;
        left = true;
        this.#own.delete(ref);
        this.#seq++;
        host.publish(this.channel, {
          kind: MessageKind.PresenceLeave,
          topic: this.#topic,
          origin: host.instanceId,
          seq: this.#seq,
          ref,
        });
        this.#render();
      },
    };
    if (getOwner() !== null) onCleanup(handle.leave);
    return handle;
  }

  receive(m: BusMessage): void {
    const now = performance.now();
    if (m.kind === MessageKind.PresenceQuery) {
      if (this.#seq > 0) this.#sendState(m.origin);
      return;
    }
    let peer = this.#peers.get(m.origin);
    if (peer === undefined) {
      peer = new Peer<M>(now);
      this.#peers.set(m.origin, peer);
    }
    peer.seenAt = now;
    switch (m.kind) {
      case MessageKind.PresenceJoin:
      case MessageKind.PresenceLeave: {
        if (m.seq <= peer.seq) return;
        const gap = m.seq !== peer.seq + 1;
        peer.seq = m.seq;
        if (m.kind === MessageKind.PresenceJoin) {
          const meta = this.#codec.decode(m.payload) as M;
          peer.members.set(m.ref, new Entry(m.origin, m.ref, m.clock, meta, false));
        } else peer.members.delete(m.ref);
        // Applied anyway (it is the newest news of that member); the full list fixes the rest.
        if (gap) this.#ask(peer, m.origin, now);
        this.#render();
        return;
      }
      case MessageKind.PresenceHeartbeat:
        if (m.seq !== peer.seq) this.#ask(peer, m.origin, now);
        return;
      case MessageKind.PresenceState:
        this.#receiveState(peer, m);
        return;
    }
  }

  announce(): void {
    const host = this.#host;
    if (this.#seq > 0) this.#sendState(false);
    host.publish(this.channel, {
      kind: MessageKind.PresenceQuery,
      topic: this.#topic,
      origin: host.instanceId,
    });
  }

  tick(now: number): void {
    const host = this.#host;
    if (this.#own.size > 0) {
      host.publish(this.channel, {
        kind: MessageKind.PresenceHeartbeat,
        topic: this.#topic,
        origin: host.instanceId,
        seq: this.#seq,
      });
    }
    let expired = false;
    for (const [origin, peer] of this.#peers) {
      if (now - peer.seenAt <= host.presenceTtlMs) continue;
      this.#peers.delete(origin);
      expired ||= peer.members.size > 0;
    }
    if (expired) this.#render();
  }

  idle(): boolean {
    return this.refs === 0 && !this.pinned && this.#own.size === 0;
  }

  depart(): void {
    if (this.#own.size === 0) return;
    // An empty list: the others drop this instance's members now, not after the TTL.
    this.#seq++;
    this.#host.publish(
      this.channel,
      {
        kind: MessageKind.PresenceState,
        topic: this.#topic,
        origin: this.#host.instanceId,
        seq: this.#seq,
        final: true,
      },
      this.#codec.encode([]),
    );
  }

  #sendJoin(entry: Entry<M>, payload: Uint8Array): void {
    this.#seq++;
    this.#host.publish(
      this.channel,
      {
        kind: MessageKind.PresenceJoin,
        topic: this.#topic,
        origin: this.#host.instanceId,
        seq: this.#seq,
        ref: entry.ref,
        clock: entry.clock,
      },
      payload,
    );
  }

  /** This instance's members, in parts, on the channel (`to` false) or to one inbox. */
  #sendState(to: string | false): void {
    const host = this.#host;
    const items: unknown[] = [];
    for (const e of this.#own.values()) items.push([e.ref, e.clock, e.member.meta]);
    const parts = encodeParts(this.#codec, items);
    for (let i = 0; i < parts.length; i++) {
      const header = {
        kind: MessageKind.PresenceState,
        topic: this.#topic,
        origin: host.instanceId,
        seq: this.#seq,
        final: i === parts.length - 1,
      };
      if (to === false) host.publish(this.channel, header, parts[i]);
      else host.sendTo(to, header, parts[i]);
    }
  }

  #receiveState(peer: Peer<M>, m: BusMessage): void {
    if (m.seq < peer.seq) return;
    if (peer.incoming === undefined || peer.incomingSeq !== m.seq) {
      peer.incoming = new Map();
      peer.incomingSeq = m.seq;
    }
    const items = this.#codec.decode(m.payload);
    if (!Array.isArray(items)) throw invalid("presence list is not an array");
    for (const item of items) {
      if (!Array.isArray(item) || item.length !== 3) throw invalid("presence member shape");
      const [ref, clock] = item as unknown[];
      if (!isCount(ref) || !isCount(clock)) throw invalid("presence member numbers");
      peer.incoming.set(ref, new Entry(m.origin, ref, clock, item[2] as M, false));
    }
    if (!m.final) return;
    peer.members = peer.incoming;
    peer.seq = m.seq;
    peer.incoming = undefined;
    this.#render();
  }

  #ask(peer: Peer<M>, origin: string, now: number): void {
    if (now - peer.askedAt < ASK_MS) return;
    peer.askedAt = now;
    const host = this.#host;
    host.sendTo(origin, {
      kind: MessageKind.PresenceQuery,
      topic: this.#topic,
      origin: host.instanceId,
    });
  }

  #render(): void {
    const all: Entry<M>[] = [...this.#own.values()];
    for (const peer of this.#peers.values()) for (const e of peer.members.values()) all.push(e);
    all.sort((a, b) => compareStamps(a.clock, a.origin, b.clock, b.origin) || a.ref - b.ref);
    this.#list.set(all.map((e) => e.member));
  }
}
