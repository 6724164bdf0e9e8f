/**
 * File snapshot store: the embedded default for a single instance. Checkpoints survive a
 * restart (and a deploy that keeps the directory); a SIGKILL loses at most the saves
 * that had not resolved yet.
 *
 * Layout: **one file per session**, `<dir>/sessions/<sha256(id) hex>.vgs`. An append log
 * was the alternative: one sequential write per save, but every load would need an
 * in-memory index rebuilt by replaying the log at start, a torn tail to detect, and a
 * compaction pass to rewrite live entries — while sessions are small (a checkpoint is
 * ~100 B–10 KB), read back by id and replaced wholesale, which is exactly what a file per
 * id does with no index. The name is a hash so any id is a safe file name (no `../`, no
 * case folding on case-insensitive file systems); the id is stored inside and checked on
 * load.
 *
 * Writes run on one writer thread (`file-writer.ts`) with synchronous calls, a batch
 * per message: a flush of a hundred checkpoints costs the event loop one `postMessage`.
 * The thread keeps the files it overwrites in place open for their sessions' next saves
 * (`openFiles`), checking each time that the file is still the one at its path.
 * Loads, touches, deletes and sweeps are rare and stay on libuv's pool; calls on one id
 * still take effect in call order (`KeyedQueue`).
 *
 * How a save replaces a file, so that no crash leaves a torn checkpoint:
 * - **A file of one page or less** (≤ 4 KiB, nearly every checkpoint) is overwritten in
 *   place: one `pwrite` at offset 0, then, if the file was longer (`fstat` tells; a
 *   checkpoint seldom shrinks), `ftruncate` to its length. A write within one
 *   page is never cut short by a signal (the kernel checks for a fatal signal between
 *   pages, not within one), so a SIGKILL leaves the old file or the new one; a SIGKILL
 *   between the write and the truncate leaves the new file with a stale tail, which the
 *   length field excludes. No inode is created, so no directory entry changes: ~15 µs of
 *   kernel time on ext4 where a temporary file and a rename cost ~80 µs (BENCHMARKS.md,
 *   "Persistence under load").
 * - **A larger file, or any file with `fsync: true`**, is written to a temporary file in
 *   the same directory and renamed over the old one; `rename(2)` within one file system
 *   is atomic, so a reader sees the old checkpoint or the new one, never a mix.
 *
 * File format (little-endian): magic `VGS\x03`; f64 expiry (ms since the epoch); u32
 * CRC-32 of what follows it up to the end of the checkpoint; u32 length of the id and
 * checkpoint; u16 id length; u32 fence; the id (UTF-8); the checkpoint; bytes past the
 * length are ignored. `touch` rewrites only the 8 expiry bytes in place (outside the
 * CRC); the fence, which only a save writes, is under it, so a damaged fence is caught
 * like any damaged byte. A file that fails its checks (torn by a power loss without
 * `fsync`) is deleted and reads as absent. Files of the earlier formats are still read,
 * as fence 0, so an upgrade keeps the sessions on disk: `VGS\x02` is this one without
 * the fence (which was appended to its header, so every other offset is the same), and
 * `VGS\x01` has no length field either (the checkpoint runs to the end of the file).
 *
 * Fences (`session-store.ts`) are checked by the writer thread, the only writer of the
 * checkpoints, before it writes a file: a checkpoint it still keeps open costs nothing
 * more (it remembers the fence it wrote there), one opened or replaced by rename costs a
 * read of its header (`file-writer.ts` has the details). The files a live checkpoint with
 * a greater fence kept are reported back, not failed: `save` resolves `false`, `saveAll`
 * with their ids.
 *
 * Durability: without `fsync` a save resolves once the kernel has the data — a process
 * crash or SIGKILL loses nothing that resolved, a kernel crash or power loss can lose
 * recent saves. `fsync: true` flushes the file and the directory before resolving
 * (expensive on real disks; see BENCHMARKS.md).
 *
 * One process per directory: two processes sharing one would race on expiry sweeps, and
 * one could read a page another is overwriting (the CRC then fails: the read is retried
 * once before the file is treated as damaged).
 */
import { hash } from "node:crypto";
import { mkdir, open, readdir, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { crc32 } from "node:zlib";
import {
  checkData,
  checkFence,
  checkId,
  checkTtl,
  lastPerId,
  NONE_REFUSED,
  plainBytes,
  type SessionEntry,
  type SessionStore,
  storeUnavailable,
} from "../session-store.ts";
import {
  defaultOpenFiles,
  FileWriter,
  HEADER,
  MAGIC,
  OFF_CRC,
  OFF_EXPIRY,
  OFF_FENCE,
  OFF_ID_LEN,
  OFF_LENGTH,
  type WriteItem,
} from "./file-writer.ts";
import { KeyedQueue } from "./keyed-queue.ts";

export interface FileSessionStoreOptions {
  /** The state directory: checkpoints go to `<dir>/sessions/`, beside the generated secret. */
  readonly dir: string;
  /** Flush each save to the disk (file and directory) before it resolves (default false). */
  readonly fsync?: boolean;
  /** Period of the expiry sweep in ms (default 60,000; 0 disables the timer). */
  readonly sweepIntervalMs?: number;
  /**
   * Checkpoint files kept open between saves, so a busy session's next save skips the
   * `open` and `close` (default: an eighth of the process's open-file limit, at most
   * 8,192; 0 keeps none). A file is closed after 10 s without a save. None on Windows,
   * where a deleted file may stay at its path while it is open.
   */
  readonly openFiles?: number;
}

// The current format's header is laid out in file-writer.ts (its thread reads fences).
/** The second format: the current one without the fence (its header ends before it). */
const MAGIC_V2 = 0x02534756;
const V2_HEADER = OFF_FENCE;
/** The first format: no length field, the checkpoint runs to the end of the file. */
const MAGIC_V1 = 0x01534756;
const V1_OFF_ID_LEN = 16;
const V1_HEADER = 18;
/** Files up to one page are overwritten in place (see the module comment). */
const IN_PLACE_MAX = 4096;
/** Before a file that fails its CRC is deleted, it is read again after this many ms. */
const REREAD_MS = 20;
const SUFFIX = ".vgs";
const TMP_SUFFIX = ".tmp";
/** A temporary file older than this is left over from a crash (a write takes milliseconds). */
const STALE_TMP_MS = 60_000;
/** Longest header with the id: ids are ≤ 256 UTF-16 units, so ≤ 768 UTF-8 bytes. */
const MAX_HEAD = HEADER + 768;

const isMissing = (e: unknown) => (e as { code?: unknown }).code === "ENOENT";
const noneFenced = (fenced: readonly number[]) => fenced.length === 0;

function fileName(id: string): string {
  return hash("sha256", id, "hex") + SUFFIX;
}

/** Bytes of the file for `id` holding `data`. */
function fileLength(id: string, data: Uint8Array): number {
  return HEADER + Buffer.byteLength(id) + data.length;
}

/** Writes the file for one checkpoint into `buf` at `at` (a copy: the caller may reuse `data`). */
function encodeFileInto(
  buf: Buffer,
  at: number,
  id: string,
  data: Uint8Array,
  expiresAt: number,
  fence: number,
): number {
  buf.writeUInt32LE(MAGIC, at);
  buf.writeDoubleLE(expiresAt, at + OFF_EXPIRY);
  const idLen = buf.write(id, at + HEADER, "utf8");
  buf.writeUInt32LE(idLen + data.length, at + OFF_LENGTH);
  buf.writeUInt16LE(idLen, at + OFF_ID_LEN);
  buf.writeUInt32LE(fence, at + OFF_FENCE);
  buf.set(data, at + HEADER + idLen);
  const end = at + HEADER + idLen + data.length;
  buf.writeUInt32LE(crc32(buf.subarray(at + OFF_LENGTH, end)), at + OFF_CRC);
  return end;
}

/** Where a checkpoint's parts are in its file, by format. */
interface Layout {
  /** Where the CRC-covered bytes start. */
  readonly crcFrom: number;
  readonly idAt: number;
  readonly idLen: number;
  /** End of the checkpoint (the first format: the end of what was read). */
  readonly end: number;
}

/** The layout of the first `bytesRead` bytes of a file, or `undefined` when it is no checkpoint. */
function layoutOf(head: Buffer, bytesRead: number): Layout | undefined {
  if (bytesRead < OFF_CRC + 4) return undefined;
  const magic = head.readUInt32LE(0);
  const idAt = magic === MAGIC ? HEADER : magic === MAGIC_V2 ? V2_HEADER : 0;
  if (idAt > 0 && bytesRead >= idAt) {
    return {
      crcFrom: OFF_LENGTH,
      idAt,
      idLen: head.readUInt16LE(OFF_ID_LEN),
      end: idAt + head.readUInt32LE(OFF_LENGTH),
    };
  }
  if (magic === MAGIC_V1 && bytesRead >= V1_HEADER) {
    const idLen = head.readUInt16LE(V1_OFF_ID_LEN);
    return { crcFrom: V1_OFF_ID_LEN, idAt: V1_HEADER, idLen, end: bytesRead };
  }
  return undefined;
}

/** The layout of a whole file whose lengths and CRC check out, else `undefined`. */
function parseFile(buf: Buffer): Layout | undefined {
  const l = layoutOf(buf, buf.length);
  if (l === undefined || l.end > buf.length || l.idAt + l.idLen > l.end) return undefined;
  return crc32(buf.subarray(l.crcFrom, l.end)) === buf.readUInt32LE(OFF_CRC) ? l : undefined;
}

/**
 * @example
 * const store = await FileSessionStore.open({ dir: ".vango" });
 * await store.save(id, bytes, 15 * 60_000);
 */
export class FileSessionStore implements SessionStore {
  readonly #dir: string;
  readonly #fsync: boolean;
  readonly #queue: KeyedQueue;
  readonly #writer: FileWriter;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<number> | undefined;

  private constructor(dir: string, fsync: boolean, openFiles: number) {
    this.#dir = dir;
    this.#fsync = fsync;
    this.#queue = new KeyedQueue();
    this.#writer = new FileWriter(dir, { fsync, openFiles });
    this.#timer = undefined;
    this.#sweeping = undefined;
  }

  /**
   * Creates `<dir>/sessions/` (mode 0700) when missing, removes temporary files a crash
   * left behind, and checks the directory is writable — so a misconfigured directory
   * fails at startup (`store_unavailable`), not at the first checkpoint.
   */
  static async open(options: FileSessionStoreOptions): Promise<FileSessionStore> {
    if (typeof options.dir !== "string" || options.dir === "") {
      throw new RangeError("file session store: dir must be a non-empty path");
    }
    const every = options.sweepIntervalMs ?? 60_000;
    if (!Number.isFinite(every) || every < 0) {
      throw new RangeError("file session store: sweepIntervalMs must be ≥ 0");
    }
    const openFiles = options.openFiles ?? defaultOpenFiles();
    if (!Number.isInteger(openFiles) || openFiles < 0) {
      throw new RangeError("file session store: openFiles must be an integer ≥ 0");
    }
    // Windows may keep a deleted file that is still open at its path, links and all,
    // until it is closed: whether a kept file is still the one at its path is unknowable.
    const store = new FileSessionStore(
      join(options.dir, "sessions"),
      options.fsync ?? false,
      process.platform === "win32" ? 0 : openFiles,
    );
    try {
      await mkdir(store.#dir, { recursive: true, mode: 0o700 });
      for (const name of await readdir(store.#dir)) {
        if (name.endsWith(TMP_SUFFIX)) await unlink(join(store.#dir, name)).catch(() => {});
      }
      const probe = join(store.#dir, `.probe.${process.pid}${TMP_SUFFIX}`);
      await (await open(probe, "w", 0o600)).close();
      await unlink(probe);
    } catch (e) {
      throw storeUnavailable(`file store directory ${store.#dir}`, e);
    }
    if (every > 0) store.#timer = setInterval(() => void store.sweep(), every).unref();
    return store;
  }

  /** `<dir>/sessions`, where the checkpoint files are. */
  get directory(): string {
    return this.#dir;
  }

  save(id: string, data: Uint8Array, ttlMs: number, fence = 0): Promise<boolean> {
    try {
      checkId(id);
      checkData(data);
      checkTtl(ttlMs);
      checkFence(fence);
    } catch (e) {
      return Promise.reject(e);
    }
    const batch = this.#encode([{ id, data, ttlMs, fence }]);
    return this.#queue.run(id, () => this.#write(batch)).then(noneFenced);
  }

  load(id: string): Promise<Uint8Array | undefined> {
    try {
      checkId(id);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#queue.run(id, () => this.#read(id));
  }

  delete(id: string): Promise<void> {
    try {
      checkId(id);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#queue.run(id, () => this.#unlink(join(this.#dir, fileName(id)), "file delete"));
  }

  touch(id: string, ttlMs: number): Promise<boolean> {
    try {
      checkId(id);
      checkTtl(ttlMs);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#queue.run(id, () => this.#touch(fileName(id), ttlMs));
  }

  /**
   * Writes every entry in one batch on the writer thread; all are attempted before a
   * failure is reported. Resolves with the ids a greater fence kept.
   */
  async saveAll(entries: readonly SessionEntry[]): Promise<readonly string[]> {
    const list = lastPerId(entries);
    if (list.length === 0) return NONE_REFUSED;
    const batch = this.#encode(list);
    const fenced = await this.#queue.runMany(
      list.map((e) => e.id),
      () => this.#write(batch),
    );
    return fenced.length === 0 ? NONE_REFUSED : fenced.map((i) => list[i]!.id);
  }

  /**
   * Deletes expired checkpoints and temporary files a crash left behind; returns how many
   * checkpoints were deleted. Runs on the timer; one sweep at a time.
   */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  /** Stops the sweep timer, waits for the writes in flight, closes the files kept open and stops the writer thread. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#queue.idle();
    await this.#sweeping;
    await this.#writer.close();
  }

  /**
   * The files for `entries`, back to back in one fresh buffer (encoded now, so the caller
   * may reuse its bytes at once), and where each one is.
   */
  #encode(entries: readonly SessionEntry[]): { items: WriteItem[]; buffer: ArrayBuffer } {
    let total = 0;
    for (const e of entries) total += fileLength(e.id, e.data);
    // Not `allocUnsafe`: a small one is a slice of Node's shared pool, which is not ours to transfer.
    const buf = Buffer.from(new ArrayBuffer(total));
    const now = Date.now();
    const items: WriteItem[] = [];
    let at = 0;
    for (const e of entries) {
      const fence = e.fence ?? 0;
      const end = encodeFileInto(buf, at, e.id, e.data, now + e.ttlMs, fence);
      items.push({
        name: fileName(e.id),
        start: at,
        end,
        inPlace: !this.#fsync && end - at <= IN_PLACE_MAX,
        fence,
      });
      at = end;
    }
    return { items, buffer: buf.buffer as ArrayBuffer };
  }

  /**
   * Hands an encoded batch to the writer thread; resolves with the indexes of the items a
   * greater fence kept, rejects with the first file's failure.
   */
  async #write(batch: { items: WriteItem[]; buffer: ArrayBuffer }): Promise<readonly number[]> {
    let result: Awaited<ReturnType<FileWriter["write"]>>;
    try {
      result = await this.#writer.write(batch.items, batch.buffer);
    } catch (e) {
      throw storeUnavailable("file save", e);
    }
    const i = result.errors.findIndex((e) => e !== null);
    if (i >= 0) {
      const { message, code } = result.errors[i]!;
      const cause = Object.assign(new Error(message), { code });
      throw storeUnavailable("file save", cause);
    }
    return result.fenced;
  }

  async #read(id: string): Promise<Uint8Array | undefined> {
    const path = join(this.#dir, fileName(id));
    let buf: Buffer | undefined;
    let parsed: Layout | undefined;
    for (let attempt = 0; attempt < 2 && parsed === undefined; attempt++) {
      // A second look first: another process may have been overwriting the page.
      if (attempt > 0) await sleep(REREAD_MS);
      try {
        buf = await readFile(path);
      } catch (e) {
        if (isMissing(e)) return undefined;
        throw storeUnavailable("file load", e);
      }
      parsed = parseFile(buf);
    }
    if (parsed === undefined || buf!.readDoubleLE(OFF_EXPIRY) <= Date.now()) {
      await this.#unlink(path, "file load");
      return undefined;
    }
    // Another id with the same SHA-256: never seen, but then this file is not ours.
    const idEnd = parsed.idAt + parsed.idLen;
    if (buf!.toString("utf8", parsed.idAt, idEnd) !== id) return undefined;
    return plainBytes(buf!.subarray(idEnd, parsed.end));
  }

  async #touch(name: string, ttlMs: number): Promise<boolean> {
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(join(this.#dir, name), "r+");
    } catch (e) {
      if (isMissing(e)) return false;
      throw storeUnavailable("file touch", e);
    }
    try {
      const head = Buffer.alloc(HEADER);
      const { bytesRead } = await fh.read(head, 0, HEADER, 0);
      if (layoutOf(head, bytesRead) === undefined) return false;
      const now = Date.now();
      if (head.readDoubleLE(OFF_EXPIRY) <= now) return false;
      head.writeDoubleLE(now + ttlMs, OFF_EXPIRY);
      await fh.write(head, OFF_EXPIRY, 8, OFF_EXPIRY);
      if (this.#fsync) await fh.datasync();
      return true;
    } catch (e) {
      throw storeUnavailable("file touch", e);
    } finally {
      await fh.close();
    }
  }

  async #unlink(path: string, what: string): Promise<void> {
    try {
      await unlink(path);
    } catch (e) {
      if (!isMissing(e)) throw storeUnavailable(what, e);
    }
  }

  async #sweep(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch {
      return 0;
    }
    const head = Buffer.alloc(MAX_HEAD);
    let deleted = 0;
    for (const name of names) {
      const path = join(this.#dir, name);
      if (name.endsWith(TMP_SUFFIX)) {
        const s = await stat(path).catch(() => undefined);
        if (s !== undefined && s.mtimeMs < Date.now() - STALE_TMP_MS) {
          await unlink(path).catch(() => {});
        }
        continue;
      }
      if (!name.endsWith(SUFFIX)) continue;
      const found = await inspect(path, head);
      if (found === LIVE) continue;
      if (found === CORRUPT) {
        // Final files only appear by rename, complete: a bad header is damage, not a write
        // in progress. The age check keeps clear of a save that replaced it just now.
        const s = await stat(path).catch(() => undefined);
        if (s !== undefined && s.mtimeMs < Date.now() - STALE_TMP_MS) {
          await unlink(path).catch(() => {});
        }
        continue;
      }
      // Through the id's queue, re-checked: a save may have replaced the file meanwhile.
      const gone = await this.#queue
        .run(found, async () => {
          if ((await inspect(path, head)) !== found) return false;
          await unlink(path);
          return true;
        })
        .catch(() => false);
      if (gone) deleted++;
    }
    return deleted;
  }
}

const LIVE = 0;
const CORRUPT = 1;

/** The id stored in `path` when its checkpoint has expired, else `LIVE` or `CORRUPT` (or gone). */
async function inspect(path: string, head: Buffer): Promise<string | typeof LIVE | typeof CORRUPT> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, "r");
  } catch {
    return LIVE;
  }
  try {
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const l = layoutOf(head, bytesRead);
    if (l === undefined) return CORRUPT;
    if (head.readDoubleLE(OFF_EXPIRY) > Date.now()) return LIVE;
    if (l.idAt + l.idLen > bytesRead) return CORRUPT;
    return head.toString("utf8", l.idAt, l.idAt + l.idLen);
  } catch {
    return LIVE;
  } finally {
    await fh.close();
  }
}
