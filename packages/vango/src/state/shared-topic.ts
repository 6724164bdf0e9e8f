/**
 * What the shared-state hub (`shared-state.ts`) and its three kinds of topics — global
 * signals, presence, broadcast — agree on: the topic's side (a channel, messages in,
 * state out when the bus returns, a periodic tick, release) and the hub's side (the
 * clock, sending, the instance id, the value codec).
 *
 * **Ordering rule.** One Lamport clock per instance stamps every write and message:
 * `stamp()` is `clock + 1`, and every message received moves the clock to at least the
 * sender's stamp. Two stamps compare by clock, then by instance id (plain string
 * order), so every instance orders any two writes the same way, and a write made after
 * seeing another always orders after it.
 */

import type { BusMessage, MessageHeader } from "./bus-message.ts";
import { MAX_HEADER_BYTES } from "./bus-message.ts";
import { type AnyStateType, type StateCodec, StateError } from "./codec.ts";

/** A topic of the hub: one channel, one kind of shared state. */
export interface SharedTopic {
  /** `g.<key>`, `p.<topic>` or `b.<topic>`: the bus channel (before the adapter's prefix). */
  readonly channel: string;
  /** A message about this topic from another instance (its channel or this instance's inbox). */
  receive(m: BusMessage): void;
  /** The bus is (back) up, or the topic is new: send what this instance holds and ask the others. */
  announce(): void;
  /** Called every presence heartbeat interval while the topic exists. */
  tick(now: number): void;
  /** True when nothing holds the topic any more: the hub unsubscribes and forgets it. */
  idle(): boolean;
  /** This instance is leaving the bus (shutdown): say so while the bus still carries it. */
  depart(): void;
}

/** What a topic uses of the hub. */
export interface TopicHost {
  /** This instance's id (the `origin` of its messages; ties of the clock break on it). */
  readonly instanceId: string;
  /** Presence members expire this long after their instance's last message (ms). */
  readonly presenceTtlMs: number;
  /** The next Lamport stamp. */
  stamp(): number;
  /** Publishes on the topic's channel (fire and forget: a bus outage only counts it). */
  publish(channel: string, header: MessageHeader, payload?: Uint8Array): void;
  /** Sends to one instance's inbox. */
  sendTo(origin: string, header: MessageHeader, payload?: Uint8Array): void;
  /** A codec for values of `types` (the default codec when there are none), with the bus's size limit. */
  codecFor(types: StateCodecTypes | undefined): StateCodec;
  /** Reports an error a handler or subscriber threw (logged, never rethrown into the bus). */
  report(err: unknown, what: string): void;
}

/** Custom state types a topic's values use (see `StateType`). */
export type StateCodecTypes = readonly AnyStateType[];

/** Room left in a message for its payload: the bus's bound less the framing and header. */
export function payloadLimit(maxMessageBytes: number): number {
  return maxMessageBytes - 3 - MAX_HEADER_BYTES;
}

/**
 * `items` encoded as one or more payloads, each within the codec's size limit: the
 * list is halved until each half fits. An item that alone does not fit is left out (it
 * was within the limit when it was sent, so only its list wrapper pushed it over).
 * @example for (const [part, last] of encodeParts(codec, members)) host.sendTo(who, { …, final: last }, part);
 */
export function encodeParts(codec: StateCodec, items: readonly unknown[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  const walk = (list: readonly unknown[]): void => {
    try {
      out.push(codec.encode(list));
    } catch (e) {
      if (!(e instanceof StateError) || e.code !== "state_limit_exceeded") throw e;
      if (list.length <= 1) return;
      const mid = list.length >> 1;
      walk(list.slice(0, mid));
      walk(list.slice(mid));
    }
  };
  walk(items);
  if (out.length === 0) out.push(codec.encode([]));
  return out;
}

/** Orders two Lamport stamps: by clock, then by instance id. */
export function compareStamps(c1: number, o1: string, c2: number, o2: string): number {
  if (c1 !== c2) return c1 < c2 ? -1 : 1;
  return o1 < o2 ? -1 : o1 > o2 ? 1 : 0;
}
