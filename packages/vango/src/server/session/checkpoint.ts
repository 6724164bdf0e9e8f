/**
 * A session checkpoint: what another process needs to rebuild the page a browser shows
 * — the URL, every component's persisted signal values by its place in the tree, the
 * hids of the elements (so the rebuilt tree addresses the browser's DOM as the old one
 * did), a fingerprint of the rendered tree (so a rebuild can tell it matches the browser
 * and send nothing), and the seqs the page reflects. Encoded with the state codec (JSON
 * plus Date/Map/Set/BigInt…); a value it cannot encode is refused with its component's
 * place.
 *
 * Format 2 puts what changes with every frame (the seqs and the tree's fingerprint) last,
 * so the bytes before them fingerprint what a checkpoint persists: a session whose state,
 * URL and hids are as last saved needs no write, and telling costs one pass over bytes
 * already encoded. Format 3 adds the session's fence (the store's fencing token: see
 * `session-store.ts`), so an instance that resumes the session knows the one to pass.
 * Format 1 and 2 checkpoints (fence 0; format 1 with the seqs in the middle) are still read.
 */
import { ErrorCode } from "../../protocol/errors.ts";
import { hashBytes, hashEnd, hashStart } from "../../render/host-hash.ts";
import type { StateEntry } from "../../render/state-slots.ts";
import { type StateCodec, StateError } from "../../state/codec.ts";
import { MAX_FENCE } from "./session-store.ts";

/** Format version written (a checkpoint of an unknown version is discarded, never misread). */
export const CHECKPOINT_VERSION = 3;

export interface Checkpoint {
  readonly v: 1 | 2 | typeof CHECKPOINT_VERSION;
  /** The session cookie it belongs to (a resume must present the same one). */
  readonly sid: string;
  /** Path and query of the page. */
  readonly url: string;
  /** Seq of the last Patches frame the state reflects. */
  readonly seq: number;
  /** Highest client event seq processed. */
  readonly cseq: number;
  readonly userId: string | undefined;
  /**
   * The fence its session saves with: 0 for a session this page load started, one more
   * than the loaded checkpoint's for a session resumed from the store.
   */
  readonly fence: number;
  readonly state: readonly StateEntry[];
  /**
   * Element hids in document pre-order; none when they are a fresh mount's numbering
   * (`LiveRoot.hids`). A reader from before that shortening finds none for a page with
   * elements, so its rebuild cannot match and sends the whole view: correct, if larger.
   */
  readonly hids: readonly number[];
  /** Fingerprint of the rendered tree at `seq` (`hashHost`). */
  readonly hash: string;
}

/** A component whose values could not be checkpointed (the rest were). */
export interface SkippedState {
  readonly path: string;
  readonly error: StateError;
}

/** An encoded checkpoint. */
export interface EncodedCheckpoint {
  readonly bytes: Uint8Array;
  /** Components left out: the codec refused their values. */
  readonly skipped: SkippedState[];
  /** Fingerprint of what it persists: sid, URL, user, fence, state and hids (not seqs or tree hash). */
  readonly print: number;
}

/**
 * Encodes `cp`; components whose values the codec refuses are left out and reported in
 * `skipped` (the session decides whether that is an error: in devMode it is).
 * @example const { bytes, skipped, print } = encodeCheckpoint(codec, cp);
 */
export function encodeCheckpoint(codec: StateCodec, cp: Checkpoint): EncodedCheckpoint {
  let bytes: Uint8Array | undefined;
  const skipped: SkippedState[] = [];
  try {
    bytes = codec.encode(toWire(cp, cp.state));
  } catch (err) {
    if (!(err instanceof StateError)) throw err;
  }
  if (bytes === undefined) {
    // Find the culprits one component at a time, keep the rest.
    const kept: StateEntry[] = [];
    for (const entry of cp.state) {
      try {
        codec.encode(entry[1]);
        kept.push(entry);
      } catch (err) {
        if (!(err instanceof StateError)) throw err;
        skipped.push({ path: entry[0], error: err });
      }
    }
    bytes = codec.encode(toWire(cp, kept));
  }
  // The codec writes `[1,[3,…,seq,cseq,"hash"]]`: everything before `,seq` is persisted
  // state. Should the tail not be where it is expected, the whole checkpoint is hashed
  // (a print that changes with every frame only costs writes).
  const tail = 7 + digits(cp.seq) + digits(cp.cseq) + cp.hash.length;
  const end = bytes.length - tail;
  const found = end > 0 && bytes[end] === COMMA && bytes[bytes.length - 1] === CLOSE;
  hashStart();
  hashBytes(bytes, found ? end : bytes.length);
  return { bytes, skipped, print: hashEnd() };
}

const COMMA = 0x2c;
const CLOSE = 0x5d;

function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

function toWire(cp: Checkpoint, state: readonly StateEntry[]): unknown[] {
  return [
    CHECKPOINT_VERSION,
    cp.sid,
    cp.url,
    cp.userId ?? null,
    cp.fence,
    state,
    cp.hids,
    cp.seq,
    cp.cseq,
    cp.hash,
  ];
}

/**
 * The checkpoint in `bytes` (format 1 or 2); a coded `StateError` (`state_invalid`,
 * `state_limit_exceeded`) when they are not one.
 */
export function decodeCheckpoint(codec: StateCodec, bytes: Uint8Array): Checkpoint {
  const w = codec.decode(bytes);
  if (!Array.isArray(w) || w.length !== (w[0] === CHECKPOINT_VERSION ? 10 : 9)) {
    throw invalid("shape");
  }
  let sid: unknown, url: unknown, seq: unknown, cseq: unknown, userId: unknown;
  let state: unknown, hids: unknown, hash: unknown;
  let fence: unknown = 0;
  if (w[0] === CHECKPOINT_VERSION) [, sid, url, userId, fence, state, hids, seq, cseq, hash] = w;
  else if (w[0] === 2) [, sid, url, userId, state, hids, seq, cseq, hash] = w;
  else if (w[0] === 1) [, sid, url, seq, cseq, userId, state, hids, hash] = w;
  else throw invalid("version");
  if (typeof sid !== "string" || typeof url !== "string" || !url.startsWith("/")) {
    throw invalid("sid/url");
  }
  if (!isSeq(seq) || !isSeq(cseq)) throw invalid("seq");
  if (userId !== null && typeof userId !== "string") throw invalid("userId");
  if (!isSeq(fence) || fence > MAX_FENCE) throw invalid("fence");
  if (!Array.isArray(state)) throw invalid("state");
  for (const e of state) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== "string" || !Array.isArray(e[1])) {
      throw invalid("state entry");
    }
  }
  if (!Array.isArray(hids) || !hids.every(isSeq)) throw invalid("hids");
  if (typeof hash !== "string") throw invalid("hash");
  return {
    v: w[0],
    sid,
    url,
    seq,
    cseq,
    userId: userId ?? undefined,
    fence,
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
