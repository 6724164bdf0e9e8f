/**
 * Owns every session of an app: lookup by resume token, admission (the global
 * `maxSessions` cap, caps on pending sessions per IP and in all, and a heap check), the
 * pending TTL and the resume window of detached sessions, with least-recently-detached
 * eviction beyond `maxDetached`.
 *
 * Expiry runs on one timer per app, not one per session: pending sessions expire in the
 * order they were created and detached ones in the order they detached (each kind has
 * one TTL), so both queues are insertion-ordered sets and the timer is set for the
 * earlier of their two heads.
 */
import { randomBytes } from "node:crypto";
import { getHeapStatistics } from "node:v8";
import { ErrorCode as E, ERRORS, type ErrorCode } from "../../protocol/errors.ts";
import type { StateCodec } from "../../state/codec.ts";
import type { Logger } from "../core/logger.ts";
import { randomToken } from "../core/tokens.ts";
import { tokenKey } from "../security/resume-token.ts";
import type { Checkpoint } from "./checkpoint.ts";
import type { EventContext } from "./event-context.ts";
import type { Persistence } from "./persistence.ts";
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
  /** The client's address (the per-IP cap on pending sessions). */
  readonly ip?: string | undefined;
}

/** Session counts by state. */
export interface SessionCounts {
  readonly total: number;
  readonly pending: number;
  readonly attached: number;
  readonly detached: number;
  /** Attached or detached sessions whose view is parked (see `Session.park`). */
  readonly parked: number;
}

/** Reads the heap's fill ratio (used / limit); replaceable in tests. */
export type HeapRatio = () => number;

const heapRatio: HeapRatio = () => {
  const h = getHeapStatistics();
  return h.used_heap_size / h.heap_size_limit;
};

export class SessionManager implements SessionServices {
  readonly limits: SessionLimits;
  readonly timeouts: SessionTimeouts;
  readonly logger: Logger;
  runEvent: (ctx: EventContext) => void | Promise<void>;
  /** The app's metrics (reconnects, patch frames); `undefined` when metrics are off. */
  metrics: SessionMetrics | undefined = undefined;
  /** Error frames carry developer reports (set from the app's `devMode`). */
  devMode = false;
  /** Where checkpoints go (`undefined`: sessions live in this process only). */
  persistence: Persistence | undefined = undefined;
  /**
   * Issues a new session's key and resume token (default: random, verifiable only here;
   * the assembly installs signed tokens any instance sharing the secret can check).
   */
  issue: (sid: string, path: string) => { key: string; token: string } = () => {
    const key = randomToken();
    return { key, token: key };
  };
  /** How full the heap is; admission refuses new sessions above `limits.maxHeapRatio`. */
  heapRatio: HeapRatio = heapRatio;
  readonly #byToken = new Map<string, Session>();
  /**
   * Keys of recently closed sessions, oldest first (bounded), with what a resume is told:
   * tells a session that ended (`session_expired`, `catch_up_too_slow`) from a token this
   * process never issued (`session_not_found`, e.g. after a restart or a forged token).
   * Keyed by the session's key, the short part of its tokens that never changes: a token
   * also carries its page's path (up to 2 KB), and a tab may come back with one issued
   * before its last navigation.
   */
  readonly #ended = new Map<string, ErrorCode>();
  /** Pending sessions, oldest first (= expiry order). */
  readonly #pending = new Set<Session>();
  /** Pending sessions per client address. */
  readonly #pendingByIp = new Map<string, number>();
  /** Detached sessions, least recently detached first (= expiry order). */
  readonly #detached = new Set<Session>();
  readonly #idPrefix = randomBytes(3).toString("hex");
  #nextId = 0;
  #timer: NodeJS.Timeout | undefined = undefined;
  /** When `#timer` fires (`Infinity` when none is set). */
  #timerAt = Number.POSITIVE_INFINITY;
  readonly #onTimer = (): void => this.#expireDue();
  /** Parks idle sessions' views (started with the first session, when parking is on). */
  #parkTimer: NodeJS.Timeout | undefined = undefined;

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

  /** The checkpoint codec (persistence on): parked views are kept encoded. */
  get codec(): StateCodec | undefined {
    return this.persistence?.codec;
  }

  counts(): SessionCounts {
    const total = this.#byToken.size;
    const detached = this.#detached.size;
    const pending = this.#pending.size;
    let parked = 0;
    for (const s of this.#byToken.values()) if (s.parked) parked++;
    return { total, pending, attached: total - detached - pending, detached, parked };
  }

  /**
   * Creates a pending session bound to cookie `sid`, or says why not: `server_busy`
   * when the heap is fuller than `limits.maxHeapRatio`, `too_many_connections` when
   * `maxSessions` is reached and no detached session can be evicted. Past the pending
   * caps (per IP, and in all) the oldest pending session is disposed to make room: a
   * page that never connected is the cheapest thing to drop, and its tab reloads if it
   * ever does connect.
   */
  create(
    sid: string,
    route: string,
    ip?: string,
    path = "/",
    ident?: { readonly key: string; readonly token: string },
  ): Session | ErrorCode {
    const limits = this.limits;
    if (limits.maxHeapRatio < 1 && this.heapRatio() > limits.maxHeapRatio) {
      // Pending pages are what an attacker makes most of: drop the oldest tenth.
      this.#evictPending(Math.ceil(this.#pending.size / 10), undefined);
      this.logger.warn({ code: E.server_busy, pending: this.#pending.size }, "heap nearly full");
      return E.server_busy;
    }
    if (ip !== undefined && (this.#pendingByIp.get(ip) ?? 0) >= limits.maxPendingPerIp) {
      this.#evictPending(1, ip);
    }
    if (this.#pending.size >= limits.maxPending) this.#evictPending(1, undefined);
    if (this.#byToken.size >= limits.maxSessions) {
      const oldest = first(this.#detached);
      if (oldest === undefined) return E.too_many_connections;
      oldest.dispose();
    }
    const id = `${this.#idPrefix}-${(++this.#nextId).toString(36)}`;
    const { key, token } = ident ?? this.issue(sid, path);
    const s = new Session(id, sid, token, key, route, this);
    s.ip = ip;
    this.#byToken.set(s.token, s);
    this.#pending.add(s);
    if (ip !== undefined) this.#pendingByIp.set(ip, (this.#pendingByIp.get(ip) ?? 0) + 1);
    s.expiresAt = performance.now() + this.timeouts.pendingTtlMs;
    this.#schedule(s.expiresAt);
    const parkAfter = this.timeouts.parkAfterMs;
    if (this.#parkTimer === undefined && parkAfter > 0 && this.persistence !== undefined) {
      this.#parkTimer = setInterval(() => this.parkIdle(), Math.max(250, parkAfter / 4));
      this.#parkTimer.unref();
    }
    return s;
  }

  /**
   * Parks the views of sessions with no client event for `timeouts.parkAfterMs` (see
   * `Session.park`); returns how many it parked. A session that refused (a timer, a
   * subscription, data loading) is asked again after its next event, or after four
   * more idle periods. Runs every quarter period; exposed for tests and benchmarks.
   */
  parkIdle(now = performance.now()): number {
    const after = this.timeouts.parkAfterMs;
    let n = 0;
    for (const s of this.#byToken.values()) {
      if (s.parked || now - s.lastEventAt < after) continue;
      if (s.parkRefusedAt >= s.lastEventAt && now - s.parkRefusedAt < 4 * after) continue;
      if (s.park()) {
        n++;
        this.metrics?.parked?.();
      } else {
        s.parkRefusedAt = now;
      }
    }
    return n;
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
    const reason = this.#ended.get(tokenKey(token));
    if (reason === undefined) return undefined;
    // What a resume is told: a code that sends the browser to a fresh page.
    return ERRORS[reason].close === ERRORS.session_expired.close ? reason : E.session_expired;
  }

  /** True when `token`'s session ended for good (tab closed, could not catch up): never rebuilt. */
  endedForGood(token: string): boolean {
    const reason = this.#ended.get(tokenKey(token));
    return reason !== undefined && ENDS_FOR_GOOD.has(reason);
  }

  /** Call right before `session.attach(...)`: stops its expiry clock. */
  attaching(s: Session): void {
    if (s.state === SessionState.Pending) this.#unpend(s);
    else if (s.state === SessionState.Detached) this.#detached.delete(s);
    // Anything but a first attach is a client resuming its session (after a drop, or
    // taking over from a socket the server has not yet seen die).
    if (s.state !== SessionState.Pending) this.metrics?.reconnected();
    s.expiresAt = Number.POSITIVE_INFINITY;
  }

  onDetached(s: Session): void {
    this.#detached.add(s);
    // Another instance may be asked for this session next: checkpoint it now.
    if (this.persistence !== undefined) void this.persistence.now(s);
    s.expiresAt = performance.now() + this.timeouts.resumeWindowMs;
    this.#schedule(s.expiresAt);
    while (this.#detached.size > this.limits.maxDetached) {
      // Left memory only: with persistence it resumes from the store.
      first(this.#detached)!.dispose();
      this.metrics?.evicted?.();
    }
  }

  onClosed(s: Session, prev: SessionState, reason: ErrorCode): void {
    if (this.#byToken.get(s.token) !== s) return;
    this.#byToken.delete(s.token);
    this.#ended.set(s.key, reason);
    if (this.#ended.size > ENDED_SESSIONS) this.#ended.delete(first(this.#ended.keys())!);
    if (prev === SessionState.Pending) this.#unpend(s);
    else if (prev === SessionState.Detached) this.#detached.delete(s);
    const p = this.persistence;
    if (p !== undefined) {
      // Ended for good: its checkpoint goes. Only out of memory: it stays resumable.
      if (ENDS_FOR_GOOD.has(reason)) p.forget(s);
      else p.dropped(s);
    }
  }

  changed(s: Session): void {
    this.persistence?.changed(s);
  }

  async handOff(cp: Checkpoint): Promise<string | undefined> {
    const p = this.persistence;
    if (p === undefined) return undefined;
    try {
      return await p.handOff(cp);
    } catch (err) {
      this.logger.warn(
        { err, code: E.store_unavailable, op: "handOff" },
        "page state not handed off: the page after the next load starts afresh",
      );
      return undefined;
    }
  }

  /**
   * Session gauges at scrape time: attached, detached and parked counts, and the memory
   * estimate `sessions with a view × baseBytes + parked × PARKED_SESSION_BYTES + their
   * checkpoints' text + bytes of frames held for resume` (one pass over the sessions).
   */
  sample(baseBytes: number): {
    active: number;
    detached: number;
    parked: number;
    memoryBytes: number;
  } {
    let held = 0;
    let parked = 0;
    for (const s of this.#byToken.values()) {
      held += s.historyBytes;
      if (s.parked) {
        parked++;
        held += s.parkedBytes;
      }
    }
    // The same pass counts the parked; the states are the manager's own tallies.
    const total = this.#byToken.size;
    const detached = this.#detached.size;
    return {
      active: total - detached - this.#pending.size,
      detached,
      parked,
      memoryBytes: (total - parked) * baseBytes + parked * PARKED_SESSION_BYTES + held,
    };
  }

  /** All live sessions (a snapshot). */
  all(): Session[] {
    return [...this.#byToken.values()];
  }

  /** Every session with a page in a browser (all but the pending: their page never connected). */
  live(): Session[] {
    const out: Session[] = [];
    for (const s of this.#byToken.values()) if (s.state !== SessionState.Pending) out.push(s);
    return out;
  }

  /** Disposes every session and stops the expiry timer. */
  disposeAll(): void {
    for (const s of this.all()) s.dispose();
    this.#clearTimer();
    if (this.#parkTimer !== undefined) clearInterval(this.#parkTimer);
    this.#parkTimer = undefined;
  }

  #unpend(s: Session): void {
    this.#pending.delete(s);
    const ip = s.ip;
    if (ip === undefined) return;
    const n = (this.#pendingByIp.get(ip) ?? 1) - 1;
    if (n === 0) this.#pendingByIp.delete(ip);
    else this.#pendingByIp.set(ip, n);
  }

  /** Disposes up to `n` of the oldest pending sessions (of `ip` only, when given). */
  #evictPending(n: number, ip: string | undefined): void {
    for (const s of this.#pending) {
      if (n === 0) return;
      if (ip !== undefined && s.ip !== ip) continue;
      s.dispose();
      n--;
    }
  }

  /** Makes sure the timer fires by `at`. */
  #schedule(at: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, at - performance.now()));
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #expireDue(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    for (const queue of [this.#pending, this.#detached]) {
      for (let s = first(queue); s !== undefined && s.expiresAt <= now; s = first(queue)) {
        s.dispose();
        queue.delete(s); // already gone unless dispose found it unregistered
      }
    }
    const next = Math.min(
      first(this.#pending)?.expiresAt ?? Number.POSITIVE_INFINITY,
      first(this.#detached)?.expiresAt ?? Number.POSITIVE_INFINITY,
    );
    if (next !== Number.POSITIVE_INFINITY) this.#schedule(next);
  }
}

/**
 * Heap a parked session keeps besides its checkpoint's text: its socket, the session's
 * own fields and its page's request (4–5 KB measured in bench/session.bench.ts), rounded
 * up for larger request headers.
 */
const PARKED_SESSION_BYTES = 6 * 1024;

/** Dispose reasons after which a session cannot come back (its checkpoint is deleted). */
const ENDS_FOR_GOOD: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  E.client_closed_request,
  E.catch_up_too_slow,
  E.resume_invalid,
]);

function first<T>(set: Iterable<T>): T | undefined {
  for (const v of set) return v;
  return undefined;
}

/** What sessions record into the app's metrics (`VangoMetrics` fits). */
export interface SessionMetrics {
  patchesSent(frames?: number): void;
  eventObserved(type: number, seconds: number): void;
  reconnected(): void;
  evicted?(): void;
  parked?(): void;
  woke?(outcome: "same" | "resync" | "failed", seconds: number): void;
}

/**
 * Closed sessions remembered (by key), far more than the tabs that typically come back
 * after a resume window. A power of two because the Map is a queue: a deleted entry keeps
 * its slot until a rehash, and V8 doubles the table at a rehash unless half of it is
 * deleted slots, so from its first eviction on a queue of n entries holds room for twice
 * the power of two above n. 8,192 sessions: 16,384 slots (448 KB) plus their 22-character
 * keys (~40 B each), ~0.8 MB; 10,000 took 32,768 slots (896 KB).
 */
const ENDED_SESSIONS = 8_192;
