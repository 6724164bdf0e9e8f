/**
 * A global signal: one value shared by every session of every instance. A write is
 * applied here at once (readers in this process re-render as for any signal), then
 * published; other instances apply it on arrival. Conflicts resolve last-writer-wins by
 * the Lamport stamp of the write (see `shared-topic.ts`): every instance ends with the
 * value of the greatest stamp, whatever order the writes arrived in.
 *
 * An instance that starts (or subscribes to the key) late asks its peers for the value
 * (`GlobalQuery`); each one that holds a written value answers with it and its stamp.
 * When the bus returns after an outage, every instance sends its value and asks again,
 * so writes made on either side meanwhile converge to the one with the greatest stamp.
 */
import { type Signal, type SignalOptions, signal } from "../reactive/signal.ts";
import { type BusMessage, MessageKind } from "./bus-message.ts";
import type { StateCodec } from "./codec.ts";
import {
  compareStamps,
  type SharedTopic,
  type StateCodecTypes,
  type TopicHost,
} from "./shared-topic.ts";

/** A {@link Signal} whose value is shared by every instance of the app. */
export interface GlobalSignal<T> extends Signal<T> {
  /** The key it is shared under. */
  readonly key: string;
}

export interface GlobalSignalOptions<T> extends SignalOptions<T> {
  /** Custom classes in the value (see `StateType`); plain data, Dates, Maps, Sets and BigInts need none. */
  readonly types?: StateCodecTypes;
}

/** @internal The hub's side of one global signal. */
export class GlobalTopic<T> implements SharedTopic {
  readonly channel: string;
  readonly signal: GlobalSignal<T>;
  /** Holders that will release it (created under an owner). */
  refs: number;
  /** Created outside any owner: held for the life of the process. */
  pinned: boolean;
  readonly #host: TopicHost;
  readonly #key: string;
  readonly #codec: StateCodec;
  readonly #applyLocal: (value: T) => void;
  /** Stamp of the current value; clock 0 is the initial value, which any write beats. */
  #clock: number;
  #writer: string;
  /** Codec bytes of the current value once written (sent again on `announce` and to askers). */
  #payload: Uint8Array | undefined;

  constructor(host: TopicHost, key: string, initial: T, options: GlobalSignalOptions<T> = {}) {
    this.channel = `g.${key}`;
    this.refs = 0;
    this.pinned = false;
    this.#host = host;
    this.#key = key;
    this.#codec = host.codecFor(options.types);
    this.#clock = 0;
    this.#writer = "";
    this.#payload = undefined;
    // Transient: the hub owns it, never the session whose setup happened to create it first.
    const s = signal<T>(
      initial,
      options.equals === undefined
        ? { transient: true }
        : { equals: options.equals, transient: true },
    );
    // The shared method, bound before `g.set` below shadows it on this signal.
    const applyLocal = s.set.bind(s);
    this.#applyLocal = applyLocal;
    const equals = options.equals;
    const g = s as Signal<T> as GlobalSignal<T> & { key: string };
    g.key = key;
    g.set = (value: T): void => {
      const prev = s.peek();
      if (equals === undefined ? Object.is(prev, value) : equals !== false && equals(prev, value)) {
        return;
      }
      // Encoded first: an unserializable value is refused (StateError) before anything changes.
      const payload = this.#codec.encode(value);
      this.#clock = host.stamp();
      this.#writer = host.instanceId;
      this.#payload = payload;
      applyLocal(value);
      this.#send(false);
    };
    g.update = (fn) => g.set(fn(s.peek()));
    this.signal = g;
  }

  receive(m: BusMessage): void {
    if (m.kind === MessageKind.GlobalQuery) {
      if (this.#payload !== undefined) this.#send(m.origin);
      return;
    }
    if (m.kind !== MessageKind.GlobalSet) return;
    if (compareStamps(m.clock, m.writer, this.#clock, this.#writer) <= 0) return;
    const value = this.#codec.decode(m.payload) as T;
    this.#clock = m.clock;
    this.#writer = m.writer;
    this.#payload = m.payload.slice();
    this.#applyLocal(value);
  }

  announce(): void {
    if (this.#payload !== undefined) this.#send(false);
    this.#host.publish(this.channel, {
      kind: MessageKind.GlobalQuery,
      topic: this.#key,
      origin: this.#host.instanceId,
    });
  }

  tick(): void {}

  idle(): boolean {
    return this.refs === 0 && !this.pinned;
  }

  depart(): void {}

  /** Sends the current value with its stamp: on the channel, or to one instance's inbox. */
  #send(to: string | false): void {
    const header = {
      kind: MessageKind.GlobalSet,
      topic: this.#key,
      origin: this.#host.instanceId,
      writer: this.#writer,
      clock: this.#clock,
    };
    if (to === false) this.#host.publish(this.channel, header, this.#payload);
    else this.#host.sendTo(to, header, this.#payload);
  }
}
