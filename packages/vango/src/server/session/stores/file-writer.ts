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
 * asked — and answers with one error (or `null`) per file, and which files a greater fence
 * kept: every file is attempted.
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
 * **Fences.** A file is not written when the live checkpoint in it holds a greater fence
 * (`session-store.ts`); the thread reports it as fenced, not failed. The thread is the
 * only writer of the directory's checkpoints (one process per directory; a touch rewrites
 * only an expiry), so the fence of what it last wrote to a file it keeps open is still
 * the file's: each kept file remembers it, and its header is read again (one `pread`)
 * only when that fence is greater than the new one — a stale copy's save, rare. The hot
 * path, a session saving over its own checkpoint, costs no syscall more (~0.2 µs of CPU
 * per checkpoint, within the noise). The expiry is not remembered: a touch on the main
 * thread may since have moved it either way, so a remembered one could take a checkpoint
 * a touch extended for expired (letting a lower fence through) or one a touch let lapse
 * for live. A file opened now (not kept) costs one `pread` of its header before it is
 * written, none when it is empty (just created): ~2 µs more per checkpoint with
 * `openFiles: 0`. A file replaced by rename costs an `open`, a `pread` and a `close`
 * besides. When a header's fence is greater and its checkpoint live, the whole file is
 * read to check its CRC before the save is refused: a damaged file, which a load reads
 * as absent, fences nothing; nor does one of an older format (fence 0).
 *
 * The thread's code is a string evaluated by `new Worker(…, { eval: true })`, so it loads
 * the same way from the sources, the built package or a bundle, with no loader or file
 * path involved; it is plain JavaScript that uses only `node:fs`, `node:path` and
 * `node:zlib` (the header's offsets are written into it from the constants below). It is
 * started on the first write, held (`ref`) only while a batch is in flight so it never
 * keeps the process alive, and restarted after a crash (the batches in flight then fail
 * with `store_unavailable`, like any other write failure).
 */
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";

// The checkpoint file header of the current format (`file-store.ts` describes it and
// writes it): defined here because the thread reads fences and expiries from it.
/** `VGS\x03` read as a little-endian u32. */
export const MAGIC = 0x03534756;
/** f64: ms since the epoch. */
export const OFF_EXPIRY = 4;
/** u32: CRC-32 of the bytes from {@link OFF_LENGTH} to the end of the checkpoint. */
export const OFF_CRC = 12;
/** u32: bytes of the id and the checkpoint, after the header. */
export const OFF_LENGTH = 16;
/** u16: bytes of the id. */
export const OFF_ID_LEN = 20;
/** u32: the save's fence. */
export const OFF_FENCE = 22;
/** Bytes before the id. */
export const HEADER = 26;

/** One file of a batch: its bytes are `buffer[start, end)`. */
export interface WriteItem {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** Overwrite from offset 0 and truncate; otherwise temp file + rename. */
  readonly inPlace: boolean;
  /** The fence in the file's header: a live file holding a greater one is left as it is. */
  readonly fence: number;
}

/** Why one file of a batch failed (the thread's `Error`, as data). */
export interface WriteFailure {
  readonly message: string;
  readonly code: string | undefined;
}

/** What became of a batch. */
export interface WriteResult {
  /** One per item: why it failed, or `null` (written, or kept by its fence). */
  readonly errors: readonly (WriteFailure | null)[];
  /** Indexes of the items not written because the live file holds a greater fence. */
  readonly fenced: readonly number[];
}

interface Reply extends WriteResult {
  readonly id: number;
}

interface Pending {
  resolve(result: WriteResult): void;
  reject(err: Error): void;
}

const THREAD = `
"use strict";
(async () => {
  const { parentPort, workerData } = await import("node:worker_threads");
  const fs = await import("node:fs");
  const { join } = await import("node:path");
  const { crc32 } = await import("node:zlib");
  const { dir, fsync, openFiles, idleMs } = workerData;
  let seq = 0;
  // name → { fd, usedAt, fence } of files written in place, least recently used first;
  // \`fence\` is the one in the file's header (what the thread last wrote or found there).
  const kept = new Map();
  const head = Buffer.alloc(${HEADER});
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
  // The fence of the checkpoint in fd when it is greater than \`fence\` and the checkpoint
  // live and whole; else -1 (empty, expired, damaged, or an older format: fence 0). The
  // file is read whole, for its CRC, only in the first case: a stale copy's save.
  const greaterFence = (fd, fence, now) => {
    if (fs.readSync(fd, head, 0, ${HEADER}, 0) < ${HEADER} || head.readUInt32LE(0) !== ${MAGIC}) {
      return -1;
    }
    const held = head.readUInt32LE(${OFF_FENCE});
    if (held <= fence || head.readDoubleLE(${OFF_EXPIRY}) <= now) return -1;
    const end = ${HEADER} + head.readUInt32LE(${OFF_LENGTH});
    if (${HEADER} + head.readUInt16LE(${OFF_ID_LEN}) > end || end > fs.fstatSync(fd).size) return -1;
    const file = Buffer.allocUnsafe(end);
    let done = 0;
    while (done < end) {
      const n = fs.readSync(fd, file, done, end - done, done);
      if (n === 0) return -1;
      done += n;
    }
    return crc32(file.subarray(${OFF_LENGTH})) === file.readUInt32LE(${OFF_CRC}) ? held : -1;
  };
  // Writes bytes over the file at name, unless a greater fence keeps it: then false.
  const putInPlace = (name, bytes, fence, now) => {
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
    const opened = o === undefined;
    if (opened) {
      // Read and write: its header is read first.
      const fd = fs.openSync(join(dir, name), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
      o = { fd, usedAt: now, fence };
    }
    let held = -1;
    try {
      if (opened) {
        st = fs.fstatSync(o.fd);
        if (st.size > 0) held = greaterFence(o.fd, fence, now);
      } else if (o.fence > fence) {
        // What the thread wrote is still there, but a touch may have moved its expiry.
        held = greaterFence(o.fd, fence, now);
      }
      if (held < 0) {
        writeAll(o.fd, bytes, 0);
        // Only a file that was longer is cut: truncating to the length a file already
        // has still dirties its inode (a journal entry on ext4).
        if (st.size > bytes.length) fs.ftruncateSync(o.fd, bytes.length);
      }
    } catch (e) {
      closeQuietly(o.fd);
      throw e;
    }
    o.fence = held < 0 ? fence : held;
    if (openFiles === 0) {
      closeQuietly(o.fd);
    } else {
      if (kept.size >= openFiles) drop(kept.keys().next().value);
      o.usedAt = now;
      kept.set(name, o);
    }
    return held < 0;
  };
  // Replaces the file at name by rename, unless a greater fence keeps it: then false.
  const putRenamed = (name, bytes, fence, now) => {
    // The open file, if any, is about to be replaced.
    drop(name);
    const path = join(dir, name);
    let fd;
    try {
      fd = fs.openSync(path, "r");
    } catch (e) {
      if (e.code !== "ENOENT") throw e;
    }
    if (fd !== undefined) {
      let held;
      try {
        held = greaterFence(fd, fence, now);
      } finally {
        fs.closeSync(fd);
      }
      if (held >= 0) return false;
    }
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
    return true;
  };
  const failure = (e) => ({ message: String((e && e.message) || e), code: e && e.code });
  parentPort.on("message", ({ id, items, buffer, close }) => {
    if (close) {
      clearTimeout(idleTimer);
      idleTimer = undefined;
      for (const o of kept.values()) closeQuietly(o.fd);
      kept.clear();
      parentPort.postMessage({ id, errors: [], fenced: [] });
      return;
    }
    const all = new Uint8Array(buffer);
    const now = Date.now();
    let renamed = false;
    const fenced = [];
    const errors = items.map((item, i) => {
      const bytes = all.subarray(item.start, item.end);
      try {
        let written;
        if (item.inPlace) {
          written = putInPlace(item.name, bytes, item.fence, now);
        } else {
          written = putRenamed(item.name, bytes, item.fence, now);
          renamed ||= written;
        }
        if (!written) fenced.push(i);
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
        for (let i = 0; i < errors.length; i++) {
          if (!items[i].inPlace && !fenced.includes(i)) errors[i] ??= f;
        }
      }
    }
    watchIdle();
    parentPort.postMessage({ id, errors, fenced });
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
 * const { errors, fenced } = await writer.write(items, buffer); // fenced: items left as they were
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
   * must not touch it again), but those a greater fence keeps. Resolves with one error
   * per item and the indexes of those fenced; rejects only when the thread itself failed.
   */
  write(items: readonly WriteItem[], buffer: ArrayBuffer): Promise<WriteResult> {
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

  #request(worker: Worker, message: object, transfer: ArrayBuffer[]): Promise<WriteResult> {
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
      p.resolve(m);
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
