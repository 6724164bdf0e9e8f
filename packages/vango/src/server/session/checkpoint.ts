/**
 * A session checkpoint: what another process needs to rebuild the page a browser shows
 * — the URL, every component's persisted signal values by its place in the tree, the
 * hids of the elements (so the rebuilt tree addresses the browser's DOM as the old one
 * did), a hash of the rendered HTML (so a rebuild can tell it matches the browser and
 * send nothing), and the seqs the page reflects. Encoded with the state codec (JSON plus
 * Date/Map/Set/BigInt…); a value it cannot encode is refused with its component's place.
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { StateEntry } from "../../render/state-slots.ts";
import { type StateCodec, StateError } from "../../state/codec.ts";

/** Format version (a checkpoint of another version is discarded, never misread). */
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  readonly v: typeof CHECKPOINT_VERSION;
  /** The session cookie it belongs to (a resume must present the same one). */
  readonly sid: string;
  /** Path and query of the page. */
  readonly url: string;
  /** Seq of the last Patches frame the state reflects. */
  readonly seq: number;
  /** Highest client event seq processed. */
  readonly cseq: number;
  readonly userId: string | undefined;
  readonly state: readonly StateEntry[];
  /** Element hids in document pre-order. */
  readonly hids: readonly number[];
  /** Hash of the rendered HTML at `seq`. */
  readonly hash: string;
}

/** A component whose values could not be checkpointed (the rest were). */
export interface SkippedState {
  readonly path: string;
  readonly error: StateError;
}

/**
 * Encodes `cp`; components whose values the codec refuses are left out and reported in
 * `skipped` (the session decides whether that is an error: in devMode it is).
 * @example const { bytes, skipped } = encodeCheckpoint(codec, cp);
 */
export function encodeCheckpoint(
  codec: StateCodec,
  cp: Checkpoint,
): { bytes: Uint8Array; skipped: SkippedState[] } {
  try {
    return { bytes: codec.encode(toWire(cp, cp.state)), skipped: [] };
  } catch (err) {
    if (!(err instanceof StateError)) throw err;
  }
  // Find the culprits one component at a time, keep the rest.
  const kept: StateEntry[] = [];
  const skipped: SkippedState[] = [];
  for (const entry of cp.state) {
    try {
      codec.encode(entry[1]);
      kept.push(entry);
    } catch (err) {
      if (!(err instanceof StateError)) throw err;
      skipped.push({ path: entry[0], error: err });
    }
  }
  return { bytes: codec.encode(toWire(cp, kept)), skipped };
}

function toWire(cp: Checkpoint, state: readonly StateEntry[]): unknown[] {
  return [
    cp.v,
    cp.sid,
    cp.url,
    cp.seq,
    cp.cseq,
    cp.userId ?? null,
    state.map(([p, v]) => [p, v]),
    cp.hids,
    cp.hash,
  ];
}

/**
 * The checkpoint in `bytes`; a coded `StateError` (`state_invalid`, `state_limit_exceeded`)
 * when they are not one this version wrote.
 */
export function decodeCheckpoint(codec: StateCodec, bytes: Uint8Array): Checkpoint {
  const w = codec.decode(bytes);
  if (!Array.isArray(w) || w.length !== 9 || w[0] !== CHECKPOINT_VERSION) throw invalid("shape");
  const [, sid, url, seq, cseq, userId, state, hids, hash] = w as unknown[];
  if (typeof sid !== "string" || typeof url !== "string" || !url.startsWith("/")) {
    throw invalid("sid/url");
  }
  if (!isSeq(seq) || !isSeq(cseq)) throw invalid("seq");
  if (userId !== null && typeof userId !== "string") throw invalid("userId");
  if (!Array.isArray(state)) throw invalid("state");
  for (const e of state) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== "string" || !Array.isArray(e[1])) {
      throw invalid("state entry");
    }
  }
  if (!Array.isArray(hids) || !hids.every(isSeq)) throw invalid("hids");
  if (typeof hash !== "string") throw invalid("hash");
  return {
    v: CHECKPOINT_VERSION,
    sid,
    url,
    seq,
    cseq,
    userId: userId ?? undefined,
    state: state as StateEntry[],
    hids: hids as number[],
    hash,
  };
}

function isSeq(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

function invalid(what: string): StateError {
  return new StateError(ErrorCode.state_invalid, "", `checkpoint ${what}`);
}
