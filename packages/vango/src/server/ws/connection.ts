/**
 * One WebSocket (or in-memory socket): waits for the Handshake, verifies it (version,
 * resume token, cookie binding, CSRF), attaches the socket to its session, then routes
 * decoded frames to the session. Any decode error is answered with a fatal coded Error
 * frame and a coded close; it never reaches other sessions.
 *
 * Every frame the client sends is charged to the session's budget (kept per session, so
 * reconnecting does not refill it): one token per frame — events, acks, pings, pongs,
 * resync requests and handshakes alike — and a resync (a `ResyncRequest`, or the
 * catch-up after a resuming handshake) one more token per {@link RESYNC_BYTES_PER_TOKEN}
 * bytes it sent. Over budget a frame is dropped with a `rate_limited` Error frame (a
 * handshake is refused), and when refusals persist the socket is closed (`rate_limited`,
 * 1008). A request of a few bytes once drew a full resync every time: 190,700 of them
 * (381 KB) drew 306 MiB in 10 s and were never refused.
 *
 * One exception: a Data frame its channel accepts (an upload's next chunk, at the
 * offset and of the length the upload expects, within its window) costs nothing — its
 * bytes were paid for by the announcement, an event, and a file is thousands of them.
 * A refused Data frame is charged like any frame, so a flood of bad chunks ends as one.
 */

import type { IncomingMessage } from "node:http";
import { Feature, FrameType } from "../../protocol/constants.ts";
import { ErrorCode as E, type ErrorCode, ProtocolError } from "../../protocol/errors.ts";
import type { ClientFrame, HandshakeFrame } from "../../protocol/frame.ts";
import type { Limits } from "../../protocol/limits.ts";
import { decodeClientFrame, encodeServerFrame } from "../../protocol/server-codec.ts";
import type { Logger } from "../core/logger.ts";
import type { Transport } from "../core/transport.ts";
import type { CsrfSigner } from "../security/csrf.ts";
import {
  BudgetResult,
  type EventBudget,
  type EventBudgetOptions,
  wsEventBudget,
} from "../security/rate-limit/ws-event-budget.ts";
import {
  closeWith,
  encodeCloseFrame,
  encodeErrorFrame,
  encodePong,
  failWith,
} from "../session/frames.ts";
import type { SessionManager } from "../session/manager.ts";
import { SessionState } from "../session/services.ts";
import type { Session } from "../session/session.ts";

/** Features this server offers; the reply carries the intersection with the client's. */
export const SERVER_FEATURES = Feature.Resume | Feature.PatchHistory | Feature.Hooks;

/**
 * Bytes of resync output that cost one budget token, like one event: a full resync
 * takes ~4 µs per KiB to encode (measured on lists of 40 and 2,000 rows), plus the
 * write, so 8 KiB is about the server CPU of one event under load (~40 µs,
 * BENCHMARKS.md). A resume with a full resync of a 300 KB page then costs 39 of the
 * default 60-token burst, and the user's next clicks are not refused.
 */
export const RESYNC_BYTES_PER_TOKEN = 8 * 1024;

/** What connections share (one object per app). */
export interface ConnectionHost {
  readonly sessions: SessionManager;
  readonly csrf: CsrfSigner;
  readonly decodeLimits: Limits;
  readonly logger: Logger;
  readonly handshakeMs: number;
  /** Live connections (heartbeat and shutdown walk it). */
  readonly connections: Set<Connection>;
  /** Per-session event budget (`undefined`: no budget). */
  readonly budget: EventBudgetOptions | undefined;
  /**
   * Rebuilds a session this process does not hold — from its checkpoint in the session
   * store, or from the URL its token names — for cookie `sid`; the refusal's code when it
   * cannot (`undefined`: sessions are not persisted).
   */
  readonly resume?: Resume | undefined;
  /**
   * Whether another instance resumed a session held here since (the store's checkpoint
   * has a greater fence): asked before a tab reconnects to it, which then gets the
   * session rebuilt from that checkpoint instead of this stale copy (`undefined`:
   * sessions are not persisted).
   */
  readonly movedAway?: ((s: Session) => Promise<boolean>) | undefined;
}

/** Rebuilds session `sid`'s page for `token`; `req` is the upgrade request (headers, cookies). */
export type Resume = (
  token: string,
  sid: string,
  req: IncomingMessage | undefined,
) => Promise<Session | ErrorCode>;

/** Frames a connection holds while its session is rebuilt (the client sends few then). */
const MAX_HELD_FRAMES = 32;

function budgetOf(s: Session, options: EventBudgetOptions): EventBudget {
  s.eventBudget ??= wsEventBudget(options);
  return s.eventBudget;
}

export class Connection {
  readonly transport: Transport;
  /**
   * Session cookie presented with the upgrade request (`undefined` when none); once the
   * handshake matched it, the session's own string (one copy per session, not two).
   */
  cookieSid: string | undefined;
  session: Session | undefined = undefined;
  /** Cleared by the heartbeat sweep, set by any incoming message or pong. */
  alive = true;
  readonly #host: ConnectionHost;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #budget: EventBudgetOptions | undefined;
  /** Frames received while the session is rebuilt (`undefined`: not rebuilding). */
  #held: Uint8Array[] | undefined = undefined;
  /**
   * The upgrade request, until the handshake: a rebuilt page gets its headers, cookies
   * and locals. Dropped then, so the socket does not keep the request alive.
   */
  #upgrade: IncomingMessage | undefined;

  constructor(
    host: ConnectionHost,
    transport: Transport,
    cookieSid: string | undefined,
    upgrade?: IncomingMessage,
  ) {
    this.#host = host;
    this.#budget = host.budget;
    this.transport = transport;
    this.cookieSid = cookieSid;
    this.#upgrade = host.resume === undefined ? undefined : upgrade;
    host.connections.add(this);
    this.#handshakeTimer = setTimeout(handshakeTimeout, host.handshakeMs, this);
    this.#handshakeTimer.unref();
  }

  /** Handles one incoming binary message. */
  onMessage(data: Uint8Array): void {
    if (this.#closed) return;
    this.alive = true;
    let frame: ClientFrame;
    try {
      frame = decodeClientFrame(data, this.#host.decodeLimits);
    } catch (err) {
      const code = err instanceof ProtocolError ? err.code : E.frame_malformed;
      this.#host.logger.warn({ session_id: this.session?.id, code }, "bad frame");
      this.fail(code);
      return;
    }
    const s = this.session;
    if (s === undefined) {
      if (this.#held !== undefined) {
        // The session is being rebuilt: these frames follow the handshake.
        if (this.#held.length >= MAX_HELD_FRAMES) this.fail(E.rate_limited);
        else this.#held.push(data);
      } else if (frame.type === FrameType.Handshake) this.#handshake(frame);
      else this.fail(E.handshake_invalid);
      return;
    }
    if (s.state === SessionState.Closed) {
      this.fail(E.session_expired);
      return;
    }
    if (frame.type === FrameType.Data && s.data.receive(frame.channel, frame.offset, frame.data)) {
      return;
    }
    if (this.#budget !== undefined) {
      const verdict = budgetOf(s, this.#budget).take();
      if (verdict !== BudgetResult.Ok) {
        this.#refused(s, verdict, frame.type === FrameType.Event ? frame.cseq : 0);
        return;
      }
    }
    switch (frame.type) {
      case FrameType.Event: {
        const r = s.enqueue(frame.cseq, frame.hid, frame.event);
        if (r === false) this.transport.send(encodeErrorFrame(E.rate_limited, false, frame.cseq));
        return;
      }
      case FrameType.Ack:
        s.ack(frame.seq);
        return;
      case FrameType.Ping:
        this.transport.send(encodePong(frame.nonce));
        return;
      case FrameType.Pong:
        return;
      case FrameType.ResyncRequest:
        this.#charge(s, s.resync(frame.lastSeq, frame.full));
        return;
      case FrameType.Data:
        // Refused by its channel (or none): charged above, dropped.
        return;
      case FrameType.Close:
        // The tab is going away for good (unload): free the session now.
        this.#closed = true;
        this.#release();
        s.detach(this.transport);
        s.dispose(E.client_closed_request);
        this.transport.close(1000, "");
        return;
      default:
        this.fail(E.frame_malformed);
    }
  }

  /** A text (non-binary) message: not part of the protocol. */
  onText(): void {
    this.fail(E.frame_malformed);
  }

  /** The underlying socket closed (any reason). */
  onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    this.session?.detach(this.transport);
  }

  /** Sends a fatal coded Error frame and closes the socket. */
  fail(code: ErrorCode): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    this.session?.detach(this.transport);
    failWith(this.transport, code);
  }

  /** Sends a Close frame and closes with `code`'s close code (idle, dead peer). */
  closeWith(code: ErrorCode): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    this.session?.detach(this.transport);
    this.transport.send(encodeCloseFrame(code));
    closeWith(this.transport, code);
  }

  /** Drops a dead peer without a closing handshake. */
  terminate(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    this.session?.detach(this.transport);
    this.transport.terminate();
  }

  /** A frame over budget: dropped with a non-fatal `rate_limited`, or the socket closed. */
  #refused(s: Session, verdict: BudgetResult, cseq: number): void {
    if (verdict === BudgetResult.Close) {
      this.#host.logger.warn({ session_id: s.id, code: E.rate_limited }, "frame flood");
      this.fail(E.rate_limited);
    } else {
      this.transport.send(encodeErrorFrame(E.rate_limited, false, cseq));
    }
  }

  /** Charges the bytes a resync sent (after the fact: they may put the budget in debt). */
  #charge(s: Session, bytes: number): void {
    if (this.#budget !== undefined && bytes > 0) {
      budgetOf(s, this.#budget).debit(Math.ceil(bytes / RESYNC_BYTES_PER_TOKEN));
    }
  }

  /** No Handshake was taken yet (its timer runs). */
  get awaitingHandshake(): boolean {
    return this.#handshakeTimer !== undefined;
  }

  #release(): void {
    this.#host.connections.delete(this);
    if (this.#handshakeTimer !== undefined) clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    this.#upgrade = undefined;
  }

  #handshake(h: HandshakeFrame): void {
    const host = this.#host;
    const req = this.#upgrade;
    this.#upgrade = undefined;
    const s = h.resumeToken === null ? undefined : host.sessions.find(h.resumeToken);
    if (h.resumeToken !== null && host.resume !== undefined) {
      if (s === undefined) {
        if (this.cookieSid === undefined) {
          this.#refuse(E.resume_invalid);
          return;
        }
        this.#rebuild(h, h.resumeToken, this.cookieSid, req, host.resume);
        return;
      }
      // (A handshake `#verify` will refuse — another browser's cookie — reads nothing.)
      if (
        s.state !== SessionState.Pending &&
        host.movedAway !== undefined &&
        this.cookieSid === s.sid
      ) {
        this.#reattach(h, s, req, host.movedAway);
        return;
      }
    }
    this.#accept(h, s);
  }

  /**
   * A tab reconnects to a session held here: unless another instance resumed it
   * meanwhile (a tab that went there and came back), it is accepted; otherwise this copy
   * is superseded and the session rebuilt from the newer checkpoint.
   */
  #reattach(
    h: HandshakeFrame,
    s: Session,
    req: IncomingMessage | undefined,
    movedAway: (s: Session) => Promise<boolean>,
  ): void {
    this.#held = [];
    const go = (moved: boolean) => {
      if (this.#closed) {
        this.#held = undefined;
        return;
      }
      if (moved) s.superseded();
      // Moved away, or ended meanwhile (evicted): as for a session not held here (the
      // cookie matched `s.sid` before this was asked).
      if (s.state === SessionState.Closed) {
        this.#rebuild(h, s.token, s.sid, req, this.#host.resume!);
      } else {
        this.#acceptHeld(h, s);
      }
    };
    // A store that cannot answer leaves the copy held here: the best there is.
    movedAway(s).then(go, () => go(false));
  }

  /** A session this process does not hold: rebuilt (asynchronously), then accepted. */
  #rebuild(
    h: HandshakeFrame,
    token: string,
    sid: string,
    req: IncomingMessage | undefined,
    resume: Resume,
  ): void {
    this.#held ??= [];
    resume(token, sid, req).then(
      (r) => {
        if (this.#closed) {
          this.#held = undefined;
        } else if (typeof r === "string") {
          this.#held = undefined;
          this.#refuse(r);
        } else {
          this.#acceptHeld(h, r);
        }
      },
      (err: unknown) => {
        this.#held = undefined;
        this.#host.logger.error({ err, code: E.internal_error }, "session rebuild failed");
        this.#refuse(E.internal_error);
      },
    );
  }

  /** Accepts `s` once an asynchronous step is over, then handles the frames held meanwhile. */
  #acceptHeld(h: HandshakeFrame, s: Session): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    this.#accept(h, s);
    for (const f of held) this.onMessage(f);
  }

  #accept(h: HandshakeFrame, s: Session | undefined): void {
    const host = this.#host;
    const refused = this.#verify(h, s);
    if (refused !== undefined || s === undefined) {
      this.#refuse(refused ?? E.session_not_found);
      return;
    }
    // A resume can cost a full resync: a reconnect loop must not draw them for free.
    if (this.#budget !== undefined && budgetOf(s, this.#budget).take() !== BudgetResult.Ok) {
      host.logger.warn({ session_id: s.id, code: E.rate_limited }, "handshake refused");
      this.#refuse(E.rate_limited);
      return;
    }
    if (this.#handshakeTimer !== undefined) clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    const resumed = s.state !== SessionState.Pending || s.rebuilt;
    host.sessions.attaching(s);
    this.session = s;
    const features = h.features & SERVER_FEATURES;
    const caughtUp = s.attach(this.transport, h.lastSeq, (nextSeq) =>
      encodeServerFrame({
        type: FrameType.HandshakeReply,
        status: "ok",
        resumed,
        resumeToken: s.token,
        nextSeq,
        lastCseq: s.lastCseq,
        serverTime: Date.now(),
        features,
      }),
    );
    this.#charge(s, caughtUp);
    s.setClientInfo({
      viewport: { width: h.viewport.w, height: h.viewport.h },
      tzOffset: h.tzOffset,
    });
  }

  /** Why the handshake is refused, or `undefined` when it is acceptable. */
  #verify(h: HandshakeFrame, s: Session | undefined): ErrorCode | undefined {
    if (h.resumeToken === null) return E.handshake_invalid;
    if (s === undefined) {
      return this.#host.sessions.ended(h.resumeToken) ?? E.session_not_found;
    }
    // The token alone is not enough: it must come with the cookie of the session's tab.
    if (this.cookieSid === undefined || this.cookieSid !== s.sid) return E.resume_invalid;
    if (this.#host.csrf.verify(s.sid, h.csrf) === undefined) return E.csrf_invalid;
    this.cookieSid = s.sid;
    return undefined;
  }

  #refuse(code: ErrorCode): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    this.transport.send(
      encodeServerFrame({
        type: FrameType.HandshakeReply,
        status: code,
        resumed: false,
        resumeToken: "",
        nextSeq: 0,
        lastCseq: 0,
        serverTime: Date.now(),
        features: 0,
      }),
    );
    closeWith(this.transport, code);
  }
}

/**
 * The handshake is overdue once the sockets were read one more time (`setImmediate` runs
 * after the poll phase; due timers run before it): after a stall of the process, a
 * Handshake that came meanwhile is still unread when this timer fires.
 */
function handshakeTimeout(c: Connection): void {
  setImmediate(handshakeOverdue, c);
}

function handshakeOverdue(c: Connection): void {
  if (c.awaitingHandshake) c.fail(E.handshake_timeout);
}
