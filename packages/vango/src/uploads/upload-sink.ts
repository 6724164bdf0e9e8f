/**
 * Where an upload's bytes go, one chunk at a time and in order: a temp file (the
 * default) or a `Writable` the app hands over (`useUpload({ sink })`). The field awaits
 * each `write` before it takes the next chunk and before it acknowledges the chunk to
 * the browser, so a slow disk or a slow consumer slows the sender down — the bytes in
 * memory stay within the upload's window.
 */
import type { FileHandle } from "node:fs/promises";
import { open as openFile, rm } from "node:fs/promises";
import type { Writable } from "node:stream";
import { ErrorCode as E, type ErrorCode } from "../protocol/errors.ts";
import { ServerError } from "../server/core/errors.ts";

export interface UploadSink {
  /** Takes the next chunk; resolves once it was written (or consumed). */
  write(data: Uint8Array): Promise<void>;
  /** The file is complete: flush and close. */
  end(): Promise<void>;
  /** Drops the file: a temp file is deleted, a stream destroyed with a coded error. */
  abort(code: ErrorCode): Promise<void>;
}

/** A temp file at `path` (`0600`), written at increasing offsets. */
export class FileSink implements UploadSink {
  readonly path: string;
  #handle: FileHandle | undefined;
  #pos = 0;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  static async create(path: string): Promise<FileSink> {
    return new FileSink(path, await openFile(path, "w", 0o600));
  }

  async write(data: Uint8Array): Promise<void> {
    const h = this.#handle;
    if (h === undefined) throw new ServerError(E.internal_error, "upload file closed");
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await h.write(data, done, data.length - done, this.#pos);
      done += bytesWritten;
      this.#pos += bytesWritten;
    }
  }

  async end(): Promise<void> {
    const h = this.#handle;
    this.#handle = undefined;
    await h?.close();
  }

  /** Closes and deletes the file (also after `end`: a settled entry dropped). */
  async abort(): Promise<void> {
    const h = this.#handle;
    this.#handle = undefined;
    await h?.close().catch(() => undefined);
    await rm(this.path, { force: true }).catch(() => undefined);
  }
}

/**
 * The app's `Writable`. Each chunk is one `write` whose callback is awaited, so the
 * stream never holds more than the chunk it is working on beyond its own buffer.
 */
export class StreamSink implements UploadSink {
  readonly #w: Writable;
  #error: Error | undefined;

  constructor(w: Writable) {
    this.#w = w;
    // An 'error' without a listener would crash the process; the write or end that
    // meets it rejects instead.
    w.on("error", (err: Error) => {
      this.#error ??= err;
    });
  }

  write(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#error !== undefined || this.#w.destroyed) {
        reject(this.#error ?? new ServerError(E.handler_error, "upload stream destroyed"));
        return;
      }
      this.#w.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  end(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#error !== undefined || this.#w.destroyed) {
        reject(this.#error ?? new ServerError(E.handler_error, "upload stream destroyed"));
        return;
      }
      this.#w.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }

  async abort(code: ErrorCode): Promise<void> {
    if (!this.#w.destroyed && !this.#w.writableFinished) {
      this.#w.destroy(new ServerError(code, `upload ended: ${code}`));
    }
  }
}
