/**
 * Session persistence: when checkpoints are taken and where they go. A session that sent
 * a frame is checkpointed within `checkpointMs` of that frame; a session that loses its
 * socket is checkpointed at once; at shutdown every session is saved in one `saveAll`.
 *
 * One timer per app flushes the sessions that are due in waves: each session is due
 * `checkpointMs` after its first unsaved frame, and a wave takes every session due within
 * the next `checkpointMs / 10`. Sessions whose users act at different moments are thus
 * saved at different moments — 2,000 busy sessions cost ten waves of ~200 a second, not
 * one burst of 2,000 that every event behind it waits for. A session that ends for good (its tab closed, it
 * could not catch up) is deleted from the store; one that only leaves this process's
 * memory (resume window over, evicted, shutdown) stays there for `ttlMs`, so any
 * instance can resume it. While a session is in memory its checkpoint is kept from
 * expiring, also when its state stopped changing (see `keepAlive`).
 *
 * Every save carries the session's fence (`SessionStore.save`): a session resumed on
 * another instance saves with a greater one, so the copy its tab left here — this process
 * had not yet seen the socket drop, or keeps the session detached with its timers running
 * — cannot overwrite what that instance saved. The store refuses such a save, and the copy
 * is told it was superseded (`Persistable.superseded`: it ends, leaving the checkpoint).
 *
 * The store's failures never reach a request or an event: they are logged (once per
 * kind and minute), counted, and the session goes on; the store wrapper
 * (`ResilientSessionStore`) bounds how long a call may take.
 */
import { performance } from "node:perf_hooks";
import type { StateCodec } from "../../state/codec.ts";
import type { Logger } from "../core/logger.ts";
import { isTokenShaped, randomToken } from "../core/tokens.ts";
import {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  type SkippedState,
} from "./checkpoint.ts";
import type { SessionEntry, SessionStore } from "./session-store.ts";

/**
 * What a session gives persistence. Persistence keeps its marks on the session itself, not
 * in a WeakMap keyed by sessions: such a table grows with every session alive or not yet
 * collected, and V8 does not shrink it when the GC clears their entries — after
 * bench/load/churn.ts's 20,000 sessions it held 512 KB (40,000: 1 MB) with all of them gone.
 */
export interface Persistable {
  /** The session's key: its checkpoint's id in the store. */
  readonly key: string;
  readonly id: string;
  /**
   * Persistence's own: the fingerprint of what was last saved (state, URL, hids), if any;
   * negated while frames since then went unsaved because they changed none of it.
   */
  savedPrint: number | undefined;
  /** Persistence's own: it ended for good (checkpoint deleted), so a running flush skips it. */
  forgotten: boolean;
  /** The fence its checkpoints are saved with (`SessionStore.save`). */
  readonly fence: number;
  /** The checkpoint of the page it shows now (`undefined`: nothing to persist). */
  checkpoint(): Checkpoint | undefined;
  /** Told which components' values could not be persisted (devMode shows it). */
  stateSkipped(skipped: readonly SkippedState[]): void;
  /** Told the store kept a checkpoint with a greater fence: it was resumed elsewhere. */
  superseded(): void;
}

/** What persistence records into the app's metrics (`VangoMetrics` fits). */
export interface PersistenceMetrics {
  checkpointed(outcome: "ok" | "error", seconds: number): void;
  restored(source: "checkpoint" | "url", seconds: number): void;
}

export interface PersistenceConfig {
  readonly store: SessionStore;
  readonly codec: StateCodec;
  /** A session that sent a frame is checkpointed within this many ms. */
  readonly checkpointMs: number;
  /** How long a checkpoint outlives its last save, or its last keep-alive (`keepAlive`). */
  readonly ttlMs: number;
  readonly logger: Logger;
}

/**
 * Tells the sessions among `owners` whose keys the store refused (a greater fence: they
 * were resumed on another instance) that they are superseded.
 */
function supersede(owners: readonly Persistable[], refused: readonly string[]): void {
  if (refused.length === 0) return;
  const keys = new Set(refused);
  for (const s of owners) if (keys.has(s.key)) s.superseded();
}

/** Store ids of handed-off pages (apart from sessions' keys). */
const HAND_OFF_PREFIX = "handoff:";

/** Minimum ms between two log lines for the same kind of store failure. */
const LOG_EVERY_MS = 60_000;

/**
 * A flush encodes sessions until this many ms have passed (or `FLUSH_SLICE_MAX` sessions),
 * saves them with one `saveAll`, and yields to the event loop: an event that arrives
 * during a flush waits at most about this long for it.
 */
const FLUSH_SLICE_MS = 1;
const FLUSH_SLICE_MAX = 100;

/** A wave takes the sessions due within this fraction of `checkpointMs` (see above). */
const WAVE_FRACTION = 0.1;

/** Keep-alive: how many checkpoints' TTLs are set at once (each slice awaited before the next). */
const TOUCH_SLICE = 100;

export class Persistence {
  readonly codec: StateCodec;
  metrics: PersistenceMetrics | undefined = undefined;
  readonly #config: PersistenceConfig;
  /** Sessions with unsaved frames → when they are due (`performance.now()` ms), in that order. */
  readonly #changed = new Map<Persistable, number>();
  #timer: NodeJS.Timeout | undefined = undefined;
  #keepTimer: NodeJS.Timeout | undefined = undefined;
  /** A keep-alive pass is under way (a slow store never has two overlap). */
  #touching = false;
  #closed = false;
  readonly #loggedAt = new Map<string, number>();
  readonly #flushDue = (): void => this.#flushChanged();

  /** @example const p = new Persistence({ store, codec, checkpointMs: 1000, ttlMs: 600_000, logger }); */
  constructor(config: PersistenceConfig) {
    this.#config = config;
    this.codec = config.codec;
  }

  /** `s` sent a frame: checkpoint it within `checkpointMs`. */
  changed(s: Persistable): void {
    if (this.#changed.has(s)) return;
    this.#changed.set(s, performance.now() + this.#config.checkpointMs);
    this.#schedule();
  }

  /** Checkpoints `s` now (its socket dropped: another instance may be asked for it next). */
  async now(s: Persistable): Promise<void> {
    const entry = this.#entry(s, true);
    this.#changed.delete(s);
    if (entry === undefined) return;
    const t0 = performance.now();
    try {
      const saved = await this.#config.store.save(entry.id, entry.data, entry.ttlMs, entry.fence);
      this.metrics?.checkpointed("ok", (performance.now() - t0) / 1000);
      if (!saved) s.superseded();
    } catch (err) {
      this.metrics?.checkpointed("error", (performance.now() - t0) / 1000);
      this.#failed("save", err);
    }
  }

  /** `s` ended for good: its checkpoint goes too. */
  forget(s: Persistable): void {
    this.#changed.delete(s);
    s.forgotten = true;
    this.#config.store.delete(s.key).catch((err: unknown) => this.#failed("delete", err));
  }

  /** `s` leaves memory but may be resumed from the store: nothing pending for it stays queued. */
  dropped(s: Persistable): void {
    this.#changed.delete(s);
  }

  /** Checkpoints every session in `sessions` in one call (graceful shutdown). */
  async saveAll(sessions: Iterable<Persistable>): Promise<void> {
    this.#clearTimer();
    const entries: SessionEntry[] = [];
    const owners: Persistable[] = [];
    for (const s of sessions) {
      const e = this.#entry(s, true);
      if (e === undefined) continue;
      entries.push(e);
      owners.push(s);
    }
    this.#changed.clear();
    if (entries.length === 0) return;
    const t0 = performance.now();
    try {
      const refused = await this.#config.store.saveAll(entries);
      this.metrics?.checkpointed("ok", (performance.now() - t0) / 1000);
      supersede(owners, refused);
    } catch (err) {
      this.metrics?.checkpointed("error", (performance.now() - t0) / 1000);
      this.#failed("saveAll", err);
    }
  }

  /**
   * The checkpoint saved under `key`, or `undefined` (none, expired, unreadable — a
   * checkpoint another version wrote is discarded, never misread). Throws the store's
   * `store_unavailable` when the store cannot answer: the caller tells the client to
   * retry rather than dropping the session.
   */
  async load(key: string): Promise<Checkpoint | undefined> {
    const bytes = await this.#config.store.load(key);
    if (bytes === undefined) return undefined;
    try {
      return decodeCheckpoint(this.codec, bytes);
    } catch (err) {
      this.#failed("decode", err);
      return undefined;
    }
  }

  /**
   * Keeps `cp` under a new one-time key for `ttlMs`, for a later page load of the same
   * browser to start from (a page handed over a full page load: the login a live page
   * was sent to, and back); the key. Values the codec refuses are left out. Throws the
   * store's `store_unavailable`.
   */
  async handOff(cp: Checkpoint): Promise<string> {
    const key = randomToken();
    const { bytes } = encodeCheckpoint(this.codec, cp);
    await this.#config.store.save(HAND_OFF_PREFIX + key, bytes, this.#config.ttlMs);
    return key;
  }

  /**
   * The checkpoint handed off under `key` by the browser whose session cookie is `sid`,
   * once: it is deleted as it is taken. `undefined` for a key of another shape, none, one
   * taken already, or another browser's (left for its own: a key seen elsewhere cannot
   * spend it). Throws the store's `store_unavailable`.
   */
  async takeHandOff(key: string, sid: string): Promise<Checkpoint | undefined> {
    if (!isTokenShaped(key)) return undefined;
    const id = HAND_OFF_PREFIX + key;
    const cp = await this.load(id);
    if (cp === undefined || cp.sid !== sid) return undefined;
    await this.#config.store.delete(id);
    return cp;
  }

  /**
   * Keeps the checkpoints of the sessions `live()` returns from expiring while they are
   * in this process's memory: every half of `ttlMs`, each one's TTL is set again
   * (`touch`, which revives nothing deleted or expired), a hundred at a time. Without it
   * a session whose persisted state stopped changing — a tab left open, a page whose only
   * frames are a clock's — would lose its checkpoint `ttlMs` after its last change while
   * still open, and a crash would then cost that tab a reload instead of a resume. A
   * touch sets only the expiry, never the bytes: a stale copy held here cannot overwrite
   * what another instance saved since.
   * @example persistence.keepAlive(() => sessions.live());
   */
  keepAlive(live: () => readonly Persistable[]): void {
    if (this.#keepTimer !== undefined) return;
    this.#keepTimer = setInterval(
      () => void this.touchAll(live()),
      Math.max(1, this.#config.ttlMs / 2),
    );
    this.#keepTimer.unref();
  }

  /** One keep-alive pass over `sessions` (skipped while the previous one runs). */
  async touchAll(sessions: readonly Persistable[]): Promise<void> {
    if (this.#touching) return;
    this.#touching = true;
    try {
      const ttl = this.#config.ttlMs;
      for (let i = 0; i < sessions.length && !this.#closed; i += TOUCH_SLICE) {
        const slice = sessions.slice(i, i + TOUCH_SLICE).filter((s) => !s.forgotten);
        const results = await Promise.allSettled(
          slice.map((s) => this.#config.store.touch(s.key, ttl)),
        );
        const failed = results.find((r) => r.status === "rejected");
        if (failed !== undefined) {
          this.#failed("touch", failed.reason);
          return; // the store is down: the next pass tries again
        }
      }
    } finally {
      this.#touching = false;
    }
  }

  /** Stops the timers and closes the store (what is pending was saved by `saveAll`). */
  async close(): Promise<void> {
    this.#closed = true; // a keep-alive pass under way stops after its slice
    if (this.#keepTimer !== undefined) clearInterval(this.#keepTimer);
    this.#keepTimer = undefined;
    this.#clearTimer();
    this.#changed.clear();
    await this.#config.store.close();
  }

  /** Arms the timer for the first session due (entries are in due order: one delay for all). */
  #schedule(): void {
    if (this.#timer !== undefined) return;
    const first = this.#changed.values().next();
    if (first.done) return;
    const delay = Math.max(0, first.value - performance.now());
    this.#timer = setTimeout(this.#flushDue, delay);
    this.#timer.unref();
  }

  /** Takes a wave: every session due before the next one would start. */
  #flushChanged(): void {
    this.#timer = undefined;
    const until = performance.now() + this.#config.checkpointMs * WAVE_FRACTION;
    const batch: Persistable[] = [];
    for (const [s, due] of this.#changed) {
      if (due > until) break;
      batch.push(s);
    }
    for (const s of batch) this.#changed.delete(s);
    this.#schedule();
    void this.#flushSlice(batch, 0);
  }

  /**
   * Checkpoints `batch` from `from` on, a slice of about `FLUSH_SLICE_MS` per `saveAll`,
   * yielding to the event loop between slices: thousands of changed sessions never block
   * events for the time it takes to encode them all. A session that ended for good
   * meanwhile is skipped, so its deleted checkpoint is never written back.
   */
  async #flushSlice(batch: readonly Persistable[], from: number): Promise<void> {
    const stop = performance.now() + FLUSH_SLICE_MS;
    const last = Math.min(batch.length, from + FLUSH_SLICE_MAX);
    const entries: SessionEntry[] = [];
    const owners: Persistable[] = [];
    let end = from;
    while (end < last) {
      const s = batch[end++]!;
      if (s.forgotten) continue;
      const e = this.#entry(s);
      if (e !== undefined) {
        entries.push(e);
        owners.push(s);
      }
      if (performance.now() >= stop) break;
    }
    if (entries.length > 0) {
      const t0 = performance.now();
      try {
        const refused = await this.#config.store.saveAll(entries);
        this.metrics?.checkpointed("ok", (performance.now() - t0) / 1000);
        supersede(owners, refused);
      } catch (err) {
        this.metrics?.checkpointed("error", (performance.now() - t0) / 1000);
        this.#failed("saveAll", err);
      }
    }
    if (end < batch.length) setImmediate(() => void this.#flushSlice(batch, end));
  }

  /**
   * The store entry for `s`, or `undefined` when there is nothing new to save: frames
   * that changed only what is not persisted (a ticking clock, a hover flag, an async
   * check's progress) leave the state, URL and hids as saved, so a wave writes nothing —
   * a resume from the older checkpoint sends the whole view, which is correct, and an
   * idle page with a timer costs the store nothing. The wave marks it by negating
   * `savedPrint` (the stored seqs and tree fingerprint are now behind the browser's).
   *
   * `current`: a resume is about to follow (a dropped socket, a shutdown), so a session
   * whose seqs moved since its last write — frames a wave skipped, or frames no wave
   * took yet (still in `#changed`) — is written all the same: the resume then finds the browser's seq and
   * sends nothing. One that did not move is not rewritten (nothing new to say).
   */
  #entry(s: Persistable, current = false): SessionEntry | undefined {
    const cp = s.checkpoint();
    if (cp === undefined) return undefined;
    const { bytes, skipped, print } = encodeCheckpoint(this.codec, cp);
    if (skipped.length > 0) s.stateSkipped(skipped);
    const saved = s.savedPrint;
    if (saved === print || saved === -print) {
      if (!current) {
        s.savedPrint = -print;
        return undefined;
      }
      if (saved === print && !this.#changed.has(s)) return undefined;
    }
    s.savedPrint = print;
    return { id: s.key, data: bytes, ttlMs: this.#config.ttlMs, fence: s.fence };
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #failed(op: string, err: unknown): void {
    const now = performance.now();
    const last = this.#loggedAt.get(op);
    if (last !== undefined && now - last < LOG_EVERY_MS) return;
    this.#loggedAt.set(op, now);
    this.#config.logger.warn(
      { err, code: (err as { code?: unknown }).code ?? "store_unavailable", op },
      "session store failed",
    );
  }
}
