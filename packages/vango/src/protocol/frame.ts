/**
 * Frame shapes: one tagged union, discriminated by `type`. Each frame is one WebSocket
 * binary message: a header byte (`type | flags << 5`) and the fields of that type, with
 * no length field (the message boundary is the frame boundary).
 */
import type { FrameType } from "./constants.ts";
import type { ErrorCode } from "./error-code.ts";
import type { ClientEvent } from "./events.ts";
import type { Patch, WireNode } from "./patch.ts";

export interface HandshakeFrame {
  readonly type: typeof FrameType.Handshake;
  /** Must equal `PROTOCOL_VERSION`, else decoding fails with `version_unsupported`. */
  readonly version: number;
  readonly csrf: string;
  /** Token from an earlier `HandshakeReply`, or null for a new session. */
  readonly resumeToken: string | null;
  /** Highest patch seq the client applied (0 = none). */
  readonly lastSeq: number;
  readonly viewport: { readonly w: number; readonly h: number };
  /** `Date.prototype.getTimezoneOffset()` in minutes. */
  readonly tzOffset: number;
  /** `Feature` bits the client supports. */
  readonly features: number;
}

/** `"ok"` or the error that refused the handshake. */
export type HandshakeStatus = "ok" | ErrorCode;

export interface HandshakeReplyFrame {
  readonly type: typeof FrameType.HandshakeReply;
  readonly status: HandshakeStatus;
  /** True when an existing session was resumed (patches resume after `lastSeq`). */
  readonly resumed: boolean;
  /** Token to resume this session after a drop ("" when refused). */
  readonly resumeToken: string;
  /** Seq the next `Patches`/`FullResync` frame will carry. */
  readonly nextSeq: number;
  /** Highest event cseq the session processed; the client resends later ones. */
  readonly lastCseq: number;
  /** Server clock, ms since the Unix epoch. */
  readonly serverTime: number;
  /** Negotiated `Feature` bits. */
  readonly features: number;
}

export interface EventFrame {
  readonly type: typeof FrameType.Event;
  /** Client sequence number, from 1, strictly increasing per session across reconnects. */
  readonly cseq: number;
  /** Target element hid (0 = document/window). */
  readonly hid: number;
  readonly event: ClientEvent;
}

export interface PatchesFrame {
  readonly type: typeof FrameType.Patches;
  /** From 1, +1 per Patches/FullResync frame of the session. */
  readonly seq: number;
  /** Highest event cseq processed when these patches were made (0 = none). */
  readonly cseq: number;
  readonly patches: readonly Patch[];
}

export interface AckFrame {
  readonly type: typeof FrameType.Ack;
  /** Highest seq applied; acknowledges every seq up to it. */
  readonly seq: number;
}

export interface PingFrame {
  readonly type: typeof FrameType.Ping;
  readonly nonce: number;
}

export interface PongFrame {
  readonly type: typeof FrameType.Pong;
  readonly nonce: number;
}

export interface ResyncRequestFrame {
  readonly type: typeof FrameType.ResyncRequest;
  /** Highest seq the client applied. */
  readonly lastSeq: number;
  /**
   * The client failed to apply a frame: resending frames after `lastSeq` would fail
   * again, so the server answers with a `FullResync` (header flag `Full`).
   */
  readonly full: boolean;
}

export interface FullResyncFrame {
  readonly type: typeof FrameType.FullResync;
  readonly seq: number;
  /** The new content of the live root (a `Raw` node carries it as HTML). */
  readonly root: WireNode;
}

export interface CloseFrame {
  readonly type: typeof FrameType.Close;
  /** WebSocket close code, 1000–4999 (see `CloseCode`). */
  readonly code: number;
  readonly reason: string;
}

export interface ErrorFrame {
  readonly type: typeof FrameType.Error;
  readonly code: ErrorCode;
  /** The server closes the socket after a fatal error. */
  readonly fatal: boolean;
  /** cseq of the event that caused it (0 = none). */
  readonly cseq: number;
  /** "" when none. */
  readonly message: string;
}

/**
 * Bytes for a channel the server opened for this session (an upload's id), to be put at
 * `offset` of what the channel receives. The bytes are the rest of the frame: no length
 * prefix, no string limit; `maxFrameBytes` bounds them.
 */
export interface DataFrame {
  readonly type: typeof FrameType.Data;
  readonly channel: string;
  readonly offset: number;
  /** A view into the decoded message (not a copy). */
  readonly data: Uint8Array;
}

/** Frames the browser sends. */
export type ClientFrame =
  | HandshakeFrame
  | EventFrame
  | AckFrame
  | PingFrame
  | PongFrame
  | ResyncRequestFrame
  | CloseFrame
  | DataFrame;

/** Frames the server sends. */
export type ServerFrame =
  | HandshakeReplyFrame
  | PatchesFrame
  | PingFrame
  | PongFrame
  | FullResyncFrame
  | CloseFrame
  | ErrorFrame;

export type Frame = ClientFrame | ServerFrame;
