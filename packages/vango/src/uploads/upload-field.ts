/**
 * One upload field of a mounted component (what `useUpload` returns): its limits, the
 * files announced to it and their temp files.
 *
 * A file travels in three steps, all over HTTP (see `upload-http.ts`): the browser
 * announces the selection (names, sizes, types), the field judges every file against
 * its limits before a byte is read and answers an id per accepted file, then the bytes
 * arrive as chunks of exactly `chunkBytes` (the last one shorter), each at the offset
 * the field has received so far, written straight to the file at that position. No
 * chunk is ever held whole in memory: a body is written as it is read, with the
 * request paused while the disk catches up.
 *
 * Every entry is a value in one signal, so a page renders progress as it renders any
 * state; the signal is transient (an upload does not survive a restart).
 *
 * Temp files live in `dir` under random names (never the browser's file name) and are
 * deleted when the entry is dropped (a new selection replaces settled entries; `clear()`)
 * or the field is disposed with its component — at the latest when the session ends.
 * An app that keeps a file moves it away in `onFile`.
 */
import { type FileHandle, mkdir, open as openFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCode } from "../protocol/errors.ts";
import { type ReadonlySignal, type Signal, signal } from "../reactive/index.ts";
import { ConfigError } from "../server/core/errors.ts";
import type { Logger } from "../server/core/logger.ts";
import { randomToken } from "../server/core/tokens.ts";

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
  | typeof ErrorCode.handler_error;

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

/** A complete file, handed to `onFile`. */
export interface UploadedFile {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly type: string;
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
  /** Chunk size in bytes (default 256 KiB; 4 KiB–16 MiB). */
  readonly chunkBytes?: number;
  /** Directory of the temp files (default `<os tmpdir>/vango-uploads`). */
  readonly dir?: string;
  /**
   * Called once a file is complete; may be async. What it throws marks the entry
   * `failed` with `handler_error` (and is logged).
   */
  readonly onFile?: (file: UploadedFile) => unknown;
}

/** A file as the browser announces it. */
export interface AnnouncedFile {
  readonly name: string;
  readonly size: number;
  readonly type: string;
}

/** What an announcement answers per file: an id to send chunks to, or why not. */
export type AnnounceResult = { readonly id: string } | { readonly error: UploadErrorCode };

const DEFAULT_MAX_FILE = 64 * 1024 * 1024;
const DEFAULT_CHUNK = 256 * 1024;
const MIN_CHUNK = 4 * 1024;
const MAX_CHUNK = 16 * 1024 * 1024;

interface Upload {
  entry: UploadEntry;
  readonly path: string;
  handle: FileHandle | undefined;
  /** A chunk is being written. */
  busy: boolean;
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
  /** Unguessable: the field's URL segment. */
  readonly token: string;
  /** Browser session (cookie) the field's page belongs to; only it may send chunks. */
  readonly sid: string;
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  readonly accept: readonly string[];
  readonly chunkBytes: number;
  readonly dir: string;
  readonly #entries: Signal<readonly UploadEntry[]>;
  readonly #uploads = new Map<string, Upload>();
  readonly #onFile: UploadOptions["onFile"];
  readonly #logger: Logger | undefined;
  #closed = false;

  constructor(sid: string, options: UploadOptions, logger?: Logger) {
    this.token = randomToken();
    this.sid = sid;
    this.maxFileBytes = positive(options.maxFileBytes, DEFAULT_MAX_FILE, "maxFileBytes");
    this.maxFiles = positive(options.maxFiles, 1, "maxFiles");
    this.accept = Object.freeze([...(options.accept ?? [])]);
    const chunk = positive(options.chunkBytes, DEFAULT_CHUNK, "chunkBytes");
    if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) {
      throw new ConfigError("useUpload.chunkBytes", `must be ${MIN_CHUNK}–${MAX_CHUNK}`);
    }
    this.chunkBytes = chunk;
    this.dir = options.dir ?? join(tmpdir(), "vango-uploads");
    this.#onFile = options.onFile;
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
   * Judges a selection: every file against the count, size and type limits. Settled
   * entries (done, failed, cancelled) are replaced by the new ones; their temp files go.
   */
  async announce(files: readonly AnnouncedFile[]): Promise<AnnounceResult[]> {
    const running = this.#running();
    const tooMany = running + files.length > this.maxFiles;
    const results: AnnounceResult[] = [];
    const added: UploadEntry[] = [];
    const created: Upload[] = [];
    for (const f of files) {
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
      if (error !== undefined) results.push({ error });
      else {
        const up: Upload = { entry, path: join(this.dir, id), handle: undefined, busy: false };
        created.push(up);
        results.push({ id });
      }
    }
    // Shown at once (progress at 0 %), before the files are created.
    const kept = this.#entries.peek().filter((e) => e.status === UploadStatus.Uploading);
    for (const e of this.#entries.peek()) if (!kept.includes(e)) void this.#drop(e.id);
    for (const up of created) this.#uploads.set(up.entry.id, up);
    this.#entries.set([...kept, ...added]);
    if (created.length > 0) {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      for (const up of created) {
        if (this.#closed || this.#uploads.get(up.entry.id) !== up) continue;
        up.handle = await openFile(up.path, "w", 0o600);
        if (this.#closed || this.#uploads.get(up.entry.id) !== up) await this.#release(up);
      }
    }
    return results;
  }

  /** The running upload `id`, if any. */
  upload(id: string): UploadEntry | undefined {
    const up = this.#uploads.get(id);
    return up?.entry.status === UploadStatus.Uploading ? up.entry : undefined;
  }

  /**
   * Writes one chunk read from `body` at `offset` (the caller checked offset and length
   * against the entry). Returns the bytes received after it, or `undefined` when the
   * body ended short or failed: what it wrote is cut off again and the upload stays at
   * `offset`, so the same chunk may be sent again.
   */
  async writeChunk(
    id: string,
    offset: number,
    length: number,
    body: AsyncIterable<Buffer>,
  ): Promise<number | undefined> {
    const up = this.#uploads.get(id);
    if (up === undefined || up.busy || up.handle === undefined) return undefined;
    up.busy = true;
    const handle = up.handle;
    let pos = offset;
    let ok = false;
    try {
      for await (const buf of body) {
        if (pos + buf.length > offset + length) break;
        let done = 0;
        while (done < buf.length) {
          const { bytesWritten } = await handle.write(buf, done, buf.length - done, pos);
          done += bytesWritten;
          pos += bytesWritten;
        }
      }
      ok = pos === offset + length;
    } catch {
      ok = false;
    } finally {
      up.busy = false;
    }
    if (this.#closed || this.#uploads.get(id) !== up) return undefined;
    if (up.entry.status !== UploadStatus.Uploading) return undefined;
    if (!ok) {
      await handle.truncate(offset).catch(() => undefined);
      return undefined;
    }
    const received = offset + length;
    this.#set(up, { ...up.entry, received });
    if (received === up.entry.size) await this.#complete(up);
    return received;
  }

  /** Stops an upload: its file goes, later chunks are refused. */
  cancel(id: string): void {
    const up = this.#uploads.get(id);
    if (up === undefined || up.entry.status !== UploadStatus.Uploading) return;
    this.#set(up, { ...up.entry, status: UploadStatus.Cancelled });
    void this.#release(up);
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

  /** Ends the field: every temp file is deleted, every later request refused. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const all = [...this.#uploads.values()];
    this.#uploads.clear();
    await Promise.all(all.map((up) => this.#release(up)));
  }

  /** Uploads still receiving bytes. */
  #running(): number {
    let n = 0;
    for (const up of this.#uploads.values()) if (up.entry.status === UploadStatus.Uploading) n++;
    return n;
  }

  async #complete(up: Upload): Promise<void> {
    const h = up.handle;
    up.handle = undefined;
    await h?.close().catch(() => undefined);
    const e = up.entry;
    if (this.#onFile !== undefined) {
      try {
        await this.#onFile({ id: e.id, name: e.name, size: e.size, type: e.type, path: up.path });
      } catch (err) {
        this.#logger?.error({ err, code: ErrorCode.handler_error }, "upload onFile failed");
        if (this.#uploads.get(e.id) === up) {
          this.#set(up, {
            ...up.entry,
            status: UploadStatus.Failed,
            error: ErrorCode.handler_error,
          });
        }
        return;
      }
    }
    if (this.#uploads.get(e.id) === up) this.#set(up, { ...up.entry, status: UploadStatus.Done });
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
    await this.#release(up);
  }

  async #release(up: Upload): Promise<void> {
    const h = up.handle;
    up.handle = undefined;
    await h?.close().catch(() => undefined);
    await rm(up.path, { force: true }).catch(() => undefined);
  }
}

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new ConfigError(`useUpload.${name}`, "must be a positive integer");
  }
  return v;
}
