/**
 * The session store port: where a session's checkpoint — opaque bytes the runtime
 * encodes with the state codec (`state/codec.ts`) — lives while the session is detached,
 * across a restart and across instances. Implementations (one conformance suite,
 * `test/server/session/stores/store.cases.ts`, holds them to the same contract):
 *
 * - `MemorySessionStore`: one process, bounded; lost on restart.
 * - `FileSessionStore`: the embedded default for one instance; survives a restart.
 * - `RedisSessionStore`, `PostgresSessionStore`: shared by every instance of the app.
 * - `ResilientSessionStore`: any of them behind a deadline and a circuit breaker, writes
 *   kept in memory while the backend is down.
 *
 * The contract, beyond the signatures:
 * - calls on one id take effect in call order, even when the caller does not await them
 *   (a checkpoint written after another is never overwritten by it);
 * - `saveAll` with the same id twice keeps the last entry;
 * - the bytes passed to `save`/`saveAll` may be reused by the caller as soon as the call
 *   returns (stores copy what they keep), and the bytes `load` returns are the caller's,
 *   always a plain `Uint8Array` (never a Node `Buffer`);
 * - a save carries a **fence** (default 0): a live entry saved with a greater fence is
 *   never replaced by it — the save resolves `false` (`saveAll`: its id is among those it
 *   resolves with) and changes nothing. An instance that resumes a session saves it with
 *   a fence one above the checkpoint it loaded, so the copy the tab left behind on
 *   another instance (which has not yet seen its socket drop, or keeps running its timers
 *   while detached) can no longer overwrite it: a fencing token. An expired entry fences
 *   nothing; a `touch` or a `delete` takes no fence (neither writes a checkpoint's bytes);
 * - a backend failure rejects with a {@link SessionStoreError} (`store_unavailable`, the
 *   backend's error as `cause`); a bad argument (an empty id, a TTL ≤ 0, a fence that is
 *   not an integer in 0 … 2³² − 1) with `RangeError`.
 */
import { createError } from "../../errors/create-error.ts";
import { ERRORS, ErrorCode } from "../../protocol/errors.ts";
import type { BreakerTransition } from "../core/circuit-breaker.ts";

/** One checkpoint for {@link SessionStore.saveAll}. */
export interface SessionEntry {
  readonly id: string;
  readonly data: Uint8Array;
  /** Ms from now until the entry expires. */
  readonly ttlMs: number;
  /** The writer's fence (default 0): a live entry saved with a greater one is kept. */
  readonly fence?: number | undefined;
}

/**
 * Where detached sessions' checkpoints are kept.
 * @example
 * await store.save(sessionId, codec.encode(checkpoint), 15 * 60_000);
 * const bytes = await store.load(sessionId); // undefined when absent or expired
 */
export interface SessionStore {
  /**
   * Stores `data` under `id` for `ttlMs`, replacing what was there — unless the live entry
   * there was saved with a greater `fence` (default 0): then it resolves `false` and
   * nothing changes.
   */
  save(id: string, data: Uint8Array, ttlMs: number, fence?: number): Promise<boolean>;
  /** The bytes saved under `id`; `undefined` when there are none or they expired. */
  load(id: string): Promise<Uint8Array | undefined>;
  /** Forgets `id` (nothing happens when it is absent). */
  delete(id: string): Promise<void>;
  /** Sets `id` to expire `ttlMs` from now; `false` when there is no live entry to extend. */
  touch(id: string, ttlMs: number): Promise<boolean>;
  /**
   * Saves many entries at once (checkpoint waves, and every session at shutdown); resolves
   * with the ids whose entry a greater fence kept (almost always none).
   */
  saveAll(entries: readonly SessionEntry[]): Promise<readonly string[]>;
  /** Stops the store's timers and releases what it owns; clients passed in stay open. */
  close(): Promise<void>;
}

/**
 * A store backend failed; `code` is `store_unavailable`, `cause` the backend's error.
 * @example
 * try { await store.load(id) } catch (e) { if (e instanceof SessionStoreError) retryLater() }
 */
export const SessionStoreError = /* @__PURE__ */ createError<typeof ErrorCode.store_unavailable>(
  "SessionStoreError",
  (code) => ERRORS[code].status,
);
export type SessionStoreError = InstanceType<typeof SessionStoreError>;

/** `store_unavailable` for a failed `what` (`"redis load"`), wrapping `cause`. */
export function storeUnavailable(what: string, cause: unknown): SessionStoreError {
  return new SessionStoreError(ErrorCode.store_unavailable, what, { cause });
}

/** Longest session id a store accepts (ids are short random tokens; this bounds keys and file names). */
export const MAX_SESSION_ID_LENGTH = 256;

/** NUL (Postgres `text` cannot hold it) or a lone surrogate (no UTF-8 form: two ids would meet). */
const UNSTORABLE_ID = /[\0\p{Cs}]/u;

/**
 * Throws `RangeError` unless `id` is a string of 1 to 256 characters without NUL or lone
 * surrogates (every backend stores ids as UTF-8 text).
 */
export function checkId(id: string): void {
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_SESSION_ID_LENGTH) {
    throw new RangeError(`session store: id must be 1..${MAX_SESSION_ID_LENGTH} characters`);
  }
  if (UNSTORABLE_ID.test(id)) {
    throw new RangeError("session store: id must not hold NUL or a lone surrogate");
  }
}

/** Throws `RangeError` unless `ttlMs` is a finite number of ms > 0. */
export function checkTtl(ttlMs: number): void {
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError("session store: ttlMs must be a finite number > 0");
  }
}

/** Greatest fence a store keeps (the file store's header holds a u32). */
export const MAX_FENCE = 0xffff_ffff;

/** Throws `RangeError` unless `fence` is an integer in 0 … {@link MAX_FENCE}. */
export function checkFence(fence: number): void {
  if (!Number.isInteger(fence) || fence < 0 || fence > MAX_FENCE) {
    throw new RangeError(`session store: fence must be an integer in 0..${MAX_FENCE}`);
  }
}

/** What `saveAll` resolves with when no entry was refused (shared: callers never mutate it). */
export const NONE_REFUSED: readonly string[] = Object.freeze([]);

/** Throws `RangeError` unless `data` is a `Uint8Array` (a `Buffer` is one). */
export function checkData(data: Uint8Array): void {
  if (!(data instanceof Uint8Array)) {
    throw new RangeError("session store: data must be a Uint8Array");
  }
}

/**
 * `bytes` as a plain `Uint8Array` over the same memory (no copy): every store returns
 * that type, so callers never depend on which backend handed them a Node `Buffer`.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Checks every entry of a `saveAll`; returns them with repeated ids dropped (the last wins). */
export function lastPerId(entries: readonly SessionEntry[]): readonly SessionEntry[] {
  if (!Array.isArray(entries)) throw new RangeError("session store: saveAll takes an array");
  const ids = new Set<string>();
  for (const e of entries) {
    checkId(e.id);
    checkData(e.data);
    checkTtl(e.ttlMs);
    if (e.fence !== undefined) checkFence(e.fence);
    ids.add(e.id);
  }
  // Persistence's flushes never repeat an id: one set, and the list as it came.
  if (ids.size === entries.length) return entries;
  const last = new Map<string, SessionEntry>();
  for (const e of entries) {
    last.delete(e.id);
    last.set(e.id, e);
  }
  return [...last.values()];
}

/** The operations an observer hears about. */
export const StoreOp = {
  Save: "save",
  Load: "load",
  Delete: "delete",
  Touch: "touch",
  SaveAll: "save_all",
} as const;
export type StoreOp = (typeof StoreOp)[keyof typeof StoreOp];

/**
 * How an operation ended: `ok` (the backend answered), `degraded` (answered from memory
 * while the backend is down, or kept in memory to write later), `error` (rejected).
 */
export const StoreOutcome = { Ok: "ok", Degraded: "degraded", Error: "error" } as const;
export type StoreOutcome = (typeof StoreOutcome)[keyof typeof StoreOutcome];

/**
 * What a store reports for metrics and logs (every hook optional; called synchronously,
 * so keep them cheap). Arguments are positional so reporting allocates nothing.
 * @example
 * const observer: SessionStoreObserver = {
 *   operation: (op, outcome, ms, bytes) => {
 *     opsTotal.inc({ op, outcome });
 *     opSeconds.observe({ op }, ms / 1000);
 *     if (op === "save") checkpointBytes.observe(bytes);
 *   },
 *   circuit: (t) => log.warn({ dependency: "session_store", circuit: t.to }, "session store circuit"),
 * };
 */
export interface SessionStoreObserver {
  /** One call finished after `durationMs`; `bytes` saved or loaded (0 for the others). */
  operation?(op: StoreOp, outcome: StoreOutcome, durationMs: number, bytes: number): void;
  /** The backend's circuit changed state (one call per change, never one per request). */
  circuit?(transition: BreakerTransition): void;
  /** `count` writes kept in memory during an outage reached the backend. */
  flushed?(count: number): void;
  /** `count` writes kept in memory were dropped: over the memory bound, or unsent at close. */
  dropped?(count: number): void;
}

/**
 * A store that forwards every call to the one `opening` resolves to: `createApp` is
 * synchronous, the file store opens asynchronously (it creates its folder). A failed
 * open fails every call as `store_unavailable`.
 * @example const store = deferredStore(FileSessionStore.open({ dir: ".vango" }));
 */
export function deferredStore(opening: Promise<SessionStore>): SessionStore {
  // Observed at once, so a failed open is never an unhandled rejection.
  opening.catch(() => {});
  const use = async <R>(what: string, fn: (s: SessionStore) => Promise<R>): Promise<R> => {
    let store: SessionStore;
    try {
      store = await opening;
    } catch (err) {
      throw storeUnavailable(`${what}: the store did not open`, err);
    }
    return fn(store);
  };
  return {
    save: (id, data, ttlMs, fence) => use("save", (s) => s.save(id, data, ttlMs, fence)),
    load: (id) => use("load", (s) => s.load(id)),
    delete: (id) => use("delete", (s) => s.delete(id)),
    touch: (id, ttlMs) => use("touch", (s) => s.touch(id, ttlMs)),
    saveAll: (entries) => use("saveAll", (s) => s.saveAll(entries)),
    close: async () => {
      try {
        await (await opening).close();
      } catch {
        // Never opened: nothing to close.
      }
    },
  };
}
