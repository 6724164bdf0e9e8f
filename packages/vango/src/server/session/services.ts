/**
 * What a session and the app that owns it agree on: the lifecycle states, and the
 * services every session of an app shares (limits, logger, the event chain, the
 * manager's callbacks, metrics).
 */

import type { ServerLimits } from "../config/options.ts";
import type { Logger } from "../core/logger.ts";
import type { EventContext } from "./event-context.ts";
import type { Session } from "./session.ts";

export const SessionState = { Pending: 0, Attached: 1, Detached: 2, Closed: 3 } as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** Services shared by all sessions of an app (one object, no per-session closures). */
export interface SessionServices {
  readonly limits: ServerLimits;
  readonly logger: Logger;
  /** The composed event middleware chain (its innermost call is {@link invokeHandler}). */
  readonly runEvent: (ctx: EventContext) => void | Promise<void>;
  /** Called when the session loses its transport (not on dispose). */
  onDetached(session: Session): void;
  /** Called once when the session is disposed; `prev` is the state it was in. */
  onClosed(session: Session, prev: SessionState): void;
  /** Counts Patches frames and times events (the app's metrics, when on). */
  readonly metrics?:
    | {
        patchesSent(frames?: number): void;
        eventObserved(type: number, seconds: number): void;
      }
    | undefined;
}
