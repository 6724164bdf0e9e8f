/**
 * Built-in `Upload` (put on an `<input type="file">` by `useUpload().input()`): sends the
 * chosen files over the page's own socket, so they reach the instance that holds the
 * session wherever a load balancer sends other requests.
 *
 * - **Announce**: the selection (names, sizes, types) is an `upload` event on the input;
 *   the field answers with the `accepted` call — an id and a start offset per accepted
 *   file, the chunk size and the window. Refused as `rate_limited`, the announcement is
 *   sent again after a growing pause (five tries); given up, the input gets a
 *   `vango:upload-error` event (detail `{ names, code }`).
 * - **Chunks**: Data frames on the client's socket (`window.__vango.ws`), each file's
 *   chunks in order, while fewer than `window` chunks are unacknowledged. The window
 *   adapts to how fast acks come back: it grows while a chunk's ack takes less than
 *   {@link TARGET_MS} and shrinks when it takes twice that, so the page's own events
 *   never wait long behind file bytes on a slow link.
 * - **Reconnects**: nothing is sent while the socket is down or closing; once it is back,
 *   the running uploads are announced again with their ids and continue from the offsets
 *   the server answers (or start over under a new id, when the session was rebuilt
 *   elsewhere). Announcements still unanswered are sent again under their numbers: an
 *   instance that stopped after taking one never answers it, and the field answers a
 *   number it knows with the same uploads. When the rebuilt page's full resync replaces
 *   the input, this hook hands its files and pending announcements over to the new
 *   input's hook (same `data-vh-k`).
 * - **Giving up**: a file that cannot be read, or whose acks stop for {@link STALL_MS}
 *   three times in a row (each time after a re-announcement), is given up: an `abort`
 *   event tells the server, which marks the entry failed (`upload_aborted`).
 * - **Cancel**: a click on a `useUpload().cancelButton(id)` button stops the file at once
 *   (a read in progress is discarded, nothing more is sent) and tells the server; a
 *   server-side `cancel` (or any end short of done) reaches the hook as the `stop` call.
 *
 * Progress, results and refusals are the server's to render.
 */
import { ATTR_HOOK_KEY, RESYNC_EVENT } from "../../protocol/dom-attrs.ts";
import { encodeDataFrame } from "../../protocol/frame-data.ts";
import {
  type AcceptedCall,
  ATTR_UPLOAD_CANCEL,
  UPLOAD_EVENT,
  UploadCall,
  UploadOp,
} from "../../protocol/upload-messages.ts";
import { defineHook } from "./define.ts";

/** An ack that comes back faster than this widens the window; slower than twice this narrows it. */
export const TARGET_MS = 250;
/** Unacknowledged bytes and no ack for this long, while connected: the upload is re-announced. */
export const STALL_MS = 20_000;
/** First pause before an announcement refused as `rate_limited` is sent again (doubling). */
export const RETRY_MS = 1000;
const TRIES = 5;
const STALLS = 3;

interface Sending {
  readonly file: File;
  readonly id: string;
  /** Bytes the server wrote. */
  acked: number;
  /** Next offset to read and send. */
  sent: number;
  /** Bumped when `sent` is reset: a read started before is stale. */
  gen: number;
  /** Waiting for the answer to a re-announcement: nothing is sent. */
  paused: boolean;
  stopped: boolean;
  /** Send time of each unacknowledged chunk, by its end offset. */
  readonly stamps: Map<number, number>;
  /** Stalls in a row. */
  stalls: number;
  stall: ReturnType<typeof setTimeout> | undefined;
  wake: (() => void) | undefined;
}

interface Waiting {
  readonly files: File[];
  /** The upload each file resumes (re-announcement). */
  readonly ids: (string | undefined)[];
  readonly cseq: number;
  readonly tries: number;
}

/** What a hook whose input a full resync replaced hands to the hook of the new input. */
interface Handover {
  readonly files: { readonly file: File; readonly id: string }[];
  readonly waiting: [number, Waiting][];
}

declare global {
  interface Window {
    /** Uploads in flight of inputs a full resync replaced, by hook key (`data-vh-k`). */
    __vangoUploads?: Map<string, Handover>;
  }
}

/** How long a handover waits for the new input's hook (it mounts in the same task). */
const HANDOVER_MS = 5000;
/** Announcement numbers, unique in the page: an answer may reach the hook that took over. */
let n = 0;

export default defineHook<null>((ctx) => {
  const input = ctx.el as HTMLInputElement;
  const doc = input.ownerDocument;
  const w = doc.defaultView!;
  const sending = new Map<string, Sending>();
  /** Ids this input's uploads ever had (a cancel click for another field's is not ours). */
  const mine = new Set<string>();
  const waiting = new Map<number, Waiting>();
  const key = input.getAttribute(ATTR_HOOK_KEY);
  let chunk = 65536;
  let max = 2;
  /** Chunks that may be unacknowledged (all files together), between 1 and `max`. */
  let win = 2;
  let down = false;
  /** A full resync just replaced the page: a destroy now is the input being replaced. */
  let resynced = false;

  const client = () => w.__vango;
  /** Connected, and the socket open (not closing: the browser would drop what is sent). */
  const ready = (): boolean => client()?.status === "connected" && client()!.ws?.readyState === 1;
  const wake = (s: Sending): void => {
    const f = s.wake;
    s.wake = undefined;
    f?.();
  };
  const inFlight = (): number => {
    let b = 0;
    for (const s of sending.values()) b += s.sent - s.acked;
    return b;
  };

  /** `k`: the number of an announcement sent again. */
  const announce = (files: File[], ids: (string | undefined)[], tries = 0, k = ++n): void => {
    ctx.pushEvent(UPLOAD_EVENT, {
      op: UploadOp.Announce,
      n: k,
      files: files.map((f, i) => ({ name: f.name, size: f.size, type: f.type, id: ids[i] })),
    });
    waiting.set(k, { files, ids, cseq: client()?.cseq ?? 0, tries });
  };

  /** Stops `s` here; `tell`: the server learns it with that op. */
  const stop = (s: Sending, tell?: typeof UploadOp.Cancel | typeof UploadOp.Abort): void => {
    s.stopped = true;
    s.gen++;
    clearTimeout(s.stall);
    sending.delete(s.id);
    wake(s);
    if (tell !== undefined) ctx.pushEvent(UPLOAD_EVENT, { op: tell, id: s.id });
    for (const o of sending.values()) wake(o);
  };

  /** Re-announces `list` (after a reconnect or a stall): they wait for the answer. */
  const resume = (list: Sending[]): void => {
    for (const s of list) {
      s.paused = true;
      s.gen++;
    }
    if (list.length > 0) {
      announce(
        list.map((s) => s.file),
        list.map((s) => s.id),
      );
    }
  };

  const armStall = (s: Sending): void => {
    clearTimeout(s.stall);
    s.stall = undefined;
    if (s.sent <= s.acked || s.stopped) return;
    s.stall = setTimeout(() => {
      if (!ready() || s.stopped) return;
      if (++s.stalls >= STALLS) {
        console.warn(`vango: upload of ${s.file.name} given up (no progress)`);
        stop(s, UploadOp.Abort);
      } else resume([s]);
    }, STALL_MS);
  };

  const run = async (s: Sending): Promise<void> => {
    const size = s.file.size;
    while (!s.stopped && s.acked < size) {
      if (s.paused || s.sent >= size || inFlight() >= win * chunk || !ready()) {
        await new Promise<void>((r) => {
          s.wake = r;
        });
        continue;
      }
      const at = s.sent;
      const end = Math.min(at + chunk, size);
      const gen = s.gen;
      s.sent = end;
      let bytes: ArrayBuffer;
      try {
        bytes = await s.file.slice(at, end).arrayBuffer();
      } catch {
        // Changed or removed on disk since it was chosen.
        if (!s.stopped) {
          console.warn(`vango: upload of ${s.file.name} given up (the file cannot be read)`);
          stop(s, UploadOp.Abort);
        }
        return;
      }
      if (s.stopped) return;
      if (gen !== s.gen) continue;
      if (!ready()) {
        s.sent = at;
        continue;
      }
      client()!.ws!.send(encodeDataFrame(s.id, at, new Uint8Array(bytes)));
      s.stamps.set(end, performance.now());
      if (s.stall === undefined) armStall(s);
    }
  };

  /** Starts (or, resumed, continues) sending `file` as upload `id` from `at`. */
  const begin = (file: File, id: string, at: number, old: Sending | undefined): void => {
    if (old !== undefined && old.id === id) {
      old.sent = old.acked = at;
      old.gen++;
      old.paused = false;
      old.stamps.clear();
      armStall(old);
      if (at >= file.size) stop(old);
      else wake(old);
      return;
    }
    if (old !== undefined) stop(old);
    mine.add(id);
    if (at >= file.size) return;
    const s: Sending = {
      file,
      id,
      acked: at,
      sent: at,
      gen: 0,
      paused: false,
      stopped: false,
      stamps: new Map(),
      stalls: 0,
      stall: undefined,
      wake: undefined,
    };
    sending.set(id, s);
    void run(s);
  };

  const accepted = (p: AcceptedCall): void => {
    const wt = waiting.get(p.n);
    if (wt === undefined) return;
    waiting.delete(p.n);
    chunk = p.chunk;
    max = Math.max(1, p.window);
    win = Math.min(win, max);
    p.files.forEach((r, i) => {
      const old = wt.ids[i] === undefined ? undefined : sending.get(wt.ids[i]!);
      if ("id" in r) begin(wt.files[i]!, r.id, r.at, old);
      // Refused (or ended while we were away): the server renders why.
      else if (old !== undefined) stop(old);
    });
  };

  const ack = (p: { id: string; at: number }): void => {
    const s = sending.get(p.id);
    if (s === undefined || p.at <= s.acked) return;
    const t0 = s.stamps.get(p.at);
    for (const k of s.stamps.keys()) if (k <= p.at) s.stamps.delete(k);
    if (t0 !== undefined) {
      const took = performance.now() - t0;
      if (took < TARGET_MS) win = Math.min(max, win + 1);
      else if (took > 2 * TARGET_MS) win = Math.max(1, win - 1);
    }
    s.acked = p.at;
    s.stalls = 0;
    armStall(s);
    if (s.acked >= s.file.size) stop(s);
    else for (const o of sending.values()) wake(o);
  };

  const onChange = (): void => {
    const files = Array.from(input.files ?? []);
    if (files.length > 0) {
      announce(
        files,
        files.map(() => undefined),
      );
    }
  };

  const onStatus = (e: Event): void => {
    if ((e as CustomEvent<{ status: string }>).detail.status !== "connected") {
      down = true;
      return;
    }
    if (down) {
      down = false;
      const again = [...waiting];
      for (const [k, wt] of again) announce(wt.files, wt.ids, wt.tries, k);
      const covered = new Set(again.flatMap(([, wt]) => wt.ids));
      resume([...sending.values()].filter((s) => !covered.has(s.id)));
    } else for (const s of sending.values()) wake(s);
  };

  /** An announcement refused as `rate_limited` is sent again after a pause; given up after five. */
  const onError = (e: Event): void => {
    const f = (e as CustomEvent<{ code: string; cseq: number }>).detail;
    for (const [k, wt] of waiting) {
      if (wt.cseq !== f.cseq) continue;
      waiting.delete(k);
      if (f.code === "rate_limited" && wt.tries + 1 < TRIES) {
        setTimeout(() => announce(wt.files, wt.ids, wt.tries + 1), RETRY_MS << wt.tries);
        return;
      }
      const names = wt.files.map((x) => x.name);
      console.warn(`vango: upload of ${names.join(", ")} not announced (${f.code})`);
      for (const id of wt.ids) {
        const s = id === undefined ? undefined : sending.get(id);
        if (s !== undefined) stop(s);
      }
      input.dispatchEvent(
        new CustomEvent("vango:upload-error", { bubbles: true, detail: { names, code: f.code } }),
      );
    }
  };

  /** A click on a cancel button of one of ours: stopped here at once, then the server is told. */
  const onClick = (e: Event): void => {
    const b = (e.target as Element | null)?.closest?.(`[${ATTR_UPLOAD_CANCEL}]`);
    const id = b?.getAttribute(ATTR_UPLOAD_CANCEL);
    if (id == null || !mine.has(id)) return;
    const s = sending.get(id);
    if (s !== undefined) stop(s, UploadOp.Cancel);
    else ctx.pushEvent(UPLOAD_EVENT, { op: UploadOp.Cancel, id });
  };

  /**
   * A session rebuilt on another instance may not render the page the browser shows (the
   * upload entries are not persisted): the full resync replaces the input, and with it
   * this hook. What it was sending goes to the new input's hook, which announces it again.
   */
  const onResync = (): void => {
    resynced = true;
    setTimeout(() => {
      resynced = false;
    }, 0);
  };
  const handover = w.__vangoUploads?.get(key ?? "");
  if (handover !== undefined) {
    w.__vangoUploads!.delete(key!);
    for (const [k, wt] of handover.waiting) waiting.set(k, wt);
    const covered = new Set(handover.waiting.flatMap(([, wt]) => wt.ids));
    const rest = handover.files.filter((f) => !covered.has(f.id));
    if (rest.length > 0) {
      announce(
        rest.map((f) => f.file),
        rest.map((f) => f.id),
      );
    }
  } else if ((input.files?.length ?? 0) > 0) {
    // Files chosen while this hook's chunk was still loading fired their change event
    // before anyone listened: they go now, as if chosen at this moment.
    onChange();
  }

  input.addEventListener("change", onChange);
  doc.addEventListener(RESYNC_EVENT, onResync);
  doc.addEventListener("vango:status", onStatus);
  doc.addEventListener("vango:error", onError);
  doc.addEventListener("click", onClick);
  return {
    calls: {
      [UploadCall.Accepted]: accepted,
      [UploadCall.Ack]: ack,
      [UploadCall.Stop]: (p: { id: string }) => {
        const s = sending.get(p.id);
        if (s !== undefined) stop(s);
      },
    },
    destroyed() {
      if (resynced && key !== null && (sending.size > 0 || waiting.size > 0)) {
        w.__vangoUploads ??= new Map();
        const all = w.__vangoUploads;
        const h: Handover = {
          files: [...sending.values()].map((s) => ({ file: s.file, id: s.id })),
          waiting: [...waiting],
        };
        all.set(key, h);
        setTimeout(() => {
          if (all.get(key) === h) all.delete(key);
        }, HANDOVER_MS);
      }
      waiting.clear();
      for (const s of [...sending.values()]) stop(s);
      input.removeEventListener("change", onChange);
      doc.removeEventListener(RESYNC_EVENT, onResync);
      doc.removeEventListener("vango:status", onStatus);
      doc.removeEventListener("vango:error", onError);
      doc.removeEventListener("click", onClick);
    },
  };
});
