/**
 * The upload field on its own (a fake host in place of the session and the hook): the
 * stream sink — bytes in order, each write awaited before the next chunk and before its
 * ack, the window bounding what waits in memory, end and destroy with coded errors —,
 * idle expiry, and the options it refuses.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/protocol/errors.ts";
import { ConfigError } from "../../src/server/core/errors.ts";
import type { DataReceiver } from "../../src/server/session/data-channels.ts";
import { mountTest } from "../../src/testing/mount-test.ts";
import {
  UploadField,
  type UploadFieldHost,
  type UploadInfo,
  type UploadOptions,
} from "../../src/uploads/upload-field.ts";
import { useUpload } from "../../src/uploads/use-upload.ts";
import { captureLogger } from "../server/helpers.ts";

const CHUNK = 256 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class FakeHost implements UploadFieldHost {
  readonly channels = new Map<string, DataReceiver>();
  readonly acks: [string, number][] = [];
  readonly stops: [string, string][] = [];
  open(id: string, rx: DataReceiver): void {
    this.channels.set(id, rx);
  }
  close(id: string): void {
    this.channels.delete(id);
  }
  ack(id: string, at: number): void {
    this.acks.push([id, at]);
  }
  stop(id: string, code: string): void {
    this.stops.push([id, code]);
  }
}

/** A Writable whose write callbacks wait until released: a consumer as slow as the test wants. */
class SlowSink extends Writable {
  readonly got: Buffer[] = [];
  /** Writes started and not called back yet. */
  outstanding = 0;
  maxOutstanding = 0;
  finished = false;
  #pending: (() => void)[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.got.push(Buffer.from(chunk));
    this.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    this.#pending.push(() => {
      this.outstanding--;
      cb();
    });
  }

  override _final(cb: () => void): void {
    this.finished = true;
    cb();
  }

  /** Calls back the oldest write. */
  release(): void {
    this.#pending.shift()?.();
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vango-upload-field-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function make(options: UploadOptions): { field: UploadField; host: FakeHost } {
  const host = new FakeHost();
  return { field: new UploadField({ dir, ...options }, host, captureLogger()), host };
}

describe("the stream sink", () => {
  it("gets every byte in order, one write at a time, acks only what it consumed, then ends", async () => {
    const sinks: SlowSink[] = [];
    const infos: UploadInfo[] = [];
    const { field, host } = make({
      chunkBytes: CHUNK,
      sink: (info) => {
        infos.push(info);
        const s = new SlowSink();
        sinks.push(s);
        return s;
      },
    });
    expect(field.window).toBe(2);
    const data = randomBytes(5 * CHUNK + 7);
    const [r] = await field.announce([{ name: "v.mp4", size: data.length, type: "video/mp4" }]);
    const id = (r as { id: string }).id;
    expect(infos).toEqual([{ id, name: "v.mp4", size: data.length, type: "video/mp4" }]);
    const sink = sinks[0]!;
    const rx = host.channels.get(id)!;
    const chunk = (i: number) => data.subarray(i * CHUNK, Math.min((i + 1) * CHUNK, data.length));

    // Two chunks fit the window; the third is refused while nothing was consumed.
    expect(rx(0, chunk(0))).toBe(true);
    expect(rx(CHUNK, chunk(1))).toBe(true);
    expect(rx(2 * CHUNK, chunk(2))).toBe(false);
    await sleep(10);
    expect(sink.outstanding).toBe(1);
    expect(host.acks).toEqual([]);
    expect(field.entries.peek()[0]!.received).toBe(0);

    // Each release lets one chunk through, acks it, and makes room for one more.
    let next = 2;
    for (let written = 1; written <= 6; written++) {
      sink.release();
      await sleep(5);
      expect(host.acks.at(-1)).toEqual([id, Math.min(written * CHUNK, data.length)]);
      if (next < 6) expect(rx(next * CHUNK, chunk(next++))).toBe(true);
    }
    await expect.poll(() => field.entries.peek()[0]!.status).toBe("done");
    expect(sink.maxOutstanding).toBe(1);
    expect(sink.finished).toBe(true);
    expect(Buffer.compare(Buffer.concat(sink.got), data)).toBe(0);
    expect(host.channels.size).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it("a stream that fails marks the entry failed with handler_error", async () => {
    const { field, host } = make({
      chunkBytes: CHUNK,
      sink: () =>
        new Writable({
          write(_c, _e, cb) {
            cb(new Error("disk on fire"));
          },
        }),
    });
    const [r] = await field.announce([{ name: "a", size: 2 * CHUNK, type: "" }]);
    const id = (r as { id: string }).id;
    expect(host.channels.get(id)!(0, new Uint8Array(CHUNK))).toBe(true);
    await expect
      .poll(() => field.entries.peek()[0])
      .toMatchObject({ status: "failed", error: ErrorCode.handler_error });
    expect(host.stops).toEqual([[id, ErrorCode.handler_error]]);
    expect(host.acks).toEqual([]);
  });

  it("a sink that cannot be opened refuses the file in the answer", async () => {
    const { field } = make({
      sink: () => {
        throw new Error("no room");
      },
    });
    const r = await field.announce([{ name: "a", size: 10, type: "" }]);
    expect(r).toEqual([{ error: ErrorCode.handler_error }]);
    expect(field.entries.peek()[0]).toMatchObject({ status: "failed" });
  });

  it("cancel, stall and the field's end destroy the stream with a coded error", async () => {
    const errors: unknown[] = [];
    const streams: Writable[] = [];
    const { field, host } = make({
      chunkBytes: CHUNK,
      maxFiles: 3,
      idleMs: 150,
      sink: () => {
        const w = new Writable({
          write(_c, _e, cb) {
            cb();
          },
        });
        w.on("error", (e) => errors.push((e as { code?: string }).code));
        streams.push(w);
        return w;
      },
    });
    const ids = (
      await field.announce([
        { name: "a", size: 2 * CHUNK, type: "" },
        { name: "b", size: 2 * CHUNK, type: "" },
      ])
    ).map((r) => (r as { id: string }).id);
    field.cancel(ids[0]!);
    // The second gets one chunk, then nothing: it stalls.
    expect(host.channels.get(ids[1]!)!(0, new Uint8Array(CHUNK))).toBe(true);
    await expect.poll(() => field.entries.peek()[1]!.status, { timeout: 2000 }).toBe("failed");
    expect(field.entries.peek()[1]!.error).toBe(ErrorCode.upload_stalled);
    const [c] = await field.announce([{ name: "c", size: 2 * CHUNK, type: "" }]);
    await field.close();
    await sleep(5);
    expect(errors).toEqual([
      ErrorCode.upload_cancelled,
      ErrorCode.upload_stalled,
      ErrorCode.upload_cancelled,
    ]);
    expect(streams.every((s) => s.destroyed)).toBe(true);
    expect(host.stops).toEqual([
      [ids[0], ErrorCode.upload_cancelled],
      [ids[1], ErrorCode.upload_stalled],
    ]);
    expect((c as { id: string }).id).toMatch(/^[\w-]{24}$/);
  });

  it("a write that never calls back stalls too", async () => {
    const { field, host } = make({ chunkBytes: CHUNK, idleMs: 100, sink: () => new SlowSink() });
    const [r] = await field.announce([{ name: "a", size: 2 * CHUNK, type: "" }]);
    const id = (r as { id: string }).id;
    host.channels.get(id)!(0, new Uint8Array(CHUNK));
    await expect
      .poll(() => host.stops, { timeout: 2000 })
      .toEqual([[id, ErrorCode.upload_stalled]]);
  });
});

describe("options", () => {
  it("refuses onFile with sink, a bad idleMs, a chunk size out of range", () => {
    const host = new FakeHost();
    const bad: UploadOptions[] = [
      { sink: () => new SlowSink(), onFile: () => {} },
      { idleMs: 0 },
      { chunkBytes: 1024 },
      { chunkBytes: 2 * 1024 * 1024 },
    ];
    for (const o of bad) expect(() => new UploadField(o, host)).toThrow(ConfigError);
  });

  it("a chunk size that does not fit limits.maxPayload is a config error at setup", () => {
    const logger = captureLogger();
    function Page() {
      const up = useUpload({ chunkBytes: 64 * 1024 });
      return () => <input {...up.input()} />;
    }
    let thrown: unknown;
    try {
      mountTest(Page, { limits: { maxPayload: 64 * 1024 }, logger });
    } catch (err) {
      thrown = (err as { cause?: unknown }).cause;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ option: "useUpload.chunkBytes" });
    const t = mountTest(Page, { limits: { maxPayload: 128 * 1024 } });
    expect(t.html()).toContain('data-vh="Upload"');
    t.dispose();
  });
});
