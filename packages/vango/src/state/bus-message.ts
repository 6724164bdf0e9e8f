/**
 * The messages shared state sends on the bus, and their framing:
 *
 * ```
 * u8 format version (1) | u16 BE header length | header: JSON object | payload
 * ```
 *
 * The header (at most {@link MAX_HEADER_BYTES}) says what the message is — kind, topic,
 * sender, Lamport clock, sequence numbers — and the payload is the value, encoded by the
 * state codec (`codec.ts`), or nothing. Split so that a receiver reads the small header
 * first and decodes the payload only when it will use it: Redis echoes every message
 * back to its publisher, and that copy is dropped after the header.
 *
 * {@link decodeMessage} checks every field and throws nothing but a
 * {@link SharedStateError} `bus_message_invalid`: a message from the bus is input from
 * another process, and a malformed one must be dropped, never crash or corrupt.
 */
import { createError } from "../errors/create-error.ts";
import { ERRORS } from "../protocol/errors.ts";

type SharedStateErrorCode = "bus_message_invalid";

/**
 * A message from the bus that shared state refuses (`bus_message_invalid`): it was
 * counted and dropped. Match on `code`.
 * @example
 * if (e instanceof SharedStateError) metrics.inc({ code: e.code });
 */
export const SharedStateError = /* @__PURE__ */ createError<SharedStateErrorCode>(
  "SharedStateError",
  (code) => ERRORS[code].status,
);
export type SharedStateError = InstanceType<typeof SharedStateError>;

/** What a message does; the first letter is the family (global, presence, broadcast). */
export const MessageKind = {
  /** A global signal's value: clock, value. */
  GlobalSet: "gs",
  /** Asks for a global signal's value (replies go to the asker's inbox). */
  GlobalQuery: "gq",
  /** A member joined or changed its metadata: seq, ref, join clock, metadata. */
  PresenceJoin: "pj",
  /** A member left: seq, ref. */
  PresenceLeave: "pl",
  /** The sender's members of a topic are alive, at seq. */
  PresenceHeartbeat: "ph",
  /** Part of the sender's members of a topic, at seq (`final` on the last part). */
  PresenceState: "ps",
  /** Asks for the members of a topic. */
  PresenceQuery: "pq",
  /** A broadcast message: clock, number, sending time, value. */
  BroadcastSend: "bm",
  /** Asks for a topic's recent messages. */
  BroadcastQuery: "bq",
  /** Part of a topic's recent messages (`final` on the last part). */
  BroadcastHistory: "bh",
} as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

const KINDS: ReadonlySet<string> = new Set(Object.values(MessageKind));

/** A decoded message. Every field is set (0 / `false` / empty when the kind has none). */
export interface BusMessage {
  readonly kind: MessageKind;
  /** The global signal's key or the presence/broadcast topic. */
  readonly topic: string;
  /** The sending instance's id. */
  readonly origin: string;
  /** Global: the instance whose write the value is (the sender, unless it relays). */
  readonly writer: string;
  /** The sender's Lamport clock stamp of this message. */
  readonly clock: number;
  /** Presence: the sender's change number for the topic; broadcast: the message number. */
  readonly seq: number;
  /** Presence: the member's number on its instance. */
  readonly ref: number;
  /** Broadcast: the sender's wall clock (ms since the epoch) when sent. */
  readonly at: number;
  /** Last part of a multi-part reply. */
  readonly final: boolean;
  /** Codec bytes of the value (empty when the kind carries none). */
  readonly payload: Uint8Array;
}

/** What a sender fills in; omitted numbers are 0. */
export interface MessageHeader {
  readonly kind: MessageKind;
  readonly topic: string;
  readonly origin: string;
  /** Only when it differs from `origin`. */
  readonly writer?: string;
  readonly clock?: number;
  readonly seq?: number;
  readonly ref?: number;
  readonly at?: number;
  readonly final?: boolean;
}

const VERSION = 1;
/** Headers are a few dozen bytes; this bounds what a malformed one can make us parse. */
export const MAX_HEADER_BYTES = 1024;
const EMPTY = new Uint8Array(0);

/** Keys and topics: 1–200 of these characters (safe as Redis channels and NATS subject tokens once encoded). */
export const NAME_PATTERN = /^[A-Za-z0-9_\-:./@]{1,200}$/;
/** Instance ids: 1–64 letters, digits, `_` or `-`. */
export const ORIGIN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Frames `header` and `payload` (codec bytes, or nothing).
 * @example encodeMessage({ kind: MessageKind.GlobalSet, topic: "count", origin: id, clock: 7 }, codec.encode(3));
 */
export function encodeMessage(header: MessageHeader, payload: Uint8Array = EMPTY): Uint8Array {
  const h: Record<string, unknown> = { k: header.kind, t: header.topic, o: header.origin };
  if (header.writer !== undefined && header.writer !== header.origin) h.w = header.writer;
  if (header.clock !== undefined && header.clock !== 0) h.c = header.clock;
  if (header.seq !== undefined && header.seq !== 0) h.s = header.seq;
  if (header.ref !== undefined && header.ref !== 0) h.r = header.ref;
  if (header.at !== undefined && header.at !== 0) h.a = header.at;
  if (header.final === true) h.f = 1;
  const head = encoder.encode(JSON.stringify(h));
  // Topic ≤ 200 and origin ≤ 64 ASCII characters keep the header far below the bound.
  const out = new Uint8Array(3 + head.length + payload.length);
  out[0] = VERSION;
  out[1] = head.length >> 8;
  out[2] = head.length & 0xff;
  out.set(head, 3);
  out.set(payload, 3 + head.length);
  return out;
}

/**
 * The message `bytes` frame; throws only `bus_message_invalid`. The payload is a view
 * into `bytes`, not decoded.
 * @example const m = decodeMessage(data); if (m.origin !== self) apply(m);
 */
export function decodeMessage(bytes: Uint8Array): BusMessage {
  if (!(bytes instanceof Uint8Array) || bytes.length < 3) throw invalid("shorter than a frame");
  if (bytes[0] !== VERSION) throw invalid(`format version ${bytes[0]}`);
  const n = (bytes[1]! << 8) | bytes[2]!;
  if (n > MAX_HEADER_BYTES || 3 + n > bytes.length) throw invalid("bad header length");
  let h: unknown;
  try {
    h = JSON.parse(decoder.decode(bytes.subarray(3, 3 + n)));
  } catch (e) {
    throw new SharedStateError("bus_message_invalid", "header is not UTF-8 JSON", { cause: e });
  }
  if (typeof h !== "object" || h === null || Array.isArray(h))
    throw invalid("header not an object");
  const o = h as Record<string, unknown>;
  if (typeof o.k !== "string" || !KINDS.has(o.k)) throw invalid("unknown kind");
  if (typeof o.t !== "string" || !NAME_PATTERN.test(o.t)) throw invalid("bad topic");
  if (typeof o.o !== "string" || !ORIGIN_PATTERN.test(o.o)) throw invalid("bad origin");
  if (o.w !== undefined && (typeof o.w !== "string" || !ORIGIN_PATTERN.test(o.w))) {
    throw invalid("bad writer");
  }
  return {
    kind: o.k as MessageKind,
    topic: o.t,
    origin: o.o,
    writer: (o.w as string | undefined) ?? o.o,
    clock: count(o.c, "clock"),
    seq: count(o.s, "seq"),
    ref: count(o.r, "ref"),
    at: count(o.a, "at"),
    final: flag(o.f),
    payload: bytes.subarray(3 + n),
  };
}

/** A safe integer ≥ 0 (clocks, numbers in payload lists). */
export function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/**
 * The refusal of a message, thrown by decoders of payload lists too.
 * @example if (!Array.isArray(list)) throw invalidMessage("history is not an array");
 */
export function invalidMessage(detail: string): SharedStateError {
  return new SharedStateError("bus_message_invalid", detail);
}

function count(v: unknown, name: string): number {
  if (v === undefined) return 0;
  if (!isCount(v)) throw invalid(`bad ${name}`);
  return v;
}

function flag(v: unknown): boolean {
  if (v === undefined) return false;
  if (v !== 1) throw invalid("bad final flag");
  return true;
}

const invalid = invalidMessage;
