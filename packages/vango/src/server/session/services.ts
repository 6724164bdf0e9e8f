/**
 * What a session and the app that owns it agree on: the lifecycle states, and the
 * services every session of an app shares (limits, logger, the event chain, the
 * manager's callbacks, metrics).
 */

import type { ErrorCode } from "../../protocol/error-code.ts";
import type { StateCodec } from "../../state/codec.ts";
import type { Logger } from "../core/logger.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { EventContext } from "./event-context.ts";
import type { Session } from "./session.ts";

export const SessionState = { Pending: 0, Attached: 1, Detached: 2, Closed: 3 } as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** The bounds of one app's sessions (defaults and validation in `config/`). */
export interface SessionLimits {
  /**
   * Max bytes of one incoming WebSocket message (enforced by the frame reader before buffering); an
   * upload's chunk must fit in one.
   */
  readonly maxPayload: number;
  /** Live sessions of every state (pending, attached, detached); beyond it GET answers 503. */
  readonly maxSessions: number;
  /** Detached sessions kept for resume; the least recently detached are evicted beyond it. */
  readonly maxDetached: number;
  /**
   * Outgoing bytes queued on a socket beyond which new updates are held back (kept in
   * the history, sent once half of it drained). One frame may be larger: it is streamed.
   */
  readonly maxBufferedBytes: number;
  /**
   * Slowest drain, in bytes per second, of a socket while data waits for it (averaged
   * over 5 s); a slower one is closed as `slow_consumer`.
   */
  readonly minDrainRate: number;
  /** Unacknowledged Patches frames kept for resume (count). */
  readonly historyFrames: number;
  /** Unacknowledged Patches frames kept for resume (bytes). */
  readonly historyBytes: number;
  /** Events waiting in one session's queue; more are dropped with `rate_limited`. */
  readonly maxQueuedEvents: number;
  /** Sessions whose page was served but whose socket has not come (yet); the oldest is dropped beyond it. */
  readonly maxPending: number;
  /** Pending sessions per client address; that address's oldest is dropped beyond it. */
  readonly maxPendingPerIp: number;
  /** Heap fill (used / limit) above which new sessions are refused with `server_busy`; 1 turns the check off. */
  readonly maxHeapRatio: number;
}

/** How long sessions wait for a socket. */
export interface SessionTimeouts {
  /** A session created by a page GET but never attached is disposed after this (15 s). */
  readonly pendingTtlMs: number;
  /** A detached session can be resumed for this long (60 s). */
  readonly resumeWindowMs: number;
  /**
   * A session with no client event for this long parks its view (30 s; 0 = never): the
   * view is disposed and only its checkpoint kept, then built again from it when the
   * next event comes (see `Session.park`). Needs persistence; views that hold a timer or
   * a subscription, or read signals they did not create, are never parked.
   */
  readonly parkAfterMs: number;
}

/** Services shared by all sessions of an app (one object, no per-session closures). */
export interface SessionServices {
  readonly limits: SessionLimits;
  readonly logger: Logger;
  /** Error frames carry a developer report (message, source location, component stack). */
  readonly devMode: boolean;
  /** Encodes checkpoints (persistence on): a parked view's is kept as its text. */
  readonly codec?: StateCodec | undefined;
  /** The session sent a frame: its checkpoint is due (persistence on). */
  changed?(session: Session): void;
  /**
   * Keeps `cp` for a later page load of the same browser (persistence on): its one-time
   * key, or `undefined` (no persistence, or the store failed).
   */
  handOff?(cp: Checkpoint): Promise<string | undefined>;
  /** The composed event middleware chain (its innermost call is {@link invokeHandler}). */
  readonly runEvent: (ctx: EventContext) => void | Promise<void>;
  /** Called when the session loses its transport (not on dispose). */
  onDetached(session: Session): void;
  /** Called once when the session is disposed; `prev` is the state it was in. */
  onClosed(session: Session, prev: SessionState, reason: ErrorCode): void;
  /** Counts Patches frames and times events (the app's metrics, when on). */
  readonly metrics?:
    | {
        patchesSent(frames?: number): void;
        eventObserved(type: number, seconds: number): void;
        woke?(outcome: "same" | "resync" | "failed", seconds: number): void;
      }
    | undefined;
}
