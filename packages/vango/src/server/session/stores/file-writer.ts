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
 * The thread's code is a string evaluated by `new Worker(…, { eval: true })`, so it loads
 * the same way from the sources, the built package or a bundle, with no loader or file
 * path involved; it is plain JavaScript that uses only `node:fs` and `node:path`. It is
 * started on the first write, held (`ref`) only while a batch is in flight so it never
 * keeps the process alive, and restarted after a crash (the batches in flight then fail
 * with `store_unavailable`, like any other write failure).
 */
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
  const { dir, fsync } = workerData;
  let seq = 0;
  const writeAll = (fd, bytes, at) => {
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, at + done);
  };
  const put = (item, bytes) => {
    const path = join(dir, item.name);
    if (item.inPlace) {
      const fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600);
      try {
        writeAll(fd, bytes, 0);
        // Only a file that was longer is cut: truncating to the length a file already
        // has still dirties its inode (a journal entry on ext4), where fstat reads it.
        if (fs.fstatSync(fd).size > bytes.length) fs.ftruncateSync(fd, bytes.length);
      } finally {
        fs.closeSync(fd);
      }
      return false;
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
  parentPort.on("message", ({ id, items, buffer }) => {
    const all = new Uint8Array(buffer);
    let renamed = false;
    const errors = items.map((item) => {
      try {
        renamed = put(item, all.subarray(item.start, item.end)) || renamed;
        return null;
      } catch (e) {
        return { message: String((e && e.message) || e), code: e && e.code };
      }
    });
    if (fsync && renamed) {
      try {
        const d = fs.openSync(dir, "r");
        try { fs.fsyncSync(d); } finally { fs.closeSync(d); }
      } catch (e) {
        const failure = { message: String((e && e.message) || e), code: e && e.code };
        for (let i = 0; i < errors.length; i++) if (!items[i].inPlace) errors[i] ??= failure;
      }
    }
    parentPort.postMessage({ id, errors });
  });
})();
`;

/**
 * @example
 * const writer = new FileWriter("/srv/app/.vango/sessions", false);
 * const errors = await writer.write(items, buffer); // one entry per item, null = written
 */
export class FileWriter {
  readonly #dir: string;
  readonly #fsync: boolean;
  #worker: Worker | undefined = undefined;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();

  constructor(dir: string, fsync: boolean) {
    this.#dir = dir;
    this.#fsync = fsync;
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
    const worker = this.#thread();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, items, buffer }, [buffer]);
    });
  }

  /** Stops the thread (call once no write is in flight). */
  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    if (w !== undefined) await w.terminate();
  }

  #thread(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const w = new Worker(THREAD, {
      eval: true,
      // The app's flags (`--import tsx`, `--input-type`…) are not this code's business.
      execArgv: [],
      workerData: { dir: this.#dir, fsync: this.#fsync },
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
