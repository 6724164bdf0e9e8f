/**
 * Uploads and streams (issue 14), everything on 127.0.0.1, stopping by itself:
 *
 * - Upload throughput through a real app: a file read from disk and sent as HTTP chunks
 *   (one in flight, as the `Upload` hook does), written by the server into its temp file;
 *   against the same bytes as WebSocket messages (one in flight, the server writes each at
 *   its offset and answers) — the transport alternative, without Vango around it.
 * - Server memory during a 100 MiB upload: heap and RSS sampled every 20 ms over the
 *   upload, minus the figures before it (client and server share this process, so this
 *   is an upper bound for the server).
 * - Memory per session holding a 10,000-item stream (appended 50 at a time, each batch
 *   sent) against the same items as a keyed list in a signal (the usual way).
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm, stat, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import WebSocket, { WebSocketServer } from "ws";
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
const RUNS = Number(process.env.VANGO_BENCH_RUNS ?? 5);
const dir = await mkdtemp(join(tmpdir(), "vango-bench-upload-"));
const uploadDir = join(dir, "uploads");

// ---------------------------------------------------------------- HTTP upload
function UploadPage() {
  const up = useUpload({ maxFileBytes: 256 * MiB, chunkBytes: CHUNK, dir: uploadDir });
  return () => <input {...up.input()} />;
}
let CHUNK = 256 * 1024;

async function makeFile(bytes: number): Promise<string> {
  const p = join(dir, `src-${bytes}.bin`);
  const h = await open(p, "w");
  const block = randomBytes(MiB);
  for (let o = 0; o < bytes; o += MiB) await h.write(block, 0, Math.min(MiB, bytes - o), o);
  await h.close();
  return p;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function httpCall(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body: NodeJS.ReadableStream | string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    if (typeof body === "string") req.end(body);
    else body.pipe(req);
  });
}

async function httpUpload(
  port: number,
  page: { cookie: string; csrf: string; url: string },
  file: string,
  size: number,
): Promise<number> {
  const h = { cookie: page.cookie, "x-csrf-token": page.csrf };
  const t0 = performance.now();
  const a = await httpCall(
    port,
    "POST",
    page.url,
    { ...h, "content-type": "application/json" },
    JSON.stringify({ files: [{ name: "f.bin", size, type: "" }] }),
  );
  const id = (JSON.parse(a.text) as { files: { id: string }[] }).files[0]!.id;
  for (let o = 0; o < size; o += CHUNK) {
    const len = Math.min(CHUNK, size - o);
    const r = await httpCall(
      port,
      "PUT",
      `${page.url}/${id}?offset=${o}`,
      { ...h, "content-length": len },
      createReadStream(file, { start: o, end: o + len - 1 }),
    );
    if (r.status !== 204) throw new Error(`chunk refused: ${r.status} ${r.text}`);
  }
  return performance.now() - t0;
}

async function openPage(base: string): Promise<{ cookie: string; csrf: string; url: string }> {
  const res = await fetch(base + "/");
  const html = await res.text();
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const csrf = (JSON.parse(/id="vango-boot">(.*?)<\/script>/.exec(html)![1]!) as { csrf: string })
    .csrf;
  const o = /data-vh-o="([^"]+)"/.exec(html)![1]!.replaceAll("&quot;", '"');
  return { cookie, csrf, url: (JSON.parse(o) as { url: string }).url };
}

// ---------------------------------------------------------------- socket upload
async function wsServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: 64 * MiB });
  wss.on("connection", async (ws) => {
    const h = await open(join(uploadDir, `ws-${randomBytes(6).toString("hex")}`), "w");
    let offset = 0;
    ws.on("message", async (data: Buffer) => {
      await h.write(data, 0, data.length, offset);
      offset += data.length;
      ws.send(String(offset));
    });
    ws.on("close", () => void h.close());
  });
  await new Promise((r) => wss.once("listening", r));
  const port = (wss.address() as { port: number }).port;
  return { port, close: () => new Promise((r) => wss.close(() => r())) };
}

async function wsUpload(port: number, file: string, size: number): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((r) => ws.once("open", r));
  const h = await open(file, "r");
  const buf = Buffer.allocUnsafe(CHUNK);
  const t0 = performance.now();
  for (let o = 0; o < size; o += CHUNK) {
    const len = Math.min(CHUNK, size - o);
    await h.read(buf, 0, len, o);
    const acked = new Promise((r) => ws.once("message", r));
    ws.send(buf.subarray(0, len));
    await acked;
  }
  const dt = performance.now() - t0;
  await h.close();
  ws.close();
  return dt;
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
  clientBuilder: async () => ({ code: "", hash: "0000000000000000" }),
});
const l = await app.listen(0, "127.0.0.1");
const base = `http://127.0.0.1:${l.port}`;
const wsS = await wsServer();

const SIZE = 100 * MiB;
const file = await makeFile(SIZE);
console.log("\n### Upload throughput (100 MiB file, one chunk in flight)\n");
console.log("| chunk | HTTP chunks MB/s | WebSocket messages MB/s |");
console.log("|---:|---:|---:|");
for (const chunk of [256 * 1024, MiB]) {
  CHUNK = chunk;
  const http: number[] = [];
  const sock: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    http.push(await httpUpload(l.port, await openPage(base), file, SIZE));
    sock.push(await wsUpload(wsS.port, file, SIZE));
    await rm(uploadDir, { recursive: true, force: true });
  }
  const mbps = (ms: number) => (SIZE / 1e6 / (ms / 1000)).toFixed(0);
  console.log(`| ${chunk / 1024} KiB | ${mbps(median(http))} | ${mbps(median(sock))} |`);
}

// Memory while the 100 MiB upload runs (256 KiB chunks).
CHUNK = 256 * 1024;
const peaks: { heap: number; rss: number }[] = [];
for (let r = 0; r < 3; r++) {
  const page = await openPage(base);
  const heap0 = heapAfterGc();
  const rss0 = process.memoryUsage().rss;
  let heap = 0;
  let rss = 0;
  const t = setInterval(() => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed - heap0);
    rss = Math.max(rss, m.rss - rss0);
  }, 20);
  await httpUpload(l.port, page, file, SIZE);
  clearInterval(t);
  const written = (await stat(join(uploadDir))).isDirectory();
  if (!written) throw new Error("no upload dir");
  peaks.push({ heap, rss });
  await rm(uploadDir, { recursive: true, force: true });
}
console.log("\n### Memory during a 100 MiB upload (256 KiB chunks; client in the same process)\n");
console.log("| heapUsed peak above before, MiB | RSS peak above before, MiB |");
console.log("|---:|---:|");
console.log(
  `| ${(median(peaks.map((p) => p.heap)) / MiB).toFixed(1)} | ${(median(peaks.map((p) => p.rss)) / MiB).toFixed(1)} |`,
);
agent.destroy();
await wsS.close();
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
