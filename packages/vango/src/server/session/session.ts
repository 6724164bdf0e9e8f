/**
 * One live session (one browser tab): the mounted view, its serialized event queue, the
 * patch sequence and resend history, and the transport it is attached to, if any.
 *
 * Lifecycle: `pending` (created by a page GET, view mounted, waiting for the socket)
 * → `attached` ⇄ `detached` (socket dropped, resumable) → `closed` (disposed).
 * The view keeps rendering while detached: frames go to the history only and are
 * resent, or replaced by a full resync, when a socket resumes the session.
 *
 * Backpressure: a socket with a backlog is judged by its progress ({@link DrainWatch}).
 * While more than `limits.maxBufferedBytes` wait, new frames are held back (history
 * only) and sent once the backlog halved — as resent frames or one full resync — so
 * memory stays bounded whatever the renders. A socket that drains too slowly is closed
 * as `slow_consumer` and the session stays resumable; if it is cut again before the
 * client acked the catch-up of its resume, the client cannot be brought up to date
 * over its link: the session ends with `catch_up_too_slow` and the browser reloads.
 *
 * Parking: the view of a session idle for `timeouts.parkAfterMs` is disposed and only its
 * checkpoint kept (see {@link Session.park}); the next event builds it again first.
 */

import type { Patch } from "../../protocol/patch.ts";
import { type Signal, signal } from "../../reactive/index.ts";
import type { ClientInfo } from "../../render/client-info.ts";
import { describeError, formatReport } from "../core/dev-report.ts";
import { ServerError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { SETTLED } from "../core/middleware.ts";
import type { Transport } from "../core/transport.ts";
import type { EventBudget } from "../security/rate-limit/ws-event-budget.ts";
import {
  CHECKPOINT_VERSION,
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  type SkippedState,
} from "./checkpoint.ts";
import { DataChannels } from "./data-channels.ts";
import {
  DRAIN_SAMPLE_MS,
  Drain,
  DrainWatch,
  HELD_FULL,
  NOT_HELD,
  WATCH_FRAME_BYTES,
} from "./drain-watch.ts";
import type { EventContext } from "./event-context.ts";
import { domEventName, type IncomingEvent, toPayload } from "./event-payload.ts";
import { EventQueue } from "./event-queue.ts";
import {
  closeWith,
  ErrorCode as E,
  type ErrorCode,
  encodeCloseFrame,
  encodeErrorFrame,
  encodeFullResync,
  encodePatches,
} from "./frames.ts";
import { FrameHistory } from "./history.ts";
import { releasePatchList, takePatchList } from "./patch-list.ts";
import { type Flushable, scheduleFlush } from "./scheduler.ts";
import { type SessionServices, SessionState } from "./services.ts";
import type { ParkedView, SessionView, WokenView } from "./view.ts";

interface QueuedEvent {
  readonly cseq: number;
  readonly hid: number;
  readonly event: IncomingEvent;
}

export class Session implements Flushable {
  readonly id: string;
  /** Session cookie value the resume token is bound to. */
  readonly sid: string;
  /** Resume token presented in the handshake. */
  readonly token: string;
  /** The session's key: its checkpoint's id in the session store. */
  readonly key: string;
  /**
   * The next attach sends the whole view whatever the client's seq (a page rebuilt from a
   * checkpoint whose HTML does not match what the browser shows).
   */
  forceFullResync = false;
  /** Rebuilt in this process from a checkpoint or its URL: its first attach is a resume. */
  rebuilt = false;
  /** Route pattern of the page shown (a live navigation changes it). */
  route: string;
  state: SessionState = SessionState.Pending;
  flushScheduled = false;
  /** Seq of the last Patches frame produced (0 = none yet). */
  seq = 0;
  /** Highest client event seq accepted (queued); later duplicates are dropped. */
  lastCseq = 0;
  /** Highest client event seq whose handler started; carried by Patches frames. */
  processedCseq = 0;
  /** Monotonic ms of the last client event (idle detection). */
  lastEventAt: number;
  /** `performance.now()` by which a pending or detached session expires; owned by the manager. */
  expiresAt = Number.POSITIVE_INFINITY;
  /**
   * `performance.now()` when {@link park} last found the view busy; the manager asks
   * again after the next event or a while later.
   */
  parkRefusedAt = Number.NEGATIVE_INFINITY;
  /** Address of the client whose page GET created the session (pending caps). */
  ip: string | undefined = undefined;
  /** `X-Request-Id` of the page GET that created the session (carried into its logs). */
  requestId: string | undefined = undefined;
  /** What the app's `userOf` returned for the page GET that created the session. */
  userId: string | undefined = undefined;
  /**
   * The budget its client's frames are charged to, kept across reconnects (set by its
   * first connection, `ws/connection.ts`). A field, not a WeakMap keyed by sessions, which
   * keeps its table's peak size after the sessions are gone (see `Persistable`).
   */
  eventBudget: EventBudget | undefined = undefined;
  /** Persistence's marks (see `Persistable`): what it last saved, and whether it ended for good. */
  savedPrint: number | undefined = undefined;
  forgotten = false;
  /**
   * The fence its checkpoints are saved with: 0 for a session its page load started, one
   * more than its checkpoint's once resumed from the store (`resume.ts`).
   */
  fence = 0;
  /** Viewport and time-zone offset from the latest handshake (`useClientInfo()`). */
  #clientInfo: Signal<ClientInfo | undefined> | undefined = undefined;
  #clientInfoValue: ClientInfo | undefined = undefined;
  /** Byte channels its client feeds with Data frames (uploads); closed with the session. */
  readonly data = new DataChannels();
  readonly #services: SessionServices;
  /** Made on first use, let go while the view is parked with nothing held or queued. */
  #frames: FrameHistory | undefined = undefined;
  #events: EventQueue<QueuedEvent, Session> | undefined = undefined;
  #root: SessionView | undefined = undefined;
  /** The parked view and its checkpoint (the codec's text) while the session idles. */
  #parked: ParkedView | undefined = undefined;
  #parkedCp: string | undefined = undefined;
  /** The parked view being built again: what needs the view waits for it. */
  #waking: Promise<void> | undefined = undefined;
  /** Aborted when the session closes while its view is built ({@link building}); held only meanwhile. */
  #building: AbortController | undefined = undefined;
  /** A resync asked for the whole view while it was parked: sent once it is built. */
  #resyncOnWake = false;
  /** Patches made outside the view's diff (streams), sent after its next render's own. */
  #queued: Patch[] = NO_PATCHES;
  /** Told when a full resync replaces the browser's DOM with the view's tree (made on first use). */
  #resyncListeners: Set<() => void> | undefined = undefined;
  #transport: Transport | undefined = undefined;
  #patchesSent = 0;
  /** The synchronous part of a handler is running: its event flushes the view itself. */
  #dispatching = false;
  /** An event on an element with an optimistic prediction ran: the next flush sends a frame. */
  #owed = false;
  /** Renders that threw so far (an event compares it before and after). */
  #failedRenders = 0;
  /**
   * Progress of the attached socket while data waits for it or large frames await acks;
   * it also marks the frames held back while the backlog is over the cap.
   */
  #watch: DrainWatch | undefined = undefined;
  /**
   * After a `slow_consumer` cut: the seq the client must ack to show it caught up
   * (0 = no cut pending). Another slow cut before that ends the session.
   */
  #strikeSeq = 0;

  constructor(
    id: string,
    sid: string,
    token: string,
    key: string,
    route: string,
    services: SessionServices,
  ) {
    this.id = id;
    this.sid = sid;
    this.token = token;
    this.key = key;
    this.route = route;
    this.#services = services;
    this.lastEventAt = performance.now();
  }

  /** Frames held for resume. */
  get #history(): FrameHistory {
    const limits = this.#services.limits;
    this.#frames ??= new FrameHistory(limits.historyFrames, limits.historyBytes);
    return this.#frames;
  }

  /** Client events waiting for the one running. */
  get #queue(): EventQueue<QueuedEvent, Session> {
    this.#events ??= new EventQueue<QueuedEvent, Session>(
      Session.#runQueued,
      Session.#queuedFailed,
      this.#services.limits.maxQueuedEvents,
      this,
    );
    return this.#events;
  }

  /** Viewport and time-zone offset from the latest handshake (`useClientInfo()`). */
  get clientInfo(): Signal<ClientInfo | undefined> {
    this.#clientInfo ??= signal<ClientInfo | undefined>(this.#clientInfoValue);
    return this.#clientInfo;
  }

  /** Records what the latest handshake said of the client's viewport and time zone. */
  setClientInfo(info: ClientInfo): void {
    this.#clientInfoValue = info;
    this.#clientInfo?.set(info);
  }

  /** Binds the mounted view; its `onDirty` must call {@link markDirty}. */
  setRoot(root: SessionView): void {
    this.#root = root;
  }

  get root(): SessionView {
    const r = this.#root;
    if (r === undefined) {
      throw new ServerError(
        E.internal_error,
        this.#parked === undefined ? "session has no view" : "session view is parked",
      );
    }
    return r;
  }

  /** True while the view is parked (until a wake has built it again). */
  get parked(): boolean {
    return this.#parked !== undefined;
  }

  /** Characters of the parked view's checkpoint (0 when not parked). */
  get parkedBytes(): number {
    return this.#parkedCp?.length ?? 0;
  }

  /**
   * Parks the view of an idle session: disposes it and keeps only its checkpoint (as the
   * codec's text), so an idle tab costs its socket and the session's own fields. The
   * next event — or a resync that needs the whole view — first builds it again from that
   * checkpoint, as a resume on another instance would: same state, same hids, its data
   * loaded again (up to `pageDataMs`); when it then renders what the browser shows,
   * nothing is sent, else the whole view (hids kept: focus and caret survive).
   *
   * Only a view at rest is parked (`SessionView.atRest`: nothing running, pending, or
   * fed from outside — a timer, a subscription, a signal it did not create), only with
   * persistence on (its codec), and only when every value could be encoded. True when
   * parked.
   */
  park(): boolean {
    const root = this.#root;
    const codec = this.#services.codec;
    if (root?.park === undefined || codec === undefined) return false;
    if (this.state !== SessionState.Attached && this.state !== SessionState.Detached) return false;
    const q = this.#events;
    if (q !== undefined && (q.running || q.length > 0)) return false;
    if (this.#owed || this.#queued.length > 0) return false;
    if (this.data.size > 0 || (this.#resyncListeners?.size ?? 0) > 0) return false;
    if (this.#watch !== undefined || root.dirty || root.atRest?.() !== true) return false;
    const cp = this.checkpoint();
    if (cp === undefined) return false;
    const { bytes, skipped } = encodeCheckpoint(codec, cp);
    if (skipped.length > 0) return false;
    this.#parkedCp = UTF8_DECODER.decode(bytes);
    this.#parked = root.park();
    this.#root = undefined;
    // What an idle session keeps: no empty history, queue or client-info signal.
    if (this.#frames?.size === 0) this.#frames = undefined;
    this.#events = undefined;
    this.#clientInfo = undefined;
    return true;
  }

  /**
   * Runs `build` — the building of this session's view, which may wait for its data —
   * with a signal that aborts if the session closes meanwhile, so the wait ends then
   * and not when the data comes. The signal is held only while `build` runs (it costs
   * ~0.8 KB; an idle session keeps none).
   * @example const rebuilt = await session.building((stop) => PageView.rebuild(init, cp, wait, stop));
   */
  async building<T>(build: (stop: AbortSignal) => Promise<T>): Promise<T> {
    // Builds do not overlap (a wake runs once at a time, a resume builds a new session);
    // one that did would share the signal of the build under way.
    const running = this.#building;
    if (running !== undefined) return build(running.signal);
    const ctl = new AbortController();
    if (this.state === SessionState.Closed) ctl.abort();
    this.#building = ctl;
    try {
      return await build(ctl.signal);
    } finally {
      this.#building = undefined;
    }
  }

  /** Builds the parked view again, if it is parked; resolves once the view is in place. */
  wake(): Promise<void> {
    if (this.#parked === undefined) return Promise.resolve();
    if (this.#waking === undefined) {
      this.#waking = this.#rebuild().finally(() => {
        this.#waking = undefined;
      });
    }
    return this.#waking;
  }

  async #rebuild(): Promise<void> {
    const parked = this.#parked!;
    const t0 = performance.now();
    let woken: WokenView | ErrorCode;
    try {
      woken = await parked.wake(this.#parkedCheckpoint()!);
    } catch (err) {
      this.#services.logger.error(
        { err, code: E.render_error, session_id: this.id, route: this.route },
        "parked view failed to wake",
      );
      woken = E.session_expired;
    }
    // Kept until now: a checkpoint taken while the view was built (shutdown) is this one.
    this.#parked = undefined;
    this.#parkedCp = undefined;
    const full = typeof woken !== "string" && (this.#resyncOnWake || !woken.same);
    const outcome = typeof woken === "string" ? "failed" : full ? "resync" : "same";
    this.#services.metrics?.woke?.(outcome, (performance.now() - t0) / 1000);
    if (typeof woken === "string") {
      this.dispose(woken);
      return;
    }
    if (this.state === SessionState.Closed) {
      woken.view.dispose();
      return;
    }
    this.#root = woken.view;
    this.#resyncOnWake = false;
    if (full) {
      // The browser shows what the checkpoint rendered, which this view no longer does.
      this.#history.clear();
      if (this.#transport === undefined) this.forceFullResync = true;
      else this.#sendFullResync();
    } else if (woken.view.dirty) {
      scheduleFlush(this);
    }
  }

  /** The parked view's checkpoint, with the session's current seqs and user. */
  #parkedCheckpoint(): Checkpoint | undefined {
    const text = this.#parkedCp;
    const codec = this.#services.codec;
    if (text === undefined || codec === undefined) return undefined;
    const cp = decodeCheckpoint(codec, UTF8_ENCODER.encode(text));
    return {
      ...cp,
      seq: this.seq,
      cseq: this.processedCseq,
      userId: this.userId,
      fence: this.fence,
    };
  }

  /** The app's logger (for features that log on the session's behalf). */
  get logger(): Logger {
    return this.#services.logger;
  }

  /** Largest message the session's socket takes (`limits.maxPayload`): a Data frame's bound. */
  get maxPayload(): number {
    return this.#services.limits.maxPayload;
  }

  get transport(): Transport | undefined {
    return this.#transport;
  }

  /** Total patches produced so far. */
  get patchesSent(): number {
    return this.#patchesSent;
  }

  /** Frames held for resume (count). */
  get historySize(): number {
    return this.#frames?.size ?? 0;
  }

  /** Bytes of the frames held for resume. */
  get historyBytes(): number {
    return this.#frames?.bytes ?? 0;
  }

  /**
   * The view went dirty: render at the end of this tick — unless a handler of this
   * session is running, whose event flushes right after it (no microtask needed).
   */
  markDirty(): void {
    // A pending session renders once, when its socket attaches (a timer ticking on a page
    // that never connects costs a signal write, not a render and a history frame).
    if (this.state === SessionState.Attached || this.state === SessionState.Detached) {
      if (!this.#dispatching) scheduleFlush(this);
    }
  }

  /**
   * Attaches `transport`: sends the handshake reply first, then the frames after
   * `lastSeq` from the history, or a full resync when they are not all held. The reply
   * is built by `reply(nextSeq)`, where `nextSeq` is the seq of the first frame that
   * follows it: `lastSeq + 1` when the missed frames are resent (the page reflects
   * `lastSeq`, even when renders happened before the socket came), else the full
   * resync's seq. A previous transport, if any, is closed (the new one takes over).
   * Returns the bytes of the catch-up frames (what the resume cost to send).
   */
  attach(transport: Transport, lastSeq: number, reply: (nextSeq: number) => Uint8Array): number {
    const old = this.#transport;
    if (old !== undefined && old !== transport) old.close(1000, "replaced");
    this.#stopWatch();
    // What changed while pending becomes one frame in the history (no transport yet,
    // so nothing is sent before the reply), resent below.
    if (this.state === SessionState.Pending) this.#render();
    this.#transport = transport;
    this.state = SessionState.Attached;
    this.lastEventAt = performance.now();
    const missed = this.forceFullResync ? undefined : this.#history.since(lastSeq, this.seq);
    this.forceFullResync = false;
    if (this.#strikeSeq > 0) {
      this.#strikeSeq = missed !== undefined && missed.length === 0 ? 0 : Math.max(this.seq, 1);
    }
    if (!this.#send(reply(missed === undefined ? this.seq : lastSeq + 1))) return 0;
    return this.#catchUp(missed);
  }

  /** Forgets `transport` if it is the attached one; the session stays resumable. */
  detach(transport: Transport): void {
    if (this.#transport !== transport) return;
    this.#transport = undefined;
    this.#stopWatch();
    if (this.state === SessionState.Attached) {
      this.state = SessionState.Detached;
      this.#services.onDetached(this);
    }
  }

  /** Client applied every frame up to `seq`. */
  ack(seq: number): void {
    if (seq > this.seq) return;
    this.#history.ack(seq);
    if (this.#strikeSeq > 0 && seq >= this.#strikeSeq) this.#strikeSeq = 0;
    const w = this.#watch;
    if (w !== undefined && seq === this.seq && w.held === NOT_HELD) w.acked();
  }

  /**
   * Client asks for frames after `lastSeq` on the live socket, or (`full`) for the whole
   * view. Returns the bytes sent; 0 when the socket's backlog is over the cap, in which
   * case the answer goes out once it drained.
   */
  resync(lastSeq: number, full = false): number {
    if (full) this.#history.clear();
    const t = this.#transport;
    if (t !== undefined && t.bufferedAmount > this.#services.limits.maxBufferedBytes) {
      const w = this.#watchBacklog(t);
      if (full || lastSeq < w.held || w.held === NOT_HELD) w.held = full ? HELD_FULL : lastSeq;
      return 0;
    }
    if (this.#watch !== undefined) this.#watch.held = NOT_HELD;
    return this.#catchUp(full ? undefined : this.#history.since(lastSeq, this.seq));
  }

  /**
   * Sends `missed` frames, or the whole view when they are not all held (`undefined`);
   * returns the bytes sent.
   */
  #catchUp(missed: Uint8Array[] | undefined): number {
    if (missed === undefined) {
      this.#history.clear();
      return this.#sendFullResync();
    }
    let bytes = 0;
    for (let i = 0; i < missed.length; i++) {
      if (!this.#send(missed[i]!)) break;
      bytes += missed[i]!.byteLength;
    }
    return bytes;
  }

  /**
   * Sends the whole view. A view the codec refuses (e.g. nested past the protocol's
   * hard depth cap) can never reach this client again: it gets a non-fatal
   * `encode_invalid`, then the session is closed (`session_expired`) so the browser
   * reloads a server-rendered page instead of reconnecting into the same failure.
   * Returns the bytes sent.
   */
  /**
   * Calls `fn` whenever a full resync replaces the browser's DOM with the view's tree
   * (what a stream sent outside the tree is gone then). Returns the unsubscribe.
   */
  onFullResync(fn: () => void): () => void {
    if (this.#resyncListeners === undefined) this.#resyncListeners = new Set();
    const listeners = this.#resyncListeners;
    listeners.add(fn);
    return () => listeners.delete(fn);
  }

  #sendFullResync(): number {
    if (this.#root === undefined && this.#parked !== undefined) {
      // Sent once the parked view is built again.
      this.#resyncOnWake = true;
      void this.wake();
      return 0;
    }
    // Queued patches address what the browser held before; the tree replaces all of it.
    this.#queued = NO_PATCHES;
    if (this.#resyncListeners !== undefined) for (const fn of this.#resyncListeners) fn();
    let frame: Uint8Array;
    try {
      frame = encodeFullResync(this.seq, this.root.root);
    } catch (err) {
      this.#services.logger.error(
        { err, code: E.encode_invalid, session_id: this.id, route: this.route },
        "full resync encoding failed",
      );
      this.sendError(E.encode_invalid, false);
      this.dispose(E.session_expired);
      return 0;
    }
    return this.#send(frame) ? frame.byteLength : 0;
  }

  /**
   * Queues a client event. Returns `false` for a duplicate (cseq already seen) or when
   * the queue is full (the caller reports `rate_limited`); duplicates are silent.
   */
  enqueue(cseq: number, hid: number, event: IncomingEvent): boolean | "duplicate" {
    if (cseq <= this.lastCseq) return "duplicate";
    if (this.state === SessionState.Closed) return false;
    this.lastCseq = cseq;
    const now = performance.now();
    this.lastEventAt = now;
    arrivedAt = now;
    const queued = this.#queue.push({ cseq, hid, event });
    arrivedAt = -1;
    return queued;
  }

  /** Resolves when no event is queued or running and the view is flushed. */
  async settled(): Promise<void> {
    await this.#events?.whenIdle();
    await Promise.resolve();
  }

  /** Renders if dirty and sends one Patches frame when anything changed (not while pending). */
  flush(): void {
    if (this.state !== SessionState.Attached && this.state !== SessionState.Detached) return;
    this.#render();
  }

  /**
   * Sends `patch` with the next frame, after the view's own patches of that render: for
   * features that change the DOM without a host tree of their own (streams). It must
   * address elements the view renders.
   */
  queuePatch(patch: Patch): void {
    if (this.#queued === NO_PATCHES) this.#queued = [];
    this.#queued.push(patch);
    this.markDirty();
  }

  /** Renders if dirty into the history (and the socket, when attached). */
  #render(): void {
    const root = this.#root;
    if (root === undefined || (!root.dirty && !this.#owed && this.#queued.length === 0)) return;
    const out = takePatchList();
    try {
      this.#flushInto(root, out);
    } finally {
      releasePatchList(out);
    }
  }

  #flushInto(root: SessionView, out: Patch[]): void {
    try {
      root.flush(out);
    } catch (err) {
      const code = codeOf(err, E.render_error);
      this.#services.logger.error(
        {
          err,
          code,
          session_id: this.id,
          request_id: this.requestId,
          route: this.route,
          component_stack: (err as { componentStack?: unknown }).componentStack,
        },
        "render failed",
      );
      // The view keeps its last good tree; the next render that succeeds catches up.
      this.#failedRenders++;
      this.#send(encodeErrorFrame(code, false, 0, this.#report(err, code)));
      return;
    }
    if (this.#queued.length > 0) {
      for (const p of this.#queued) out.push(p);
      this.#queued = NO_PATCHES;
    }
    // An optimistic event's answer: a frame (empty if need be) that carries its cseq.
    if (out.length === 0 && !this.#owed) return;
    this.#owed = false;
    this.seq++;
    let frame: Uint8Array;
    try {
      frame = encodePatches(this.seq, this.processedCseq, out);
    } catch (err) {
      this.seq--;
      this.#services.logger.error({ err, session_id: this.id }, "patch encoding failed");
      this.sendError(E.encode_invalid, false);
      return;
    }
    this.#patchesSent += out.length;
    this.#services.metrics?.patchesSent(1);
    this.#history.push(this.seq, frame);
    this.#sendUpdate(frame);
    this.#services.changed?.(this);
  }

  /**
   * The checkpoint of the page this session shows (`undefined` when its view cannot be
   * persisted).
   */
  checkpoint(): Checkpoint | undefined {
    if (this.state === SessionState.Closed) return undefined;
    if (this.#root === undefined) return this.#parkedCheckpoint();
    const snap = this.#root.snapshot?.();
    if (snap === undefined) return undefined;
    return {
      v: CHECKPOINT_VERSION,
      sid: this.sid,
      url: snap.url,
      seq: this.seq,
      cseq: this.processedCseq,
      userId: this.userId,
      fence: this.fence,
      state: snap.state,
      hids: snap.hids,
      hash: snap.hash,
    };
  }

  /**
   * Keeps what the page shows now — its checkpoint, as `userId`'s page, taken at this
   * call — for a later page load of the same browser to start from: the page request
   * that names its key (`HAND_OFF_LOCAL`, set by a middleware) at the same URL, for the
   * same user, is rendered with its persisted values. The key, or `undefined` when there
   * is nothing to keep (persistence off) or the store failed.
   * @example const key = await session.handOff(user.id);
   */
  handOff(userId: string | undefined): Promise<string | undefined> {
    const cp = this.checkpoint();
    const keep = this.#services.handOff;
    if (cp === undefined || keep === undefined) return Promise.resolve(undefined);
    return keep.call(this.#services, { ...cp, userId });
  }

  /** Picks up the seqs a checkpoint reflects (a session rebuilt in this process). */
  restoreSeqs(seq: number, cseq: number): void {
    this.seq = seq;
    this.lastCseq = cseq;
    this.processedCseq = cseq;
  }

  /**
   * Persistence found a checkpoint with a greater fence in the store: the session was
   * resumed on another instance, which holds its tab now (this process had not seen the
   * socket drop, or kept the session detached). This copy ends without a checkpoint, so
   * it can no longer run timers, hold memory or be resumed here with stale state; its
   * checkpoint stays the other instance's.
   */
  superseded(): void {
    if (this.state === SessionState.Closed) return;
    this.#services.logger.info(
      { session_id: this.id, code: E.session_expired },
      "session resumed on another instance: this copy ends",
    );
    this.dispose(E.session_expired);
  }

  /** Components whose state could not be checkpointed: logged; in devMode also shown. */
  stateSkipped(skipped: readonly SkippedState[]): void {
    for (const { path, error } of skipped) {
      this.#services.logger.warn(
        { code: error.code, path, state_path: error.path, session_id: this.id },
        "state not persisted",
      );
    }
    if (this.#services.devMode) {
      const text = skipped.map((s) => `${s.error.code}: ${s.path}: ${s.error.message}`).join("\n");
      this.#send(encodeErrorFrame(E.state_unserializable, false, 0, text));
    }
  }

  /**
   * Sends a new Patches frame, unless updates are held back: then, or when more than
   * `maxBufferedBytes` already wait, it stays in the history only and the drain watch
   * catches the client up once the backlog halved.
   */
  #sendUpdate(frame: Uint8Array): void {
    const t = this.#transport;
    if (t === undefined || (this.#watch !== undefined && this.#watch.held !== NOT_HELD)) return;
    if (t.bufferedAmount > this.#services.limits.maxBufferedBytes) {
      this.#watchBacklog(t).held = this.seq - 1;
      return;
    }
    this.#send(frame);
  }

  /** Sends an Error frame (when attached). */
  sendError(code: ErrorCode, fatal: boolean): void {
    this.#send(encodeErrorFrame(code, fatal));
  }

  /** Sends raw frame bytes when attached; `false` when not sent or the client was dropped. */
  send(frame: Uint8Array): boolean {
    return this.#send(frame);
  }

  /**
   * Disposes the view and drops everything; idempotent. An attached transport gets a
   * Close frame with `reason` and is closed with the registry's close code.
   */
  dispose(reason: ErrorCode = E.session_expired): void {
    const prev = this.state;
    if (prev === SessionState.Closed) return;
    this.state = SessionState.Closed;
    this.#events?.close();
    this.data.clear();
    this.#frames?.clear();
    this.#stopWatch();
    const t = this.#transport;
    this.#transport = undefined;
    if (t !== undefined) {
      t.send(encodeCloseFrame(reason));
      closeWith(t, reason);
    }
    this.#parked = undefined;
    this.#parkedCp = undefined;
    this.#building?.abort();
    try {
      this.#root?.dispose();
    } catch (err) {
      this.#services.logger.error({ err, session_id: this.id }, "dispose failed");
    }
    this.#services.onClosed(this, prev, reason);
  }

  /**
   * Sends raw frame bytes when attached. A backlog left behind, or a large frame (which
   * the kernel may take whole), starts the drain watch.
   */
  #send(frame: Uint8Array): boolean {
    const t = this.#transport;
    if (t === undefined) return false;
    let w = this.#watch;
    if (w === undefined && frame.byteLength >= WATCH_FRAME_BYTES) w = this.#watchBacklog(t);
    t.send(frame);
    if (w !== undefined) w.sent(frame.byteLength, performance.now());
    else if (t.bufferedAmount > 0) this.#watchBacklog(t);
    return true;
  }

  #watchBacklog(t: Transport): DrainWatch {
    let w = this.#watch;
    if (w === undefined) {
      const rate = this.#services.limits.minDrainRate;
      w = this.#watch = new DrainWatch(t.bufferedAmount, performance.now(), rate);
    }
    if (w.timer === undefined) {
      w.timer = setTimeout(Session.#sampleDrain, DRAIN_SAMPLE_MS, this);
      w.timer.unref();
    }
    return w;
  }

  #stopWatch(): void {
    const w = this.#watch;
    if (w?.timer !== undefined) clearTimeout(w.timer);
    this.#watch = undefined;
  }

  // A static timer callback (the timer passes the session): no closure per sample.
  static #sampleDrain(s: Session): void {
    const t = s.#transport;
    const w = s.#watch;
    if (w !== undefined) w.timer = undefined;
    if (t === undefined || w === undefined || s.state === SessionState.Closed) return;
    const verdict = w.sample(t.bufferedAmount, performance.now());
    if (verdict === Drain.Slow) {
      s.#slowCut(t);
      return;
    }
    const held = w.held;
    if (held === NOT_HELD) {
      if (verdict === Drain.Clear) {
        s.#watch = undefined;
        return;
      }
    } else if (t.bufferedAmount <= s.#services.limits.maxBufferedBytes / 2) {
      w.held = NOT_HELD;
      s.#catchUp(held === HELD_FULL ? undefined : s.#history.since(held, s.seq));
      // A full resync that cannot be encoded disposes the session.
      if (s.#transport !== t) return;
    }
    s.#watchBacklog(t);
  }

  /**
   * The socket drained too slowly: closed as `slow_consumer` (resumable), or, when the
   * client had not yet caught up since the previous such cut, the session ends with
   * `catch_up_too_slow` (the browser reloads the page instead of reconnecting into the
   * same catch-up).
   */
  #slowCut(t: Transport): void {
    const ending = this.#strikeSeq > 0;
    const code = ending ? E.catch_up_too_slow : E.slow_consumer;
    this.#services.logger.warn(
      { session_id: this.id, code, buffered: t.bufferedAmount },
      ending ? "client cannot catch up" : "slow consumer",
    );
    if (ending) {
      this.dispose(code);
    } else {
      this.#strikeSeq = Math.max(this.seq, 1);
      this.detach(t);
      closeWith(t, code);
    }
    // The close frame waits behind the unread data; do not hold it for ws's 30 s.
    setTimeout(terminate, SLOW_CLOSE_GRACE_MS, t).unref();
  }

  // Shared by every session's queue (the queue passes the session): no closures.
  static #runQueued(q: QueuedEvent, s: Session): void | Promise<void> {
    return s.#runEvent(q);
  }

  static #queuedFailed(err: unknown, _q: QueuedEvent, s: Session): void {
    s.#services.logger.error({ err, session_id: s.id, request_id: s.requestId }, "event failed");
  }

  /** Runs one event; returns a promise only when its handler (or a middleware) is async. */
  #runEvent(q: QueuedEvent): void | Promise<void> {
    if (this.state === SessionState.Closed) return;
    // Parked: the view is built again first (later events wait in the queue).
    if (this.#root === undefined && this.#parked !== undefined) {
      return this.wake().then(() => this.#runEvent(q));
    }
    this.processedCseq = q.cseq;
    const root = this.root;
    const name = domEventName(q.event);
    const binding = root.handler(q.hid, name);
    // A missing binding is a normal race (element removed by a patch in flight).
    if (binding === undefined) return;
    if (root.owesAnswer?.(q.hid, name) === true) this.#owed = true;
    const ctx: EventContext = {
      sessionId: this.id,
      route: this.route,
      eventName: name,
      hid: q.hid,
      cseq: q.cseq,
      event: q.event,
      payload: toPayload(q.event, q.hid),
      binding,
      session: this,
      userId: this.userId,
      patchCount: 0,
    };
    // Timed for the metrics only; one run at once from `enqueue` starts at the clock read there.
    let t0 = arrivedAt;
    arrivedAt = -1;
    if (t0 < 0) t0 = this.#services.metrics === undefined ? 0 : performance.now();
    const failed0 = this.#failedRenders;
    let r: void | Promise<void>;
    this.#dispatching = true;
    try {
      r = this.#services.runEvent(ctx);
    } catch (err) {
      this.#dispatching = false;
      this.#handlerFailed(err, ctx);
      r = undefined;
    }
    this.#dispatching = false;
    if (r !== undefined && r !== SETTLED) {
      // Writes before the handler's first await render now, not when it settles.
      if (this.#root?.dirty === true) scheduleFlush(this);
      return this.#settleEvent(r, ctx, t0, failed0);
    }
    this.#eventDone(ctx, t0, failed0);
  }

  async #settleEvent(
    r: Promise<void>,
    ctx: EventContext,
    t0: number,
    failed0: number,
  ): Promise<void> {
    try {
      await r;
    } catch (err) {
      this.#handlerFailed(err, ctx);
    }
    this.#eventDone(ctx, t0, failed0);
  }

  #handlerFailed(err: unknown, ctx: EventContext): void {
    if (this.#root?.recover?.(err) === true) return;
    this.#services.logger.error(
      {
        err,
        session_id: this.id,
        request_id: this.requestId,
        route: this.route,
        event: ctx.eventName,
        hid: ctx.hid,
      },
      "event handler failed",
    );
    // Signals written before the throw render first; the error frame follows them.
    this.flush();
    this.#send(
      encodeErrorFrame(E.handler_error, false, ctx.cseq, this.#report(err, E.handler_error)),
    );
  }

  /** What an Error frame may tell the browser about `err`: a report in devMode, else nothing. */
  #report(err: unknown, code: ErrorCode): string {
    return this.#services.devMode ? formatReport(describeError(err, code)) : "";
  }

  /** `failed0`: failed renders before the event (one that failed during it has reported). */
  #eventDone(ctx: EventContext, t0: number, failed0: number): void {
    // Retrying a render that failed during this event would only repeat its error frame.
    if (this.#failedRenders === failed0) this.flush();
    this.#services.metrics?.eventObserved(ctx.event.type, (performance.now() - t0) / 1000);
  }
}

/**
 * While an event runs at once from `enqueue` (its session's queue was idle), the clock
 * read made there, taken by the event as its start; -1 otherwise. A hand-off within one
 * synchronous call, so it is one variable for all sessions, not a field of each.
 */
let arrivedAt = -1;

/** The empty patch list shared by sessions with nothing queued (replaced on the first push). */
const NO_PATCHES: Patch[] = [];
const UTF8_DECODER = new TextDecoder();
const UTF8_ENCODER = new TextEncoder();

/** How long a slow consumer gets to read its close frame before the socket is cut. */
const SLOW_CLOSE_GRACE_MS = 2_000;

function terminate(t: Transport): void {
  t.terminate();
}

function codeOf(err: unknown, fallback: ErrorCode): ErrorCode {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === "string" && c in E ? (c as ErrorCode) : fallback;
}
