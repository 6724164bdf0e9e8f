/**
 * Static files compressed once per version and kept in memory, bounded. Why a cache and
 * not `name.br`/`name.gz` files beside the originals: it needs no build step from the
 * app, and it cannot go stale — an entry is valid only while the file's size and mtime
 * (its identity, the same facts its ETag is made of) are unchanged, and a sibling edited
 * separately from its original would silently serve old bytes. Compression runs in the
 * thread pool; concurrent first requests for one version share one compression. Least
 * recently used entries go when the compressed bytes exceed the budget.
 */
import type { Stats } from "node:fs";
import { open } from "node:fs/promises";
import { type Encoded, precompress } from "./representation.ts";

/** Below this a compressed file saves less than a TCP segment: not worth a Vary. */
export const MIN_COMPRESS_BYTES = 1024;
/** Above this a file is streamed as is, never read whole into memory. */
export const MAX_COMPRESS_BYTES = 4 * 1024 * 1024;
/** Compressed bytes kept in memory at most, across all files. */
export const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Brotli quality by size. Measured here on 1 MiB of JavaScript: quality 11 took 1.4 s
 * (for 151 KB), quality 9 took 64 ms (173 KB). The first request for a file waits for
 * its compression, so quality 11 is kept to files where it costs at most ~200 ms.
 */
function brotliQualityFor(size: number): number {
  return size <= 128 * 1024 ? 11 : 9;
}

export interface CompressedFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly encoded: Encoded;
}

export class CompressedFiles {
  readonly #maxBytes: number;
  #bytes = 0;
  /** Path → entry; Map order is recency (a hit re-inserts), so the first key is the LRU. */
  readonly #entries = new Map<string, CompressedFile>();
  readonly #pending = new Map<string, Promise<CompressedFile | undefined>>();

  /** @example const files = new CompressedFiles(8 * 1024 * 1024); */
  constructor(maxBytes = DEFAULT_CACHE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Compressed bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * The compressed forms of `path` at the version `st` describes, compressing on a miss;
   * `undefined` when the file changed or vanished meanwhile (the caller then serves it
   * uncompressed).
   */
  async get(path: string, st: Stats): Promise<CompressedFile | undefined> {
    const hit = this.#entries.get(path);
    if (hit !== undefined && sameVersion(hit, st)) {
      this.#entries.delete(path);
      this.#entries.set(path, hit);
      return hit;
    }
    const key = `${path}\0${st.size}\0${st.mtimeMs}`;
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#compress(path, st).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #compress(path: string, st: Stats): Promise<CompressedFile | undefined> {
    let body: Buffer;
    try {
      // Read through one handle and check its stat: the bytes then belong to the version
      // the caller's ETag names, not to a write that landed after the caller's stat.
      const fh = await open(path, "r");
      try {
        if (!sameVersion(await fh.stat(), st)) return undefined;
        body = await fh.readFile();
      } finally {
        await fh.close();
      }
    } catch {
      return undefined;
    }
    if (body.byteLength !== st.size) return undefined;
    const entry: CompressedFile = {
      size: st.size,
      mtimeMs: st.mtimeMs,
      encoded: await precompress(body, brotliQualityFor(st.size)),
    };
    this.#store(path, entry);
    return entry;
  }

  #store(path: string, entry: CompressedFile): void {
    const old = this.#entries.get(path);
    if (old !== undefined) {
      this.#entries.delete(path);
      this.#bytes -= sizeOf(old);
    }
    this.#entries.set(path, entry);
    this.#bytes += sizeOf(entry);
    for (const [p, e] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(p);
      this.#bytes -= sizeOf(e);
    }
  }
}

function sameVersion(a: { size: number; mtimeMs: number }, st: Stats): boolean {
  return a.size === st.size && a.mtimeMs === st.mtimeMs;
}

function sizeOf(e: CompressedFile): number {
  return (e.encoded.br?.byteLength ?? 0) + (e.encoded.gzip?.byteLength ?? 0);
}
