/**
 * Uploads and streams (issue 14), everything on 127.0.0.1, stopping by itself:
 *
 * - Upload throughput through a real app, as the `Upload` hook sends a file: announced
 *   as a hook event, then Data frames on the page's socket, each chunk read from disk
 *   into a fresh buffer (as the browser's `Blob.arrayBuffer()` does), at most `window`
 *   chunks unacknowledged; the server writes each into its temp file and acks it. Per
 *   chunk size, with one chunk in flight and with the field's whole window.
 * - Server memory during a 100 MiB upload: heap and RSS sampled every 20 ms over the
 *   upload, minus the figures before it (client and server share this process, so this
 *   is an upper bound for the server).
 * - Head-of-line blocking: the round trip of a click on the same page (event → its
 *   Patches frame) while a 100 MiB upload runs at full speed, against the same clicks
 *   with no upload.
 * - Memory per session holding a 10,000-item stream (appended 50 at a time, each batch
 *   sent) against the same items as a keyed list in a signal (the usual way).
 */
import { randomBytes } from "node:crypto";
import { type FileHandle, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { decodeServerFrame, encodeClientFrame } from "../src/protocol/client-codec.ts";
import { EventType, FrameType, PatchOp, PROTOCOL_VERSION } from "../src/protocol/constants.ts";
import type { EventFrame } from "../src/protocol/frame.ts";
import { encodeDataFrame } from "../src/protocol/frame-data.ts";
import type { AcceptedCall } from "../src/protocol/upload-messages.ts";
import { signal } from "../src/reactive/index.ts";
import { createApp } from "../src/server/app.ts";
import { silentLogger } from "../src/server/core/logger.ts";
import { MemorySessionStore } from "../src/server/session/stores/memory-store.ts";
import { stream } from "../src/streams/stream.ts";
import { StreamList } from "../src/streams/stream-list.ts";
import { mountTest, type TestSession } from "../src/testing/mount-test.ts";
import { useUpload } from "../src/uploads/use-upload.ts";
import { median } from "./util.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc (npm run bench does)");
function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const MiB = 1024 * 1024;
const RUNS = Number(process.env.VANGO_BENCH_RUNS ?? 3);
const dir = await mkdtemp(join(tmpdir(), "vango-bench-upload-"));
const uploadDir = join(dir, "uploads");

// ---------------------------------------------------------------- the page and its client
let CHUNK = 64 * 1024;
function UploadPage() {
  const clicks = signal(0);
  const up = useUpload({ maxFileBytes: 256 * MiB, chunkBytes: CHUNK, dir: uploadDir });
  return () => (
    <div>
      <button type="button" onClick={() => clicks.set(clicks() + 1)}>
        {clicks()}
      </button>
      <input {...up.input()} />
    </div>
  );
}

async function makeFile(bytes: number): Promise<string> {
  const p = join(dir, `src-${bytes}.bin`);
  const h = await open(p, "w");
  const block = randomBytes(MiB);
  for (let o = 0; o < bytes; o += MiB) await h.write(block, 0, Math.min(MiB, bytes - o), o);
  await h.close();
  return p;
}

function get(port: number): Promise<{ html: string; cookie: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
      let html = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        html += c;
      });
      res.on("end", () => resolve({ html, cookie: res.headers["set-cookie"]![0]!.split(";")[0]! }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** One page's socket, speaking to its upload field as the `Upload` hook does. */
class Page {
  readonly ws: WebSocket;
  readonly inputHid: number;
  readonly buttonHid: number;
  readonly key: string;
  /** Round trips (ms) of the clicks answered. */
  readonly rtts: number[] = [];
  #cseq = 0;
  #n = 0;
  #clicks = new Map<number, number>();
  #accepted = new Map<number, (a: AcceptedCall) => void>();
  acked = 0;
  #wake: (() => void) | undefined;
  #seq = 0;
  #ackTimer: NodeJS.Timeout | undefined;

  private constructor(ws: WebSocket, html: string) {
    this.ws = ws;
    const input = /<input [^>]*data-vh="Upload"[^>]*>/.exec(html)![0];
    this.inputHid = Number(/data-hid="(\d+)"/.exec(input)![1]);
    this.key = /data-vh-k="(\w+)"/.exec(input)![1]!;
    this.buttonHid = Number(/<button [^>]*data-hid="(\d+)"/.exec(html)![1]);
    ws.on("message", (data: Buffer) => this.#onFrame(new Uint8Array(data)));
  }

  static async open(port: number): Promise<Page> {
    const { html, cookie } = await get(port);
    const boot = JSON.parse(/id="vango-boot">(.*?)<\/script>/.exec(html)![1]!) as {
      token: string;
      csrf: string;
    };
    const ws = new WebSocket(`ws://127.0.0.1:${port}/_vango/ws`, {
      headers: { cookie, origin: `http://127.0.0.1:${port}` },
      perMessageDeflate: false,
    });
    await new Promise((r) => ws.once("open", r));
    const reply = new Promise((r) => ws.once("message", r));
    ws.send(
      encodeClientFrame({
        type: FrameType.Handshake,
        version: PROTOCOL_VERSION,
        csrf: boot.csrf,
        resumeToken: boot.token,
        lastSeq: 0,
        viewport: { w: 1280, h: 800 },
        tzOffset: 0,
        features: 7,
      }),
    );
    await reply;
    return new Page(ws, html);
  }

  #onFrame(bytes: Uint8Array): void {
    const f = decodeServerFrame(bytes);
    if (f.type !== FrameType.Patches) return;
    this.#seq = f.seq;
    // As the browser client: one Ack per second at most.
    this.#ackTimer ??= setTimeout(() => {
      this.#ackTimer = undefined;
      this.ws.send(encodeClientFrame({ type: FrameType.Ack, seq: this.#seq }));
    }, 1000);
    const t0 = this.#clicks.get(f.cseq);
    if (t0 !== undefined) {
      this.rtts.push(performance.now() - t0);
      this.#clicks.delete(f.cseq);
    }
    for (const p of f.patches) {
      if (p.op !== PatchOp.Dispatch || p.name !== "vango:hook") continue;
      const d = p.payload as { k: string; c: string; p: unknown };
      if (d.k !== this.key) continue;
      if (d.c === "accepted") {
        const a = d.p as unknown as AcceptedCall;
        this.#accepted.get(a.n)?.(a);
      } else if (d.c === "ack") {
        this.acked = Math.max(this.acked, (d.p as { at: number }).at);
        const w = this.#wake;
        this.#wake = undefined;
        w?.();
      }
    }
  }

  #event(f: EventFrame): void {
    this.ws.send(encodeClientFrame(f));
  }

  click(): void {
    const cseq = ++this.#cseq;
    this.#clicks.set(cseq, performance.now());
    this.#event({
      type: FrameType.Event,
      cseq,
      hid: this.buttonHid,
      event: { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 },
    });
  }

  /** Announces a file of `size` bytes; resolves with the id and the field's window. */
  announce(size: number): Promise<AcceptedCall> {
    const n = ++this.#n;
    const done = new Promise<AcceptedCall>((r) => this.#accepted.set(n, r));
    this.#event({
      type: FrameType.Event,
      cseq: ++this.#cseq,
      hid: this.inputHid,
      event: {
        type: EventType.Hook,
        name: "upload",
        payload: { op: "announce", n, files: [{ name: "f.bin", size, type: "" }] },
      },
    });
    return done;
  }

  /** The field's window (chunks) in its last answer. */
  window = 0;

  /** Sends `file` (`size` bytes) with at most `window` chunks unacknowledged; returns ms. */
  async upload(file: FileHandle, size: number, window?: number): Promise<number> {
    const t0 = performance.now();
    const a = await this.announce(size);
    const id = (a.files[0] as { id: string }).id;
    if (id === undefined) throw new Error(`refused: ${JSON.stringify(a)}`);
    this.window = a.window;
    const w = window ?? a.window;
    this.acked = 0;
    let sent = 0;
    while (this.acked < size) {
      while (sent < size && sent - this.acked < w * a.chunk) {
        const len = Math.min(a.chunk, size - sent);
        const buf = Buffer.allocUnsafe(len);
        await file.read(buf, 0, len, sent);
        this.ws.send(encodeDataFrame(id, sent, buf));
        sent += len;
      }
      if (this.acked < size) {
        await new Promise<void>((r) => {
          this.#wake = r;
        });
      }
    }
    return performance.now() - t0;
  }

  close(): void {
    clearTimeout(this.#ackTimer);
    this.ws.close();
  }
}

// ---------------------------------------------------------------- run uploads
await writeFile(join(dir, ".keep"), "");
const app = createApp({
  routes: { "/": UploadPage },
  logger: silentLogger,
  devMode: true,
  persistence: { store: new MemorySessionStore() },
  metrics: false,
  rateLimit: false,
  limits: { maxPayload: 2 * MiB },
  clientBuilder: async () => ({ code: "", hash: "0000000000000000" }),
});
const l = await app.listen(0, "127.0.0.1");

const SIZE = 100 * MiB;
const src = await makeFile(SIZE);
const file = await open(src, "r");
const mbps = (ms: number) => (SIZE / 1e6 / (ms / 1000)).toFixed(0);
console.log("\n### Upload throughput (100 MiB file over the page's socket, MB/s)\n");
console.log("| chunk | one chunk in flight | the field's window (chunks) |");
console.log("|---:|---:|---:|");
for (const chunk of [64 * 1024, 256 * 1024, MiB]) {
  CHUNK = chunk;
  const one: number[] = [];
  const all: number[] = [];
  let window = 0;
  for (let r = 0; r < RUNS; r++) {
    const p = await Page.open(l.port);
    one.push(await p.upload(file, SIZE, 1));
    const q = await Page.open(l.port);
    all.push(await q.upload(file, SIZE));
    window = q.window;
    p.close();
    q.close();
    await rm(uploadDir, { recursive: true, force: true });
  }
  console.log(`| ${chunk / 1024} KiB | ${mbps(median(one))} | ${mbps(median(all))} (${window}) |`);
}

// Memory while the 100 MiB upload runs (default chunk and window).
CHUNK = 64 * 1024;
const peaks: { heap: number; rss: number }[] = [];
for (let r = 0; r < RUNS; r++) {
  const p = await Page.open(l.port);
  const heap0 = heapAfterGc();
  const rss0 = process.memoryUsage().rss;
  let heap = 0;
  let rss = 0;
  const t = setInterval(() => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed - heap0);
    rss = Math.max(rss, m.rss - rss0);
  }, 20);
  await p.upload(file, SIZE);
  clearInterval(t);
  p.close();
  peaks.push({ heap, rss });
  await rm(uploadDir, { recursive: true, force: true });
}
console.log("\n### Memory during a 100 MiB upload (64 KiB chunks; client in the same process)\n");
console.log("| heapUsed peak above before, MiB | RSS peak above before, MiB |");
console.log("|---:|---:|");
console.log(
  `| ${(median(peaks.map((p) => p.heap)) / MiB).toFixed(1)} | ${(median(peaks.map((p) => p.rss)) / MiB).toFixed(1)} |`,
);

// A click's round trip on the page, idle and while its 100 MiB upload runs.
async function clicksDuring(work: (p: Page) => Promise<unknown>): Promise<number[]> {
  const p = await Page.open(l.port);
  let running = true;
  const clicker = (async () => {
    while (running) {
      p.click();
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await work(p);
  running = false;
  await clicker;
  await new Promise((r) => setTimeout(r, 200));
  p.close();
  return p.rtts;
}
const idle = await clicksDuring(() => new Promise((r) => setTimeout(r, 3000)));
const busy = await clicksDuring((p) => p.upload(file, SIZE));
await rm(uploadDir, { recursive: true, force: true });
const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1);
};
console.log("\n### A click's round trip on the page (ms), a click every 20 ms\n");
console.log("| | clicks | median | p95 | max |");
console.log("|---|---:|---:|---:|---:|");
console.log(`| idle | ${idle.length} | ${pct(idle, 0.5)} | ${pct(idle, 0.95)} | ${pct(idle, 1)} |`);
console.log(
  `| during a 100 MiB upload (64 KiB chunks, full window) | ${busy.length} | ${pct(busy, 0.5)} | ${pct(busy, 0.95)} | ${pct(busy, 1)} |`,
);
await file.close();
await l.close();

// ---------------------------------------------------------------- stream memory
const ITEMS = 10_000;
const BATCH = 50;
interface Item {
  id: number;
}
const row = (i: Item) => (
  <li data-id={i.id}>
    <strong>Post {i.id + 1}</strong> about streams
  </li>
);

function streamSession(): { t: TestSession; more: () => void } {
  let more = () => {};
  function Page() {
    const s = stream<Item>({ key: (i) => i.id, render: row });
    let next = 0;
    more = () => {
      const batch: Item[] = [];
      for (let k = 0; k < BATCH; k++) batch.push({ id: next++ });
      s.append(batch);
    };
    return () => <StreamList of={s} as="ul" />;
  }
  return { t: mountTest(Page), more: () => more() };
}

function listSession(): { t: TestSession; more: () => void } {
  let more = () => {};
  function Page() {
    const items = signal<Item[]>([]);
    let next = 0;
    more = () => {
      const batch = [...items.peek()];
      for (let k = 0; k < BATCH; k++) batch.push({ id: next++ });
      items.set(batch);
    };
    return () => (
      <ul>
        {items().map((i) => (
          <li key={i.id} data-id={i.id}>
            <strong>Post {i.id + 1}</strong> about streams
          </li>
        ))}
      </ul>
    );
  }
  return { t: mountTest(Page), more: () => more() };
}

async function perSession(
  make: () => { t: TestSession; more: () => void },
  n: number,
): Promise<number> {
  const before = heapAfterGc();
  const keep: TestSession[] = [];
  for (let s = 0; s < n; s++) {
    const { t, more } = make();
    for (let b = 0; b < ITEMS / BATCH; b++) {
      more();
      await t.settle();
    }
    keep.push(t);
  }
  const after = heapAfterGc();
  if (keep.length !== n) throw new Error("lost sessions");
  return (after - before) / n;
}

const N = Number(process.env.VANGO_BENCH_STREAM_SESSIONS ?? 10);
const streamBytes: number[] = [];
const listBytes: number[] = [];
for (let r = 0; r < 3; r++) {
  streamBytes.push(await perSession(streamSession, N));
  listBytes.push(await perSession(listSession, Math.max(2, N / 5)));
}
console.log(`\n### Memory per session holding 10,000 items (${N} sessions, median of 3)\n`);
console.log("| case | KB/session |");
console.log("|---|---:|");
console.log(`| stream() (keys only) | ${(median(streamBytes) / 1024).toFixed(1)} |`);
console.log(`| keyed list in a signal | ${(median(listBytes) / 1024).toFixed(1)} |`);

await rm(dir, { recursive: true, force: true });
process.exit(0);
