/**
 * Protocol constants shared by the server and the browser client: frame types, event
 * types, flags, close codes. Tests and both ends build messages from these names, never
 * from literal numbers. Values are part of the wire format: append, never renumber.
 */

export { ATTR_HID, ATTR_ON } from "./dom-attrs.ts";
export { LIVE_PROPS, NodeKind, PatchOp, ScrollAlign } from "./patch.ts";

/** Bumped on any incompatible change to the byte layout; negotiated in the handshake. */
export const PROTOCOL_VERSION = 1;

/** Path of the WebSocket endpoint (the page's boot data names it to the client). */
export const WS_PATH = "/_vango/ws";

/**
 * Frame type: the low 5 bits of the first byte of every frame.
 * @example
 * const bytes = encodeFrame({ type: FrameType.Ping, nonce: 7 });
 */
export const FrameType = {
  /** client → server, first frame on a socket. */
  Handshake: 1,
  /** server → client, answer to `Handshake`. */
  HandshakeReply: 2,
  /** client → server: one DOM event. */
  Event: 3,
  /** server → client: an ordered patch list with a sequence number. */
  Patches: 4,
  /** client → server: highest patch seq applied. */
  Ack: 5,
  /** either direction. */
  Ping: 6,
  /** either direction, echoes the ping nonce. */
  Pong: 7,
  /** client → server: "I missed patches after lastSeq". */
  ResyncRequest: 8,
  /** server → client: the whole view, replacing the client's DOM. */
  FullResync: 9,
  /** either direction, sent just before closing the socket. */
  Close: 10,
  /** server → client: a coded error. */
  Error: 11,
  /** client → server: bytes for a channel the server opened (an upload's chunk), at an offset. */
  Data: 12,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Header byte layout: `type | flags << FLAG_SHIFT`. */
export const TYPE_MASK = 0x1f;
export const FLAG_SHIFT = 5;

/** Per-type header flags (already shifted down, i.e. values 1, 2, 4). */
export const HandshakeFlag = { ResumeToken: 1 } as const;
export const ReplyFlag = { Resumed: 1 } as const;
export const EventFlag = { Buttons: 1 } as const;
export const ErrorFlag = { Fatal: 1 } as const;
/** `Full`: the client cannot apply what it holds; the server answers with a `FullResync`. */
export const ResyncFlag = { Full: 1 } as const;

/**
 * DOM event type of an `Event` frame.
 * @example
 * encodeFrame({ type: FrameType.Event, cseq: 1, hid: 4,
 *   event: { type: EventType.Input, value: "hi" } });
 */
export const EventType = {
  Click: 1,
  DblClick: 2,
  Input: 3,
  Change: 4,
  Submit: 5,
  KeyDown: 6,
  KeyUp: 7,
  Focus: 8,
  Blur: 9,
  Scroll: 10,
  Pointer: 11,
  Navigate: 12,
  Hook: 13,
  Custom: 14,
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** Modifier-key bits of mouse, pointer and key events. */
export const Mod = { Shift: 1, Ctrl: 2, Alt: 4, Meta: 8 } as const;
export const MOD_MASK = 0x0f;

/** `kind` of a pointer event (`pointerdown` … `pointercancel`). */
export const PointerKind = { Down: 1, Up: 2, Move: 3, Enter: 4, Leave: 5, Cancel: 6 } as const;
export type PointerKind = (typeof PointerKind)[keyof typeof PointerKind];

/** `PointerEvent.pointerType`. */
export const PointerType = { Mouse: 0, Pen: 1, Touch: 2 } as const;
export type PointerType = (typeof PointerType)[keyof typeof PointerType];

/** Feature bits negotiated in the handshake; unknown bits are ignored by both ends. */
export const Feature = {
  /** The session can be resumed with the reply's token after a drop. */
  Resume: 1,
  /** The server keeps a patch history and answers `ResyncRequest` with resent frames. */
  PatchHistory: 2,
  /** Client hooks (`Hook` events, `Dispatch` patches) are enabled. */
  Hooks: 4,
} as const;

/**
 * WebSocket close codes used by Vango: standard codes where RFC 6455 has one, else the
 * 4000–4999 application range. `ERRORS[code].close` maps every error to one of these.
 */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
  TryAgainLater: 1013,
  Malformed: 4000,
  LimitExceeded: 4001,
  VersionUnsupported: 4002,
  HandshakeFailed: 4003,
  Unauthorized: 4004,
  Forbidden: 4005,
  NotFound: 4006,
  SessionGone: 4007,
  ResumeInvalid: 4008,
  SlowConsumer: 4009,
  IdleTimeout: 4010,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
