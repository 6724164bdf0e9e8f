/**
 * Owns every session of an app: lookup by resume token, the pending TTL, the resume
 * window of detached sessions with least-recently-detached eviction beyond
 * `maxDetached`, and the global `maxSessions` cap.
 */
import { randomBytes } from "node:crypto";
import { ErrorCode as E, ERRORS, type ErrorCode } from "../../protocol/errors.ts";
import type { Logger } from "../core/logger.ts";
import { randomToken } from "../core/tokens.ts";
import type { EventContext } from "./event-context.ts";
import {
  type SessionLimits,
  type SessionServices,
  SessionState,
  type SessionTimeouts,
} from "./services.ts";
import { Session } from "./session.ts";

/** Facts about the request that opens a session (carried into its events and logs). */
export interface OpenFacts {
  /** What the app's `userOf` returned for the request. */
  readonly userId?: string | undefined;
  /** The page GET's request id. */
  readonly requestId?: string | undefined;
}

/** Session counts by state. */
export interface SessionCounts {
  readonly total: number;
  readonly pending: number;
  readonly attached: number;
  readonly detached: number;
}

export class SessionManager implements SessionServices {
  readonly limits: SessionLimits;
  readonly timeouts: SessionTimeouts;
  readonly logger: Logger;
  runEvent: (ctx: EventContext) => void | Promise<void>;
  /** The app's metrics (reconnects, patch frames); `undefined` when metrics are off. */
  metrics: SessionMetrics | undefined = undefined;
  readonly #byToken = new Map<string, Session>();
  /**
   * Resume tokens of recently closed sessions, oldest first (bounded), with what a resume
   * is told: tells a session that ended (`session_expired`, `catch_up_too_slow`) from a
   * token this process never issued (`session_not_found`, e.g. after a restart or a
   * forged token).
   */
  readonly #ended = new Map<string, ErrorCode>();
  /** Detached sessions, least recently detached first (Map keeps insertion order). */
  readonly #detached = new Set<Session>();
  readonly #idPrefix = randomBytes(3).toString("hex");
  #nextId = 0;
  #pending = 0;

  constructor(
    limits: SessionLimits,
    timeouts: SessionTimeouts,
    logger: Logger,
    runEvent: (ctx: EventContext) => void | Promise<void>,
  ) {
    this.limits = limits;
    this.timeouts = timeouts;
    this.logger = logger;
    this.runEvent = runEvent;
  }

  counts(): SessionCounts {
    const total = this.#byToken.size;
    const detached = this.#detached.size;
    return { total, pending: this.#pending, attached: total - detached - this.#pending, detached };
  }

  /**
   * Creates a pending session bound to cookie `sid`, or returns `undefined` when the
   * global cap is reached and no detached session can be evicted to make room.
   */
  create(sid: string, route: string): Session | undefined {
    if (this.#byToken.size >= this.limits.maxSessions) {
      const oldest = this.#oldestDetached();
      if (oldest === undefined) return undefined;
      oldest.dispose();
    }
    const id = `${this.#idPrefix}-${(++this.#nextId).toString(36)}`;
    const s = new Session(id, sid, randomToken(), route, this);
    this.#byToken.set(s.token, s);
    this.#pending++;
    s.expiry = setTimeout(expire, this.timeouts.pendingTtlMs, s);
    s.expiry.unref();
    return s;
  }

  find(token: string): Session | undefined {
    return this.#byToken.get(token);
  }

  /**
   * Why a resume with `token` is refused when it belonged to a session closed recently
   * (expired, evicted, shut down: `session_expired`; or the reason it was closed with,
   * when that reason means the session is gone, e.g. `catch_up_too_slow`), else
   * `undefined`.
   */
  ended(token: string): ErrorCode | undefined {
    return this.#ended.get(token);
  }

  /** Call right before `session.attach(...)`: stops its expiry clock. */
  attaching(s: Session): void {
    if (s.state === SessionState.Pending) this.#pending--;
    else if (s.state === SessionState.Detached) this.#detached.delete(s);
    // Anything but a first attach is a client resuming its session (after a drop, or
    // taking over from a socket the server has not yet seen die).
    if (s.state !== SessionState.Pending) this.metrics?.reconnected();
    if (s.expiry !== undefined) clearTimeout(s.expiry);
    s.expiry = undefined;
  }

  onDetached(s: Session): void {
    this.#detached.add(s);
    s.expiry = setTimeout(expire, this.timeouts.resumeWindowMs, s);
    s.expiry.unref();
    while (this.#detached.size > this.limits.maxDetached) this.#oldestDetached()!.dispose();
  }

  onClosed(s: Session, prev: SessionState, reason: ErrorCode): void {
    if (this.#byToken.get(s.token) !== s) return;
    this.#byToken.delete(s.token);
    const gone = ERRORS[reason].close === ERRORS.session_expired.close;
    this.#ended.set(s.token, gone ? reason : E.session_expired);
    if (this.#ended.size > ENDED_TOKENS) {
      for (const oldest of this.#ended.keys()) {
        this.#ended.delete(oldest);
        break;
      }
    }
    if (prev === SessionState.Pending) this.#pending--;
    else if (prev === SessionState.Detached) this.#detached.delete(s);
  }

  /**
   * Session gauges at scrape time: attached and detached counts, and the memory estimate
   * `sessions × baseBytes + bytes of frames held for resume` (one pass over the sessions).
   */
  sample(baseBytes: number): { active: number; detached: number; memoryBytes: number } {
    let history = 0;
    for (const s of this.#byToken.values()) history += s.historyBytes;
    const c = this.counts();
    return {
      active: c.attached,
      detached: c.detached,
      memoryBytes: c.total * baseBytes + history,
    };
  }

  /** All live sessions (a snapshot). */
  all(): Session[] {
    return [...this.#byToken.values()];
  }

  /** Disposes every session. */
  disposeAll(): void {
    for (const s of this.all()) s.dispose();
  }

  #oldestDetached(): Session | undefined {
    for (const s of this.#detached) return s;
    return undefined;
  }
}

/** What sessions record into the app's metrics (`VangoMetrics` fits). */
export interface SessionMetrics {
  patchesSent(frames?: number): void;
  eventObserved(type: number, seconds: number): void;
  reconnected(): void;
}

/**
 * Closed sessions whose tokens are remembered: ~10k × ~70 B ≈ 0.7 MB at most, and
 * far more than the tabs that typically come back after a resume window.
 */
const ENDED_TOKENS = 10_000;

function expire(s: Session): void {
  s.expiry = undefined;
  s.dispose();
}
