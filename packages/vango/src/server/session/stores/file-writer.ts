/**
 * The file store's writer thread: checkpoint files are written by one worker thread with
 * synchronous calls, a batch per message, so the event loop pays one `postMessage` for a
 * hundred files instead of four thread-pool round trips for each (open, write, truncate,
 * close — each a callback, a promise and a futex wake-up on the main thread). Measured in
 * BENCHMARKS.md ("Persistence under load"): ~15 µs of CPU per small checkpoint, against
 * 35–70 µs through libuv's pool.
 *
 * A batch travels as one transferred `ArrayBuffer` holding every file back to back (no
 * copy, no pooled `Buffer` slab cloned along). The thread writes each file as the store
 * decided — overwritten in place, or written beside and renamed, with `fdatasync` when
 * asked — and answers with one error (or `null`) per file: every file is attempted.
 *
 * **Open files.** A file overwritten in place stays open between saves (up to
 * `openFiles` of them, least recently used closed first, and none unused for
 * `idleMs`), so the next checkpoint of a busy session is `fstat` + `pwrite` instead of
 * `open` + `fstat` + `pwrite` + `close`: a quarter less CPU per checkpoint. The
 * `fstat` is also the check that the open file is still the one at its path: a file
 * that was deleted (by the store, its sweep, or anyone) or replaced by a rename has no
 * link left (`nlink` 0), and the path is opened again — so a save never lands in a file
 * no one can read, and a vanished directory still fails the save.
 *
 * The thread's code is a string evaluated by `new Worker(…, { eval: true })`, so it loads
 * the same way from the sources, the built package or a bundle, with no loader or file
 * path involved; it is plain JavaScript that uses only `node:fs` and `node:path`. It is
 * started on the first write, held (`ref`) only while a batch is in flight so it never
 * keeps the process alive, and restarted after a crash (the batches in flight then fail
 * with `store_unavailable`, like any other write failure).
 */
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";

/** One file of a batch: its bytes are `buffer[start, end)`. */
export interface WriteItem {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** Overwrite from offset 0 and truncate; otherwise temp file + rename. */
  readonly inPlace: boolean;
}

/** Why one file of a batch failed (the thread's `Error`, as data). */
export interface WriteFailure {
  readonly message: string;
  readonly code: string | undefined;
}

interface Reply {
  readonly id: number;
  readonly errors: readonly (WriteFailure | null)[];
}

interface Pending {
  resolve(errors: readonly (WriteFailure | null)[]): void;
  reject(err: Error): void;
}

const THREAD = `
"use strict";
(async () => {
  const { parentPort, workerData } = await import("node:worker_threads");
  const fs = await import("node:fs");
  const { join } = await import("node:path");
  const { dir, fsync, openFiles, idleMs } = workerData;
  let seq = 0;
  // name → { fd, usedAt } of files written in place, least recently used first.
  const kept = new Map();
  const closeQuietly = (fd) => {
    try { fs.closeSync(fd); } catch {}
  };
  const drop = (name) => {
    const o = kept.get(name);
    if (o === undefined) return;
    kept.delete(name);
    closeQuietly(o.fd);
  };
  // Closes the files no one wrote for idleMs (the least recently used come first), on a
  // timer while any is kept: a session that ended leaves a deleted file open until then.
  let idleTimer;
  const closeIdle = () => {
    idleTimer = undefined;
    const now = Date.now();
    for (const [name, o] of kept) {
      if (o.usedAt > now - idleMs) break;
      kept.delete(name);
      closeQuietly(o.fd);
    }
    watchIdle();
  };
  const watchIdle = () => {
    if (idleTimer === undefined && kept.size > 0) idleTimer = setTimeout(closeIdle, idleMs);
  };
  const writeAll = (fd, bytes, at) => {
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, at + done);
  };
  const putInPlace = (name, bytes, now) => {
    let o = kept.get(name);
    let st;
    if (o !== undefined) {
      kept.delete(name);
      try {
        st = fs.fstatSync(o.fd);
      } catch {
        st = undefined;
      }
      // Deleted, or replaced by a rename, since it was opened: open the path again.
      if (st === undefined || st.nlink === 0) {
        closeQuietly(o.fd);
        o = undefined;
      }
    }
    if (o === undefined) {
      const path = join(dir, name);
      o = { fd: fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600), usedAt: now };
      try {
        st = fs.fstatSync(o.fd);
      } catch (e) {
        closeQuietly(o.fd);
        throw e;
      }
    }
    try {
      writeAll(o.fd, bytes, 0);
      // Only a file that was longer is cut: truncating to the length a file already
      // has still dirties its inode (a journal entry on ext4).
      if (st.size > bytes.length) fs.ftruncateSync(o.fd, bytes.length);
    } catch (e) {
      closeQuietly(o.fd);
      throw e;
    }
    if (openFiles === 0) {
      closeQuietly(o.fd);
      return;
    }
    if (kept.size >= openFiles) drop(kept.keys().next().value);
    o.usedAt = now;
    kept.set(name, o);
  };
  const putRenamed = (name, bytes) => {
    // The open file, if any, is about to be replaced.
    drop(name);
    const path = join(dir, name);
    const tmp = path + "." + process.pid + ".w" + seq++ + ".tmp";
    try {
      const fd = fs.openSync(tmp, "wx", 0o600);
      try {
        writeAll(fd, bytes, 0);
        if (fsync) fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, path);
    } catch (e) {
      try { fs.unlinkSync(tmp); } catch {}
      throw e;
    }
  };
  const failure = (e) => ({ message: String((e && e.message) || e), code: e && e.code });
  parentPort.on("message", ({ id, items, buffer, close }) => {
    if (close) {
      clearTimeout(idleTimer);
      idleTimer = undefined;
      for (const o of kept.values()) closeQuietly(o.fd);
      kept.clear();
      parentPort.postMessage({ id, errors: [] });
      return;
    }
    const all = new Uint8Array(buffer);
    const now = Date.now();
    let renamed = false;
    const errors = items.map((item) => {
      const bytes = all.subarray(item.start, item.end);
      try {
        if (item.inPlace) {
          putInPlace(item.name, bytes, now);
        } else {
          putRenamed(item.name, bytes);
          renamed = true;
        }
        return null;
      } catch (e) {
        return failure(e);
      }
    });
    if (fsync && renamed) {
      try {
        const d = fs.openSync(dir, "r");
        try { fs.fsyncSync(d); } finally { fs.closeSync(d); }
      } catch (e) {
        const f = failure(e);
        for (let i = 0; i < errors.length; i++) if (!items[i].inPlace) errors[i] ??= f;
      }
    }
    watchIdle();
    parentPort.postMessage({ id, errors });
  });
})();
`;

export interface FileWriterOptions {
  /** `fdatasync` each renamed file, and the directory after a batch that renamed one. */
  readonly fsync: boolean;
  /** Files kept open between in-place writes (0: each is closed once written). */
  readonly openFiles: number;
  /** A kept file no batch wrote for this many ms is closed (default 10,000). */
  readonly idleMs?: number;
}

/** Open files kept at most by default, whatever the process's limit. */
const MAX_OPEN_FILES = 8192;
/** Kept when the process's limit cannot be read (not Linux). */
const FALLBACK_OPEN_FILES = 256;

/**
 * How many checkpoint files to keep open by default: an eighth of the process's limit on
 * open files (sockets need the rest), at most 8,192. Node raises its soft limit to the
 * hard one at start, so this reads what the process may really use.
 */
export function defaultOpenFiles(): number {
  let text: string;
  try {
    text = readFileSync("/proc/self/limits", "latin1");
  } catch {
    return FALLBACK_OPEN_FILES;
  }
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  if (m === null) return FALLBACK_OPEN_FILES;
  const soft = m[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(m[1]);
  return Math.min(MAX_OPEN_FILES, Math.floor(soft / 8));
}

/**
 * @example
 * const writer = new FileWriter("/srv/app/.vango/sessions", { fsync: false, openFiles: 1024 });
 * const errors = await writer.write(items, buffer); // one entry per item, null = written
 */
export class FileWriter {
  readonly #dir: string;
  readonly #options: Required<FileWriterOptions>;
  #worker: Worker | undefined = undefined;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();

  constructor(dir: string, options: FileWriterOptions) {
    this.#dir = dir;
    this.#options = { idleMs: 10_000, ...options };
  }

  /**
   * Writes every item of a batch whose bytes are in `buffer` (transferred: the caller
   * must not touch it again). Resolves with one entry per item (`null`: written);
   * rejects only when the thread itself failed.
   */
  write(
    items: readonly WriteItem[],
    buffer: ArrayBuffer,
  ): Promise<readonly (WriteFailure | null)[]> {
    return this.#request(this.#thread(), { items, buffer }, [buffer]);
  }

  /** Closes the files the thread keeps open and stops it (call once no write is in flight). */
  async close(): Promise<void> {
    const w = this.#worker;
    if (w === undefined) return;
    // The thread's descriptors are the process's: terminating it would not close them.
    await this.#request(w, { close: true }, []).catch(() => {});
    this.#worker = undefined;
    await w.terminate();
  }

  #request(
    worker: Worker,
    message: object,
    transfer: ArrayBuffer[],
  ): Promise<readonly (WriteFailure | null)[]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, ...message }, transfer);
    });
  }

  #thread(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const w = new Worker(THREAD, {
      eval: true,
      // The app's flags (`--import tsx`, `--input-type`…) are not this code's business.
      execArgv: [],
      workerData: { dir: this.#dir, ...this.#options },
      stdout: false,
      stderr: false,
    });
    w.unref();
    w.on("message", (m: Reply) => {
      const p = this.#pending.get(m.id);
      if (p === undefined) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) w.unref();
      p.resolve(m.errors);
    });
    const fail = (err: Error) => {
      if (this.#worker === w) this.#worker = undefined;
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of pending) p.reject(err);
    };
    w.on("error", fail);
    w.on("exit", (code) => {
      if (this.#pending.size > 0) fail(new Error(`file writer thread exited (code ${code})`));
      else if (this.#worker === w) this.#worker = undefined;
    });
    this.#worker = w;
    return w;
  }
}
