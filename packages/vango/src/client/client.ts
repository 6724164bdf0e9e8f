/**
 * The live connection: one WebSocket, handshake and resume, patches applied in seq
 * order and acked, events sent with increasing cseq, reconnect with backoff.
 *
 * Events made while disconnected wait in a bounded outbox (the newest `OUTBOX_MAX`;
 * dropping the oldest logs a warning) and are sent after the resume. Sent events stay
 * in the outbox until a Patches frame (or the handshake reply's `lastCseq`) shows the
 * server processed them, so a drop between send and processing loses nothing; the
 * server discards duplicate cseqs.
 */
import { decodeServerFrame, encodeClientFrame } from "../protocol/client-codec.ts";
import {
  CloseCode,
  EventType,
  Feature,
  FrameType,
  PROTOCOL_VERSION,
} from "../protocol/constants.ts";
import { ErrorCode } from "../protocol/error-code.ts";
import type { ClientEvent } from "../protocol/events.ts";
import type {
  ClientFrame,
  EventFrame,
  HandshakeReplyFrame,
  PatchesFrame,
  ServerFrame,
} from "../protocol/frame.ts";
import { backoffDelay } from "./backoff.ts";
import { createDelegation, type Delegation } from "./delegation.ts";
import type { DomCtx } from "./dom-ctx.ts";
import { createHidMap } from "./hid-map.ts";
import { createNavigation } from "./navigation.ts";
import { applyPatches } from "./patch-apply.ts";
import { serialize, toJson } from "./payload.ts";
import { resync } from "./resync.ts";
import { type Status, showStatus } from "./status.ts";

/** The `#vango-boot` JSON the server embeds in the page. */
export interface Boot {
  readonly v: number;
  /** WebSocket path, e.g. "/_vango/ws". */
  readonly ws: string;
  readonly token: string;
  readonly csrf: string;
  /** URL of the hook runtime chunk, injected once the DOM holds a hooked or optimistic element. */
  readonly h?: string;
}

export interface VangoClient {
  readonly status: Status;
  /** Seq of the last applied Patches/FullResync frame. */
  readonly seq: number;
  readonly ws: WebSocket | null;
  /**
   * Server clock minus this browser's clock in ms, measured at the last handshake reply
   * (0 before it); `Date.now() + clockOffset` approximates the server's time.
   */
  readonly clockOffset: number;
  /** The cseq of the last event this client made. */
  readonly cseq: number;
  /** The highest cseq the server said it processed. */
  readonly handled: number;
  /** Sends a `Hook` event for element `hid` (0 = document). */
  hook(hid: number, name: string, payload: unknown): void;
  /** Closes the socket for good and removes all listeners. */
  stop(): void;
}

/** Events kept for sending/resending at most. */
export const OUTBOX_MAX = 100;
/**
 * Consecutive failed connects (or connections cut before {@link HEALTHY_MS}) after which
 * the status is `offline` (still retrying).
 */
export const OFFLINE_AFTER = 4;
/**
 * Acks are coalesced: at most one per `ACK_MS`, carrying the highest seq applied. Only
 * the server's resend history waits on them (a resume names its own last seq), and a
 * busy server reads half as many messages as with one ack per frame.
 */
export const ACK_MS = 1000;
/**
 * A connection counts as healthy, and the backoff starts over, only once it stayed up
 * this long after its handshake reply. Resetting at the reply itself turned a server
 * that accepts and then cuts the socket (a catch-up too big for the link, a crash in
 * the first frames) into a tight reconnect loop: 10 cycles in 45 s were seen.
 */
export const HEALTHY_MS = 10_000;
/** Codes after which only a fresh page can help: the session (or this client) is gone. */
const GONE = new Set<string>([
  ErrorCode.session_expired,
  ErrorCode.session_not_found,
  ErrorCode.resume_invalid,
  ErrorCode.version_unsupported,
  ErrorCode.catch_up_too_slow,
]);
const GONE_CLOSE = new Set<number>([
  CloseCode.SessionGone,
  CloseCode.ResumeInvalid,
  CloseCode.VersionUnsupported,
]);

/**
 * @example
 * const client = startClient(document, JSON.parse(bootScript.textContent));
 * document.addEventListener("vango:status", (e) => console.log(e.detail.status));
 */
export function startClient(doc: Document, boot: Boot): VangoClient {
  const win = doc.defaultView!;
  const loc = win.location;
  const url = (loc.protocol === "https:" ? "wss:" : "ws:") + "//" + loc.host + boot.ws;
  const outbox: EventFrame[] = [];
  /** Form hid → cseq of its last submit event. */
  const submits = new Map<number, number>();
  let ws: WebSocket | null = null;
  let status: Status | undefined;
  let seq = 0;
  let acked = 0;
  let cseq = 0;
  let token = boot.token;
  let ready = false;
  let everReady = false;
  let failures = 0;
  /** `Date.now()` of the last handshake reply (0: none on this socket). */
  let upAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ackQueued = false;
  /** Resync asked and not yet answered: 0 none, 1 the missed frames, 2 the whole view. */
  let asked = 0;
  let stopped = false;
  /** `Feature` bits the server granted in the last handshake reply. */
  let features = 0;
  let clockOffset = 0;

  const ctx: DomCtx = {
    doc,
    hids: createHidMap(doc),
    listen: (spec) => deleg.listen(spec),
    muted: false,
    processed: 0,
    typed: null,
    typedCseq: 0,
  };

  /** Injects the hook runtime chunk (once) when the DOM first needs it. */
  let runtime = boot.h;
  const hooks = (): void => {
    if (runtime && doc.querySelector("[data-vh],[data-vo]")) {
      doc.head.append(Object.assign(doc.createElement("script"), { src: runtime }));
      runtime = "";
    }
  };

  const setStatus = (s: Status): void => {
    if (s === status) return;
    status = s;
    showStatus(doc, s);
  };

  /**
   * Sends on the socket while it is open. Once the server's close frame is in (CLOSING),
   * the browser would drop the bytes and log an error: events wait in the outbox for the
   * next socket instead, and nothing else needs to arrive on this one.
   */
  const send = (f: ClientFrame): void => {
    if (ws!.readyState === 1) ws!.send(encodeClientFrame(f));
  };

  /** Returns the event's cseq, or 0 when it was dropped (a form's submit still pending). */
  const push = (hid: number, event: ClientEvent): number => {
    if (event.type === EventType.Submit) {
      // A second submit of a form whose first the server has not processed: ignored.
      if ((submits.get(hid) ?? 0) > ctx.processed) return 0;
      submits.set(hid, cseq + 1);
    }
    const f: EventFrame = { type: FrameType.Event, cseq: ++cseq, hid, event };
    if (event.type === EventType.Input || event.type === EventType.Change) {
      ctx.typed = doc.activeElement;
      ctx.typedCseq = f.cseq;
    }
    outbox.push(f);
    if (outbox.length > OUTBOX_MAX) {
      outbox.shift();
      if (!ready) console.warn("vango: offline, oldest queued event dropped");
    }
    if (ready) send(f);
    return f.cseq;
  };

  const deleg: Delegation = createDelegation(ctx, serialize, push);
  /** Live navigation (links, back/forward) while the socket is ready; page loads otherwise. */
  const nav = createNavigation(doc, (path, replace) =>
    ready ? push(0, { type: EventType.Navigate, path, replace }) : 0,
  );

  /** Drops outbox events the server has processed. */
  const processed = (upTo: number): void => {
    ctx.processed = upTo;
    while (outbox.length > 0 && outbox[0]!.cseq <= upTo) outbox.shift();
  };

  const ack = (): void => {
    ackQueued = false;
    if (ready && seq > acked) {
      acked = seq;
      send({ type: FrameType.Ack, seq });
    }
  };

  const applied = (s: number): void => {
    seq = s;
    asked = 0;
    if (!ackQueued) {
      ackQueued = true;
      setTimeout(ack, ACK_MS);
    }
  };

  /**
   * Asks once for what follows `seq`: the missed frames after a gap, or (`full`) the
   * whole view after a frame failed to apply, since resending that frame would fail
   * again. A full request may follow a plain one that has not been answered yet.
   */
  const askResync = (full: boolean): void => {
    const level = full ? 2 : 1;
    if (asked < level) {
      asked = level;
      send({ type: FrameType.ResyncRequest, lastSeq: seq, full });
    }
  };

  const reload = (): void => {
    stopped = true;
    ws?.close();
    loc.reload();
  };

  const onReply = (f: HandshakeReplyFrame): void => {
    if (f.status !== "ok") {
      if (GONE.has(f.status)) reload();
      else ws!.close();
      return;
    }
    ready = true;
    upAt = Date.now();
    features = f.features;
    clockOffset = f.serverTime - Date.now();
    if (f.resumeToken) token = f.resumeToken;
    // `nextSeq` is the seq of the first frame after the reply: the frames we missed
    // (renders made before this socket came included), or a full resync.
    seq = f.nextSeq - 1;
    // Not resumed after a drop: a new session, which knows none of our events.
    if (!f.resumed && everReady) {
      outbox.length = 0;
      cseq = f.lastCseq;
    }
    acked = seq;
    everReady = true;
    processed(f.lastCseq);
    for (const e of outbox) send(e);
    setStatus("connected");
  };

  const onPatches = (f: PatchesFrame): void => {
    if (f.seq <= seq) return;
    if (f.seq !== seq + 1) {
      askResync(false);
      return;
    }
    processed(f.cseq);
    try {
      applyPatches(ctx, f.patches);
    } catch {
      askResync(true);
      return;
    }
    doc.documentElement.classList.remove("vango-error");
    hooks();
    applied(f.seq);
    nav.applied(f.cseq);
  };

  const onFrame = (f: ServerFrame): void => {
    switch (f.type) {
      case FrameType.HandshakeReply:
        onReply(f);
        break;
      case FrameType.Patches:
        onPatches(f);
        break;
      case FrameType.FullResync:
        if (f.seq > seq) {
          resync(ctx, f.root);
          deleg.scan(doc.documentElement);
          hooks();
          applied(f.seq);
          // RESYNC_EVENT, for the form recovery chunk: typed values the rebuilt view lacks
          // go back. (A literal: importing the constant renames the bundle's variables,
          // which costs ~45 B of brotli.)
          doc.dispatchEvent(new Event("vango:resync"));
        }
        break;
      case FrameType.Ping:
        send({ type: FrameType.Pong, nonce: f.nonce });
        break;
      case FrameType.Close:
        if (GONE_CLOSE.has(f.code)) reload();
        break;
      case FrameType.Error:
        if (f.fatal && GONE.has(f.code)) reload();
        else {
          // A status class for styles (the next good frame removes it) and the coded event.
          doc.documentElement.classList.add("vango-error");
          doc.dispatchEvent(new CustomEvent("vango:error", { detail: f }));
        }
    }
  };

  const onClose = (s: WebSocket, code: number): void => {
    if (s !== ws) return;
    ws = null;
    ready = false;
    if (upAt && Date.now() - upAt >= HEALTHY_MS) failures = 0;
    upAt = 0;
    if (stopped) return;
    // Without `Resume` the server drops the session with the socket: only a new page helps.
    if (GONE_CLOSE.has(code) || (everReady && !(features & Feature.Resume))) {
      reload();
      return;
    }
    failures++;
    setStatus(failures >= OFFLINE_AFTER || navigator.onLine === false ? "offline" : "reconnecting");
    timer = setTimeout(connect, backoffDelay(failures - 1));
  };

  const connect = (): void => {
    timer = undefined;
    if (!status) setStatus("connecting");
    const s = new WebSocket(url);
    ws = s;
    s.binaryType = "arraybuffer";
    s.onopen = () =>
      send({
        type: FrameType.Handshake,
        version: PROTOCOL_VERSION,
        csrf: boot.csrf,
        resumeToken: token,
        lastSeq: seq,
        viewport: { w: win.innerWidth | 0, h: win.innerHeight | 0 },
        tzOffset: new Date().getTimezoneOffset(),
        features: Feature.Resume | Feature.PatchHistory | Feature.Hooks,
      });
    s.onmessage = (m: MessageEvent) => {
      if (s !== ws) return;
      let f: ServerFrame;
      try {
        f = decodeServerFrame(new Uint8Array(m.data as ArrayBuffer));
      } catch {
        // Undecodable bytes: this socket cannot be trusted any further; resume afresh.
        s.close(CloseCode.Malformed);
        return;
      }
      onFrame(f);
    };
    s.onclose = (e: CloseEvent) => onClose(s, e.code);
  };

  // Back online: retry now instead of waiting out the backoff.
  const online = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      connect();
    }
  };
  // Leaving the page for good: tell the server so it frees the session at once.
  const pagehide = (e: PageTransitionEvent): void => {
    if (e.persisted || !ready) return;
    send({ type: FrameType.Close, code: CloseCode.GoingAway, reason: "" });
    stopped = true;
  };
  win.addEventListener("online", online);
  win.addEventListener("pagehide", pagehide);

  deleg.scan(doc.documentElement);
  hooks();
  connect();

  return {
    get status() {
      return status!;
    },
    get seq() {
      return seq;
    },
    get ws() {
      return ws;
    },
    get clockOffset() {
      return clockOffset;
    },
    get cseq() {
      return cseq;
    },
    get handled() {
      return ctx.processed;
    },
    hook(hid, name, payload) {
      push(hid, { type: EventType.Hook, name, payload: toJson(payload) });
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      win.removeEventListener("online", online);
      win.removeEventListener("pagehide", pagehide);
      deleg.dispose();
      nav.dispose();
      ws?.close();
      ws = null;
    },
  };
}
