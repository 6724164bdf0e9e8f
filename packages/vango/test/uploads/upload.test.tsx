/**
 * Uploads over a real socket against a real app, as the `Upload` hook speaks to it:
 * announce (a hook event), chunks (Data frames) written at their offsets into the temp
 * file and acknowledged as hook calls, limits judged before any byte is sent, cancel
 * from either side, the browser giving up, idle expiry, resuming on a new socket, an
 * announcement sent again under its number (its answer lost), cleanup when the session ends — and the adversarial cases: a chunk for another
 * session, a truncated chunk, a flood of tiny chunks, chunks past the window.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventType, FrameType, PatchOp } from "../../src/protocol/constants.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import { encodeDataFrame } from "../../src/protocol/frame-data.ts";
import type { AcceptedCall, AnnounceAnswer } from "../../src/protocol/upload-messages.ts";
import type { UploadedFile, UploadOptions } from "../../src/uploads/upload-field.ts";
import { type Upload, useUpload } from "../../src/uploads/use-upload.ts";
import { getPage, type Page, type Running, sleep, start, TestSocket } from "../server/helpers.ts";

const CHUNK = 16 * 1024;
let srv: Running | undefined;
let dir: string;
let field: Upload | undefined;
const files: UploadedFile[] = [];
let extra: UploadOptions = {};

function UploadPage() {
  const up = useUpload({
    maxFileBytes: 1024 * 1024,
    maxFiles: 2,
    accept: ["text/plain", ".bin"],
    chunkBytes: CHUNK,
    dir,
    onFile: (f) => {
      files.push(f);
    },
    ...extra,
  });
  field = up;
  return () => (
    <div>
      <input {...up.input()} />
      {up.entries().map((e) => (
        <p>
          {e.name} {e.status} {e.received}
        </p>
      ))}
    </div>
  );
}

async function boot(opts: UploadOptions = {}, rateLimit?: object): Promise<void> {
  extra = opts;
  srv = await start({
    routes: { "/": UploadPage },
    ...(rateLimit === undefined ? {} : { rateLimit }),
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vango-upload-test-"));
  files.length = 0;
  extra = {};
});

afterEach(async () => {
  await srv?.close();
  srv = undefined;
  await rm(dir, { recursive: true, force: true });
});

interface Call {
  readonly c: string;
  readonly p: unknown;
}

/** The page's socket, speaking the upload messages as the hook does. */
class Uploader {
  readonly sock: TestSocket;
  readonly page: Page;
  readonly hid: number;
  readonly key: string;
  readonly calls: Call[] = [];
  /** Announcement numbers are unique across sockets: a resume from seq 0 replays old answers. */
  static #n = 0;

  /** Event numbers go on from what the session processed, as the client's do. */
  #cseq: number;

  private constructor(sock: TestSocket, page: Page, cseq: number) {
    this.sock = sock;
    this.page = page;
    this.#cseq = cseq;
    const tag = /<input [^>]*data-vh="Upload"[^>]*>/.exec(page.html)?.[0] ?? "";
    this.key = /data-vh-k="(\w+)"/.exec(tag)?.[1] ?? "";
    this.hid = Number(/data-hid="(\d+)"/.exec(tag)?.[1]);
  }

  static async open(page?: Page): Promise<Uploader> {
    const p = page ?? (await getPage(srv!.base));
    const sock = await TestSocket.open(srv!.port, p.cookie);
    const reply = await sock.attach(p);
    return new Uploader(sock, p, reply.lastCseq);
  }

  /** Hook calls received so far (the frames are consumed). */
  drain(): Call[] {
    for (const f of this.sock.frames.splice(0)) {
      if (f.type !== FrameType.Patches) continue;
      for (const p of f.patches) {
        if (p.op !== PatchOp.Dispatch || p.name !== "vango:hook") continue;
        const d = p.payload as { k: string; c: string; p: unknown };
        if (d.k === this.key) this.calls.push({ c: d.c, p: d.p });
      }
    }
    return this.calls;
  }

  /** Waits for a call matching `pred` (among those not yet taken) and takes it. */
  async call(pred: (c: Call) => boolean, ms = 3000): Promise<Call> {
    const deadline = Date.now() + ms;
    for (;;) {
      this.drain();
      const i = this.calls.findIndex(pred);
      if (i >= 0) return this.calls.splice(i, 1)[0]!;
      if (Date.now() > deadline) throw new Error(`no such call in ${JSON.stringify(this.calls)}`);
      if (this.sock.closed) throw new Error(`socket closed ${JSON.stringify(this.sock.closed)}`);
      await sleep(5);
    }
  }

  push(payload: unknown): number {
    return this.sock.event(
      this.hid,
      { type: EventType.Hook, name: "upload", payload } as never,
      ++this.#cseq,
    );
  }

  /** `n`: the number of an announcement sent again. */
  async announce(
    list: { name: string; size: number; type: string; id?: string }[],
    n = ++Uploader.#n,
  ): Promise<AcceptedCall> {
    this.push({ op: "announce", n, files: list });
    const c = await this.call((x) => x.c === "accepted" && (x.p as AcceptedCall).n === n);
    return c.p as AcceptedCall;
  }

  async startOne(size: number, name = "a.bin", type = ""): Promise<string> {
    const a = await this.announce([{ name, size, type }]);
    expect(a.chunk).toBe(CHUNK);
    const r = a.files[0] as { id: string; at: number };
    expect(r.at).toBe(0);
    return r.id;
  }

  data(id: string, offset: number, bytes: Uint8Array): void {
    this.sock.ws.send(encodeDataFrame(id, offset, bytes));
  }

  /** Sends `data` from `from` chunk by chunk, each after the previous one's ack. */
  async sendAll(id: string, data: Uint8Array, from = 0): Promise<void> {
    for (let o = from; o < data.length; o += CHUNK) {
      const end = Math.min(o + CHUNK, data.length);
      this.data(id, o, data.subarray(o, end));
      await this.call((c) => c.c === "ack" && (c.p as { id: string; at: number }).at === end);
    }
  }
}

function entries() {
  return field!.entries.peek();
}

describe("uploads over the socket", () => {
  it("writes a file in chunks at their offsets, acks each, hands it to onFile", async () => {
    await boot();
    const u = await Uploader.open();
    const data = randomBytes(3 * CHUNK + 1234);
    const id = await u.startOne(data.length, "report.txt", "text/plain");
    expect(entries()).toMatchObject([{ id, received: 0, status: "uploading" }]);
    await u.sendAll(id, data);
    await expect.poll(() => files.length).toBe(1);
    expect(files[0]).toMatchObject({ id, name: "report.txt", size: data.length });
    expect(Buffer.compare(await readFile(files[0]!.path), data)).toBe(0);
    expect(entries()).toMatchObject([
      { id, received: data.length, size: data.length, status: "done" },
    ]);
    // No HTTP endpoint is involved any more.
    expect((await fetch(`${srv!.base}/_vango/upload/x`, { method: "POST" })).status).not.toBe(200);
  });

  it("takes a window of chunks back to back", async () => {
    await boot();
    const u = await Uploader.open();
    const data = randomBytes(8 * CHUNK);
    const a = await u.announce([{ name: "w.bin", size: data.length, type: "" }]);
    expect(a.window).toBeGreaterThanOrEqual(8);
    const id = (a.files[0] as { id: string }).id;
    for (let o = 0; o < data.length; o += CHUNK) u.data(id, o, data.subarray(o, o + CHUNK));
    await u.call((c) => c.c === "ack" && (c.p as { at: number }).at === data.length);
    await expect.poll(() => files.length).toBe(1);
    expect(Buffer.compare(await readFile(files[0]!.path), data)).toBe(0);
  });

  it("completes an empty file when it is announced, without a chunk", async () => {
    await boot();
    const u = await Uploader.open();
    const a = await u.announce([{ name: "empty.bin", size: 0, type: "" }]);
    expect(a.files[0]).toMatchObject({ at: 0 });
    expect(entries()[0]!.status).toBe("done");
    expect(files).toHaveLength(1);
  });

  it("refuses files over the size, type and count limits before any byte is sent", async () => {
    await boot();
    const u = await Uploader.open();
    let a = await u.announce([{ name: "big.bin", size: 1024 * 1024 + 1, type: "" }]);
    expect(a.files).toEqual([{ error: ErrorCode.upload_too_large }]);
    expect(entries()).toMatchObject([
      { name: "big.bin", status: "failed", error: ErrorCode.upload_too_large },
    ]);
    a = await u.announce([{ name: "x.exe", size: 10, type: "application/x-msdownload" }]);
    expect(a.files).toEqual([{ error: ErrorCode.upload_type_refused }]);
    a = await u.announce([
      { name: "1.bin", size: 1, type: "" },
      { name: "2.bin", size: 1, type: "" },
      { name: "3.bin", size: 1, type: "" },
    ]);
    expect(a.files.map((f) => (f as { error: string }).error)).toEqual([
      ErrorCode.upload_count_exceeded,
      ErrorCode.upload_count_exceeded,
      ErrorCode.upload_count_exceeded,
    ]);
    a = await u.announce([
      { name: "ok.txt", size: 10, type: "text/plain" },
      { name: "no.gif", size: 1, type: "image/gif" },
    ]);
    expect(a.files[0]).toHaveProperty("id");
    expect(a.files[1]).toEqual({ error: ErrorCode.upload_type_refused });
    expect(await readdir(dir)).toHaveLength(1);
  });

  it("drops a malformed hook message with a warning and keeps going", async () => {
    await boot();
    const u = await Uploader.open();
    for (const bad of [
      null,
      { op: "announce", n: 1, files: [] },
      { op: "announce", n: 1, files: [{ name: "", size: 1, type: "" }] },
      { op: "announce", n: 1, files: [{ name: "a", size: -1, type: "" }] },
      { op: "announce", n: 1, files: [{ name: "a", size: 1, type: "", id: "../x" }] },
      { op: "cancel", id: 5 },
      { op: "explode" },
    ]) {
      u.push(bad);
    }
    await sleep(50);
    expect(entries()).toEqual([]);
    expect(u.drain()).toEqual([]);
    const id = await u.startOne(10);
    expect(id).toMatch(/^[\w-]{24}$/);
  });

  it("refuses a chunk at a wrong offset, of a wrong length, or past the declared size", async () => {
    await boot();
    const u = await Uploader.open();
    const id = await u.startOne(CHUNK + 10);
    u.data(id, CHUNK, new Uint8Array(10)); // not the next offset
    u.data(id, 0, new Uint8Array(CHUNK - 1)); // not a whole chunk
    u.data(id, 0, new Uint8Array(CHUNK + 1)); // more than a chunk
    await sleep(50);
    expect(u.drain()).toEqual([]);
    expect(entries()[0]!.received).toBe(0);
    expect((await stat(join(dir, id))).size).toBe(0);
    await u.sendAll(id, randomBytes(CHUNK));
    u.data(id, CHUNK, new Uint8Array(11)); // past the declared size
    await sleep(50);
    expect(entries()[0]!.received).toBe(CHUNK);
    u.data(id, CHUNK, new Uint8Array(10));
    await u.call((c) => c.c === "ack" && (c.p as { at: number }).at === CHUNK + 10);
    await expect.poll(() => entries()[0]!.status).toBe("done");
  });

  it("cancels from the browser: the file goes, later chunks are refused", async () => {
    await boot();
    const u = await Uploader.open();
    const id = await u.startOne(3 * CHUNK);
    await u.sendAll(id, randomBytes(CHUNK));
    expect(await readdir(dir)).toHaveLength(1);
    u.push({ op: "cancel", id });
    await u.call((c) => c.c === "stop");
    expect(entries()[0]!.status).toBe("cancelled");
    await expect.poll(() => readdir(dir)).toHaveLength(0);
    u.data(id, CHUNK, new Uint8Array(CHUNK));
    await sleep(50);
    expect(entries()[0]!.received).toBe(CHUNK);
    expect(await readdir(dir)).toHaveLength(0);
  });

  it("cancels from the server: the browser is told to stop", async () => {
    await boot();
    const u = await Uploader.open();
    const id = await u.startOne(3 * CHUNK);
    field!.cancel(id);
    const stop = await u.call((c) => c.c === "stop");
    expect(stop.p).toEqual({ id, code: ErrorCode.upload_cancelled });
    // Its place under maxFiles is free again.
    await u.startOne(10);
    await u.startOne(10);
  });

  it("the browser giving up fails the entry as upload_aborted", async () => {
    await boot();
    const u = await Uploader.open();
    const id = await u.startOne(3 * CHUNK);
    u.push({ op: "abort", id });
    await expect
      .poll(() => entries()[0])
      .toMatchObject({ status: "failed", error: ErrorCode.upload_aborted });
    await expect.poll(() => readdir(dir)).toHaveLength(0);
  });

  it("an upload whose chunks stop fails as upload_stalled and frees its place", async () => {
    // Long enough that it still runs when the second file is announced, after a stall.
    await boot({ maxFiles: 1, idleMs: 600 });
    const u = await Uploader.open();
    const id = await u.startOne(3 * CHUNK);
    await u.sendAll(id, randomBytes(CHUNK));
    // A second file while it runs: one too many.
    let a = await u.announce([{ name: "b.bin", size: 1, type: "" }]);
    expect(a.files).toEqual([{ error: ErrorCode.upload_count_exceeded }]);
    const stop = await u.call((c) => c.c === "stop", 3000);
    expect(stop.p).toEqual({ id, code: ErrorCode.upload_stalled });
    expect(entries().find((e) => e.id === id)).toMatchObject({
      status: "failed",
      error: ErrorCode.upload_stalled,
    });
    await expect.poll(() => readdir(dir)).toHaveLength(0);
    a = await u.announce([{ name: "c.bin", size: 1, type: "" }]);
    expect(a.files[0]).toHaveProperty("id");
  });

  it("a steady upload never stalls, however long it takes", async () => {
    // Chunks a third of idleMs apart, twice idleMs in all: a stall of the machine between
    // two of them does not reach idleMs.
    const idleMs = 500;
    await boot({ idleMs });
    const u = await Uploader.open();
    const data = randomBytes(6 * CHUNK);
    const id = await u.startOne(data.length);
    for (let o = 0; o < data.length; o += CHUNK) {
      await sleep(idleMs / 3);
      u.data(id, o, data.subarray(o, o + CHUNK));
      await u.call((c) => c.c === "ack" && (c.p as { at: number }).at === o + CHUNK);
    }
    await expect.poll(() => entries()[0]!.status).toBe("done");
  });

  it("a chunk that came during a stall of the process counts before the idle verdict", async () => {
    const idleMs = 500;
    await boot({ idleMs });
    const u = await Uploader.open();
    const data = randomBytes(3 * CHUNK);
    const id = await u.startOne(data.length);
    await u.sendAll(id, data.subarray(0, CHUNK));
    // The next chunk is in the server's socket when the process stalls (client and server
    // share it here) for twice idleMs: the idle timer, due meanwhile, fires before the
    // socket is read.
    u.data(id, CHUNK, data.subarray(CHUNK, 2 * CHUNK));
    const end = performance.now() + 2 * idleMs;
    while (performance.now() < end) {}
    await u.call((c) => c.c === "ack" && (c.p as { at: number }).at === 2 * CHUNK);
    expect(entries()[0]).toMatchObject({ id, status: "uploading" });
    await u.sendAll(id, data, 2 * CHUNK);
    await expect.poll(() => entries()[0]!.status).toBe("done");
  });

  it("resumes on a new socket from the offset the server holds", async () => {
    await boot();
    const u = await Uploader.open();
    const data = randomBytes(3 * CHUNK);
    const id = await u.startOne(data.length);
    await u.sendAll(id, data.subarray(0, CHUNK));
    u.sock.close();
    await u.sock.whenClosed();
    const v = await Uploader.open(u.page);
    const a = await v.announce([{ name: "a.bin", size: data.length, type: "", id }]);
    expect(a.files).toEqual([{ id, at: CHUNK }]);
    await v.sendAll(id, data, CHUNK);
    await expect.poll(() => files.length).toBe(1);
    expect(Buffer.compare(await readFile(files[0]!.path), data)).toBe(0);
    // A finished one answers that nothing is left to send.
    const c = await v.announce([{ name: "a.bin", size: data.length, type: "", id }]);
    expect(c.files).toEqual([{ id, at: data.length }]);
    // An id the field does not hold is a new upload (which replaces the settled entries).
    const b = await v.announce([{ name: "n.bin", size: 5, type: "", id: "x".repeat(24) }]);
    const r = b.files[0] as AnnounceAnswer & { id: string; at: number };
    expect(r.at).toBe(0);
    expect(r.id).not.toBe("x".repeat(24));
    expect(entries().map((e) => e.name)).toEqual(["n.bin"]);
  });

  it("answers an announcement sent again under its number with the uploads it got", async () => {
    await boot();
    const u = await Uploader.open();
    const data = randomBytes(2 * CHUNK);
    const file = { name: "a.bin", size: data.length, type: "" };
    const first = await u.announce([file, { name: "b.exe", size: 1, type: "" }]);
    const id = (first.files[0] as { id: string }).id;
    await u.sendAll(id, data.subarray(0, CHUNK));
    // The browser did not get that answer (its socket went) and cannot tell it was taken.
    const again = await u.announce([file, { name: "b.exe", size: 1, type: "" }], first.n);
    expect(again.files).toEqual([{ id, at: CHUNK }, { error: "upload_type_refused" }]);
    expect(entries().map((e) => e.name)).toEqual(["a.bin", "b.exe"]);
    await u.sendAll(id, data, CHUNK);
    await expect.poll(() => files.length).toBe(1);
    expect(Buffer.compare(await readFile(files[0]!.path), data)).toBe(0);
    // A number the field never saw (the session was rebuilt elsewhere) is a new announcement.
    const other = await u.announce([file]);
    expect((other.files[0] as { id: string }).id).not.toBe(id);
  });

  it("deletes temp files and closes the channels when the session ends", async () => {
    await boot();
    const u = await Uploader.open();
    const id = await u.startOne(2 * CHUNK);
    await u.sendAll(id, randomBytes(CHUNK));
    expect(await readdir(dir)).toHaveLength(1);
    await srv!.close();
    srv = undefined;
    await expect.poll(() => readdir(dir)).toHaveLength(0);
  });

  describe("adversarial", () => {
    it("a chunk for another session's upload reaches nothing", async () => {
      await boot();
      const owner = await Uploader.open();
      const other = await Uploader.open();
      expect(other.page.cookie).not.toBe(owner.page.cookie);
      const id = await owner.startOne(CHUNK);
      other.data(id, 0, new Uint8Array(CHUNK));
      await sleep(50);
      expect((await stat(join(dir, id))).size).toBe(0);
      expect(entries()).toHaveLength(0); // the other page's field
      // Nor can the other session cancel or resume it.
      other.push({ op: "cancel", id });
      const a = await other.announce([{ name: "a.bin", size: CHUNK, type: "", id }]);
      expect((a.files[0] as { id: string }).id).not.toBe(id);
      await owner.sendAll(id, randomBytes(CHUNK));
      await expect.poll(() => files.length).toBe(1);
    });

    it("a truncated chunk (the socket cut mid-message) leaves the upload at its offset", async () => {
      await boot();
      const u = await Uploader.open();
      const data = randomBytes(2 * CHUNK);
      const id = await u.startOne(data.length);
      await u.sendAll(id, data.subarray(0, CHUNK));
      // Half of a masked binary frame carrying the second chunk, then the socket is cut.
      const frame = encodeDataFrame(id, CHUNK, data.subarray(CHUNK));
      const head = Buffer.from([0x82, 0xfe, frame.length >> 8, frame.length & 0xff, 0, 0, 0, 0]);
      const raw = (u.sock.ws as unknown as { _socket: import("node:net").Socket })._socket;
      raw.write(Buffer.concat([head, frame.subarray(0, frame.length >> 1)]));
      await sleep(50);
      raw.destroy();
      await u.sock.whenClosed();
      expect(entries()[0]!.received).toBe(CHUNK);
      expect((await stat(join(dir, id))).size).toBe(CHUNK);
      const v = await Uploader.open(u.page);
      const a = await v.announce([{ name: "a.bin", size: data.length, type: "", id }]);
      expect(a.files).toEqual([{ id, at: CHUNK }]);
      await v.sendAll(id, data, CHUNK);
      await expect.poll(() => files.length).toBe(1);
      expect(Buffer.compare(await readFile(files[0]!.path), data)).toBe(0);
    });

    it("a flood of tiny chunks is refused, charged to the budget, and closes the socket", async () => {
      await boot({}, { websocket: { perSecond: 30, burst: 60, closeAfter: 60 } });
      const u = await Uploader.open();
      const data = randomBytes(CHUNK + 1);
      const id = await u.startOne(data.length);
      const heap0 = process.memoryUsage().heapUsed;
      for (let i = 0; i < 500; i++) u.data(id, 0, new Uint8Array([i & 0xff]));
      const closed = await u.sock.whenClosed(5000);
      expect(closed.code).toBe(1008);
      expect(
        u.sock.frames.some((f) => f.type === FrameType.Error && f.code === "rate_limited"),
      ).toBe(true);
      expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(64 * 1024 * 1024);
      expect((await stat(join(dir, id))).size).toBe(0);
      expect(entries()[0]!.received).toBe(0);
    });

    it("a whole file of valid chunks costs no event budget", async () => {
      // 10 events a second at most: 64 chunks back to back would be refused as events.
      await boot({}, { websocket: { perSecond: 10, burst: 10, closeAfter: 10 } });
      const u = await Uploader.open();
      const data = randomBytes(64 * CHUNK);
      const id = await u.startOne(data.length);
      await u.sendAll(id, data);
      await expect.poll(() => files.length).toBe(1);
      expect(Buffer.compare(await readFile(files[0]!.path), data)).toBe(0);
      expect(u.sock.closed).toBeUndefined();
    });
  });
});
