/**
 * One upload field of a mounted component (what `useUpload` returns): its limits, the
 * files announced to it, and where their bytes go.
 *
 * A file travels over the page's own WebSocket (see `use-upload.ts` for the wiring):
 * the browser announces the selection (names, sizes, types) as a hook event, the field
 * judges every file against its limits before a byte is sent and answers an id per
 * accepted file, then the bytes arrive as Data frames of exactly `chunkBytes` (the last
 * one shorter), each at the offset that follows the previous one. Up to `window` chunks
 * may wait while one is written; each is written to the file's sink — a temp file, or
 * the app's `Writable` — and acknowledged to the browser only once written, so the
 * sender never gets further ahead than the window: no file is ever held whole in memory.
 *
 * Every entry is a value in one signal, so a page renders progress as it renders any
 * state; the signal is transient (an upload does not survive a restart).
 *
 * An upload whose chunks stop — the tab went, the browser gave up without saying so —
 * fails as `upload_stalled` after `idleMs` without a byte, which frees its place under
 * `maxFiles`. Temp files live in `dir` under random names (never the browser's file
 * name) and are deleted when the entry is dropped (a new selection replaces settled
 * entries; `clear()`) or the field is disposed with its component — at the latest when
 * the session ends. An app that keeps a file moves it away in `onFile`.
 */
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Writable } from "node:stream";
import { ErrorCode } from "../protocol/errors.ts";
import { type ReadonlySignal, type Signal, signal } from "../reactive/index.ts";
import { ConfigError } from "../server/core/errors.ts";
import type { Logger } from "../server/core/logger.ts";
import { randomToken } from "../server/core/tokens.ts";
import type { DataReceiver } from "../server/session/data-channels.ts";
import { FileSink, StreamSink, type UploadSink } from "./upload-sink.ts";

/** Where an upload is. */
export const UploadStatus = {
  Uploading: "uploading",
  Done: "done",
  Failed: "failed",
  Cancelled: "cancelled",
} as const;
export type UploadStatus = (typeof UploadStatus)[keyof typeof UploadStatus];

/** The codes an upload entry can fail with. */
export type UploadErrorCode =
  | typeof ErrorCode.upload_too_large
  | typeof ErrorCode.upload_type_refused
  | typeof ErrorCode.upload_count_exceeded
  | typeof ErrorCode.upload_stalled
  | typeof ErrorCode.upload_aborted
  | typeof ErrorCode.handler_error
  | typeof ErrorCode.internal_error;

/** Why an upload stopped short of done: its failure, or `upload_cancelled`. */
export type UploadStopCode = UploadErrorCode | typeof ErrorCode.upload_cancelled;

/** One file announced to a field, as the page renders it. */
export interface UploadEntry {
  /** Random id (empty for a file refused when it was announced). */
  readonly id: string;
  /** The browser's file name (display only: it never names a file on the server). */
  readonly name: string;
  /** Declared size in bytes. */
  readonly size: number;
  /** Declared MIME type ("" when the browser gave none). */
  readonly type: string;
  /** Bytes written so far. */
  readonly received: number;
  readonly status: UploadStatus;
  /** Why it failed (status `failed`). */
  readonly error: UploadErrorCode | undefined;
}

/** A file as the browser declared it, once accepted (what a `sink` is opened for). */
export interface UploadInfo {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly type: string;
}

/** A complete file, handed to `onFile`. */
export interface UploadedFile extends UploadInfo {
  /** The temp file; deleted with the entry unless moved away. */
  readonly path: string;
}

export interface UploadOptions {
  /** Largest file in bytes (default 64 MiB). */
  readonly maxFileBytes?: number;
  /** Files at once: one selection plus the uploads still running (default 1). */
  readonly maxFiles?: number;
  /**
   * Accepted types, as in the `accept` attribute: MIME types (`image/png`), wildcards
   * (`image/*`) or extensions (`.pdf`); empty or absent accepts any file. Checked against
   * what the browser declares (type and name), before any byte is read.
   */
  readonly accept?: readonly string[];
  /**
   * Chunk size in bytes (default 64 KiB; 4 KiB–1 MiB, and below `limits.maxPayload`: a
   * chunk is one WebSocket message).
   */
  readonly chunkBytes?: number;
  /** Directory of the temp files (default `<os tmpdir>/vango-uploads`). */
  readonly dir?: string;
  /**
   * Called once a file is complete in its temp file; may be async. What it throws marks
   * the entry `failed` with `handler_error` (and is logged). Not with `sink`.
   */
  readonly onFile?: (file: UploadedFile) => unknown;
  /**
   * Receives each accepted file as a stream instead of a temp file: called when the
   * file is accepted (before its first byte), returns the `Writable` its bytes are
   * written to, chunk after chunk, each write's callback awaited before the next chunk
   * is taken and before the browser may send more. `end()` is called when the file is
   * complete (the entry turns `done` once it finished), `destroy(err)` with a coded
   * `ServerError` (`upload_cancelled`, `upload_stalled`, `upload_aborted`) when it stops
   * short. A throw, a rejection or a stream error marks the entry `failed` with
   * `handler_error`.
   */
  readonly sink?: (file: UploadInfo) => Writable | Promise<Writable>;
  /**
   * An upload that receives no byte for this long fails as `upload_stalled` (default
   * 60 s), freeing its place under `maxFiles`.
   */
  readonly idleMs?: number;
}

/** A file as the browser announces it; `id` when it resumes an upload it started. */
export interface AnnouncedFile {
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly id?: string | undefined;
}

/**
 * What an announcement answers per file: an id to send to and the offset to send from
 * (`at` equals the size: nothing left to send), or why not.
 */
export type AnnounceResult =
  | { readonly id: string; readonly at: number }
  | { readonly error: UploadStopCode };

/** What a field tells the page's browser and its session (wired by `useUpload`). */
export interface UploadFieldHost {
  /** Routes the session's Data frames for upload `id` to `receiver`. */
  open(id: string, receiver: DataReceiver): void;
  /** Stops routing upload `id`. */
  close(id: string): void;
  /** `at` bytes of upload `id` are written: the browser may send further. */
  ack(id: string, at: number): void;
  /** Upload `id` ended short of done: the browser stops sending it. */
  stop(id: string, code: UploadStopCode): void;
}

const DEFAULT_MAX_FILE = 64 * 1024 * 1024;
const DEFAULT_CHUNK = 64 * 1024;
const MIN_CHUNK = 4 * 1024;
const MAX_CHUNK = 1024 * 1024;
/**
 * Bytes of one upload that may be on their way or waiting to be written: the window is
 * this many bytes' worth of chunks (at least 2). 512 KiB keeps a 50 ms round trip at
 * ~10 MB/s while bounding memory per upload; the hook narrows it further when acks come
 * slowly, so the page's events never queue long behind file bytes.
 */
const WINDOW_BYTES = 512 * 1024;
const DEFAULT_IDLE_MS = 60_000;
/** Answers kept for announcements sent again (a page announces a few times, not hundreds). */
const ANSWERS_KEPT = 16;

interface Upload {
  entry: UploadEntry;
  /** Where its bytes go (undefined until opened). */
  sink: UploadSink | undefined;
  /** Chunks received and not yet written, in offset order. */
  readonly queue: Uint8Array[];
  /** Offset the next chunk must have: received plus what waits in `queue`. */
  expected: number;
  /** A chunk is being written. */
  writing: boolean;
  /** `performance.now()` of the announcement, or of the last chunk received or written. */
  lastAt: number;
}

/** True when `accept` lets a file named `name` of MIME type `type` in. */
export function acceptsFile(accept: readonly string[], name: string, type: string): boolean {
  if (accept.length === 0) return true;
  const n = name.toLowerCase();
  const t = type.toLowerCase();
  for (const raw of accept) {
    const a = raw.trim().toLowerCase();
    if (a.startsWith(".")) {
      if (n.endsWith(a)) return true;
    } else if (a.endsWith("/*")) {
      if (t.startsWith(a.slice(0, -1))) return true;
    } else if (a === t) return true;
  }
  return false;
}

export class UploadField {
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  readonly accept: readonly string[];
  readonly chunkBytes: number;
  /** Chunks of one upload that may be unacknowledged at once. */
  readonly window: number;
  readonly dir: string;
  readonly idleMs: number;
  readonly #entries: Signal<readonly UploadEntry[]>;
  readonly #uploads = new Map<string, Upload>();
  /** The latest announcements' answers, by the browser's number for them. */
  readonly #answers = new Map<number, Promise<AnnounceResult[]>>();
  readonly #onFile: UploadOptions["onFile"];
  readonly #sink: UploadOptions["sink"];
  readonly #host: UploadFieldHost;
  readonly #logger: Logger | undefined;
  #idleTimer: NodeJS.Timeout | undefined = undefined;
  #closed = false;

  constructor(options: UploadOptions, host: UploadFieldHost, logger?: Logger) {
    this.maxFileBytes = positive(options.maxFileBytes, DEFAULT_MAX_FILE, "maxFileBytes");
    this.maxFiles = positive(options.maxFiles, 1, "maxFiles");
    this.accept = Object.freeze([...(options.accept ?? [])]);
    const chunk = positive(options.chunkBytes, DEFAULT_CHUNK, "chunkBytes");
    if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) {
      throw new ConfigError("useUpload.chunkBytes", `must be ${MIN_CHUNK}–${MAX_CHUNK}`);
    }
    this.chunkBytes = chunk;
    this.window = Math.max(2, Math.floor(WINDOW_BYTES / chunk));
    this.dir = options.dir ?? join(tmpdir(), "vango-uploads");
    this.idleMs = positive(options.idleMs, DEFAULT_IDLE_MS, "idleMs");
    if (options.sink !== undefined && options.onFile !== undefined) {
      throw new ConfigError("useUpload.onFile", "not with sink: the stream's end is the file's");
    }
    this.#onFile = options.onFile;
    this.#sink = options.sink;
    this.#host = host;
    this.#logger = logger;
    this.#entries = signal<readonly UploadEntry[]>([], { transient: true });
  }

  get entries(): ReadonlySignal<readonly UploadEntry[]> {
    return this.#entries;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Judges a selection: every new file against the count, size and type limits, before
   * a byte is sent. A file with the `id` of an upload this field holds (the browser
   * resuming after a reconnect) is answered with the offset to continue from, or with
   * why that upload ended. Settled entries (done, failed, cancelled) are replaced when
   * the selection brings a new file; their temp files go.
   *
   * `n` is the browser's number for the announcement. Sent again under the same number
   * (its answer was lost with a socket: the browser cannot tell whether it was taken),
   * it is answered with the uploads the first one got, each with its offset now — not
   * with new ones.
   */
  announce(files: readonly AnnouncedFile[], n?: number): Promise<AnnounceResult[]> {
    if (n === undefined) return this.#announce(files);
    const first = this.#answers.get(n);
    if (first !== undefined) return first.then((rs) => rs.map((r) => this.#again(r)));
    const answer = this.#announce(files);
    this.#answers.set(n, answer);
    if (this.#answers.size > ANSWERS_KEPT) {
      this.#answers.delete(this.#answers.keys().next().value!);
    }
    return answer;
  }

  async #announce(files: readonly AnnouncedFile[]): Promise<AnnounceResult[]> {
    const results: AnnounceResult[] = new Array(files.length);
    const fresh: number[] = [];
    for (let i = 0; i < files.length; i++) {
      const known = files[i]!.id === undefined ? undefined : this.#uploads.get(files[i]!.id!);
      if (known === undefined) fresh.push(i);
      else results[i] = this.#resumeAnswer(known);
    }
    if (fresh.length === 0 || this.#closed) return results;
    const tooMany = this.#running() + fresh.length > this.maxFiles;
    const added: UploadEntry[] = [];
    const created: Upload[] = [];
    for (const i of fresh) {
      const f = files[i]!;
      let error: UploadErrorCode | undefined;
      if (tooMany) error = ErrorCode.upload_count_exceeded;
      else if (f.size > this.maxFileBytes) error = ErrorCode.upload_too_large;
      else if (!acceptsFile(this.accept, f.name, f.type)) error = ErrorCode.upload_type_refused;
      const id = error === undefined ? randomToken() : "";
      const entry: UploadEntry = {
        id,
        name: f.name,
        size: f.size,
        type: f.type,
        received: 0,
        status: error === undefined ? UploadStatus.Uploading : UploadStatus.Failed,
        error,
      };
      added.push(entry);
      if (error !== undefined) results[i] = { error };
      else {
        const up: Upload = {
          entry,
          sink: undefined,
          queue: [],
          expected: 0,
          writing: false,
          lastAt: performance.now(),
        };
        created.push(up);
        results[i] = { id, at: 0 };
      }
    }
    // Shown at once (progress at 0 %), before the sinks are opened.
    const kept = this.#entries.peek().filter((e) => e.status === UploadStatus.Uploading);
    for (const e of this.#entries.peek()) if (!kept.includes(e)) void this.#drop(e.id);
    for (const up of created) {
      this.#uploads.set(up.entry.id, up);
      this.#host.open(up.entry.id, (offset, data) => this.receive(up.entry.id, offset, data));
    }
    this.#entries.set([...kept, ...added]);
    for (const up of created) {
      await this.#openSink(up);
      if (this.#live(up) && up.entry.size === 0) await this.#complete(up);
    }
    // A sink that could not be opened failed its file: the answer says so.
    for (const i of fresh) {
      const r = results[i]!;
      if ("id" in r) {
        const up = this.#uploads.get(r.id);
        if (up !== undefined && up.entry.status === UploadStatus.Failed) {
          results[i] = { error: up.entry.error! };
        }
      }
    }
    this.#armIdle();
    return results;
  }

  /** The running upload `id`, if any. */
  upload(id: string): UploadEntry | undefined {
    const up = this.#uploads.get(id);
    return up?.entry.status === UploadStatus.Uploading ? up.entry : undefined;
  }

  /**
   * Takes one chunk of upload `id` (a Data frame's bytes). Refused (`false`) unless the
   * upload is running, `offset` follows what was received and queued, the length is
   * exactly the chunk size (the last chunk exactly the rest) and the window has room.
   */
  receive(id: string, offset: number, data: Uint8Array): boolean {
    const up = this.#uploads.get(id);
    if (up === undefined || up.entry.status !== UploadStatus.Uploading) return false;
    const len = data.length;
    if (offset !== up.expected || len === 0) return false;
    if (len !== Math.min(this.chunkBytes, up.entry.size - offset)) return false;
    if (up.queue.length >= this.window) return false;
    up.queue.push(data);
    up.expected += len;
    up.lastAt = performance.now();
    void this.#pump(up);
    return true;
  }

  /** Stops an upload: its bytes go, later chunks are refused, the browser stops sending. */
  cancel(id: string): void {
    const up = this.#uploads.get(id);
    if (up === undefined || up.entry.status !== UploadStatus.Uploading) return;
    this.#end(up, UploadStatus.Cancelled, undefined, ErrorCode.upload_cancelled);
  }

  /** The browser gave up on upload `id` (its file could not be read, no progress): failed. */
  abort(id: string): void {
    const up = this.#uploads.get(id);
    if (up === undefined || up.entry.status !== UploadStatus.Uploading) return;
    this.#end(up, UploadStatus.Failed, ErrorCode.upload_aborted, ErrorCode.upload_aborted);
  }

  /** Drops settled entries (and their files); running uploads stay. */
  clear(): void {
    const keep: UploadEntry[] = [];
    for (const e of this.#entries.peek()) {
      if (e.status === UploadStatus.Uploading) keep.push(e);
      else void this.#drop(e.id);
    }
    this.#entries.set(keep);
  }

  /** Ends the field: every temp file is deleted, every stream destroyed, later chunks refused. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    const all = [...this.#uploads.values()];
    this.#uploads.clear();
    for (const up of all) this.#host.close(up.entry.id);
    await Promise.all(all.map((up) => up.sink?.abort(ErrorCode.upload_cancelled)));
  }

  /** An answer given before, as it stands now. */
  #again(r: AnnounceResult): AnnounceResult {
    if (!("id" in r)) return r;
    const up = this.#uploads.get(r.id);
    return up === undefined ? { error: ErrorCode.upload_cancelled } : this.#resumeAnswer(up);
  }

  #resumeAnswer(up: Upload): AnnounceResult {
    const e = up.entry;
    if (e.status === UploadStatus.Uploading) {
      up.lastAt = performance.now();
      return { id: e.id, at: up.expected };
    }
    if (e.status === UploadStatus.Done) return { id: e.id, at: e.size };
    return { error: e.error ?? ErrorCode.upload_cancelled };
  }

  /** Uploads still receiving bytes. */
  #running(): number {
    let n = 0;
    for (const up of this.#uploads.values()) if (up.entry.status === UploadStatus.Uploading) n++;
    return n;
  }

  #live(up: Upload): boolean {
    return (
      !this.#closed &&
      this.#uploads.get(up.entry.id) === up &&
      up.entry.status === UploadStatus.Uploading
    );
  }

  async #openSink(up: Upload): Promise<void> {
    const e = up.entry;
    let sink: UploadSink;
    try {
      if (this.#sink !== undefined) {
        const info: UploadInfo = { id: e.id, name: e.name, size: e.size, type: e.type };
        sink = new StreamSink(await this.#sink(info));
      } else {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        sink = await FileSink.create(join(this.dir, e.id));
      }
    } catch (err) {
      this.#failed(up, err, this.#sink !== undefined ? ErrorCode.handler_error : undefined);
      return;
    }
    if (!this.#live(up)) {
      await sink.abort(ErrorCode.upload_cancelled);
      return;
    }
    up.sink = sink;
    void this.#pump(up);
  }

  /** Writes the queued chunks in order, acknowledging each once written. */
  async #pump(up: Upload): Promise<void> {
    const sink = up.sink;
    if (up.writing || sink === undefined) return;
    up.writing = true;
    try {
      while (up.queue.length > 0 && this.#live(up)) {
        const data = up.queue[0]!;
        await sink.write(data);
        up.queue.shift();
        if (!this.#live(up)) return;
        const received = up.entry.received + data.length;
        up.lastAt = performance.now();
        this.#set(up, { ...up.entry, received });
        this.#host.ack(up.entry.id, received);
        if (received === up.entry.size) {
          await this.#complete(up);
          return;
        }
      }
    } catch (err) {
      if (this.#live(up)) this.#failed(up, err, undefined);
    } finally {
      up.writing = false;
    }
  }

  async #complete(up: Upload): Promise<void> {
    const e = up.entry;
    this.#host.close(e.id);
    try {
      await up.sink!.end();
    } catch (err) {
      if (this.#live(up)) this.#failed(up, err, undefined);
      return;
    }
    if (this.#onFile !== undefined && up.sink instanceof FileSink) {
      try {
        const path = up.sink.path;
        await this.#onFile({ id: e.id, name: e.name, size: e.size, type: e.type, path });
      } catch (err) {
        this.#logger?.error({ err, code: ErrorCode.handler_error }, "upload onFile failed");
        if (this.#live(up)) {
          this.#set(up, {
            ...up.entry,
            status: UploadStatus.Failed,
            error: ErrorCode.handler_error,
          });
        }
        return;
      }
    }
    if (this.#live(up)) this.#set(up, { ...up.entry, status: UploadStatus.Done });
  }

  /**
   * A sink failed: the app's stream (`handler_error`) or the temp file (`internal_error`);
   * logged, the upload fails.
   */
  #failed(up: Upload, err: unknown, code: UploadErrorCode | undefined): void {
    const c =
      code ?? (this.#sink !== undefined ? ErrorCode.handler_error : ErrorCode.internal_error);
    this.#logger?.error({ err, code: c }, "upload sink failed");
    if (this.#live(up)) this.#end(up, UploadStatus.Failed, c, c);
  }

  /** Ends a running upload short of done: entry, channel, sink, browser. */
  #end(
    up: Upload,
    status: UploadStatus,
    error: UploadErrorCode | undefined,
    code: UploadStopCode,
  ): void {
    const id = up.entry.id;
    this.#set(up, { ...up.entry, status, error });
    up.queue.length = 0;
    this.#host.close(id);
    this.#host.stop(id, code);
    void up.sink?.abort(code);
  }

  /**
   * Fails the uploads that received no byte for `idleMs`; re-armed while any runs. The
   * verdict waits for the sockets to be read once (`setImmediate` runs after the poll
   * phase; due timers run before it): after a stall of the process, the chunks that came
   * meanwhile are still unread when this timer fires.
   */
  #armIdle(): void {
    if (this.#idleTimer !== undefined || this.#closed) return;
    let next = Number.POSITIVE_INFINITY;
    for (const up of this.#uploads.values()) {
      if (up.entry.status === UploadStatus.Uploading) next = Math.min(next, up.lastAt);
    }
    if (next === Number.POSITIVE_INFINITY) return;
    const wait = Math.max(0, next + this.idleMs - performance.now());
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      setImmediate(() => this.#sweepIdle());
    }, wait);
    this.#idleTimer.unref();
  }

  #sweepIdle(): void {
    const now = performance.now();
    for (const up of [...this.#uploads.values()]) {
      // A write that takes longer than `idleMs` (a sink that never calls back) is a stall too.
      if (this.#live(up) && now - up.lastAt >= this.idleMs) {
        this.#end(up, UploadStatus.Failed, ErrorCode.upload_stalled, ErrorCode.upload_stalled);
      }
    }
    this.#armIdle();
  }

  #set(up: Upload, next: UploadEntry): void {
    const prev = up.entry;
    up.entry = next;
    this.#entries.set(this.#entries.peek().map((e) => (e === prev ? next : e)));
  }

  async #drop(id: string): Promise<void> {
    const up = this.#uploads.get(id);
    if (up === undefined) return;
    this.#uploads.delete(id);
    this.#host.close(id);
    await up.sink?.abort(ErrorCode.upload_cancelled);
  }
}

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new ConfigError(`useUpload.${name}`, "must be a positive integer");
  }
  return v;
}
