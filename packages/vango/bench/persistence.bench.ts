/**
 * Session persistence benchmarks (issue 13), each server in its own process
 * (`load/server-process.ts`, `VANGO_BENCH_PERSIST` picks the store):
 * - checkpoint cost per event: 2,000 counter sessions × 5 clicks/s with persistence off,
 *   in memory (encoding without I/O), on a file snapshot and on Redis, alternated over
 *   rounds; server CPU per event;
 * - resume after a restart: sessions clicked on one server, the server closed (it
 *   checkpoints every session), a new one started on the same state; each browser-like
 *   client reconnects with its resume token: socket open → handshake reply, and the next
 *   click answered with the count it had before;
 * - the same move to a second instance on Redis while the first still runs;
 * - memory per detached session (socket gone, session kept for its detach window).
 * Loopback only; every part stops by itself.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import WebSocket from "ws";
import { ACK_MS } from "../src/client/client.ts";
import { decodeServerFrame, encodeClientFrame } from "../src/protocol/client-codec.ts";
import { EventType, FrameType, PatchOp, PROTOCOL_VERSION } from "../src/protocol/constants.ts";
import { type Boot, fetchBoot, percentile } from "./load/protocol-client.ts";
import { loadRow, runLoad, spawn } from "./load/run-load.ts";
import { median } from "./util.ts";

const LOAD_N = Number(process.env.VANGO_BENCH_LOAD ?? 2000);
const LOAD_SECONDS = Number(process.env.VANGO_BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.VANGO_BENCH_ROUNDS ?? 3);
const RESUME_N = Number(process.env.VANGO_BENCH_RESUME ?? 500);
const DETACH_N = Number(process.env.VANGO_BENCH_DETACH ?? 5000);
/** `VANGO_BENCH_PARTS=resume,memory` runs only those parts (`cost`, `resume`, `memory`). */
const PARTS = (process.env.VANGO_BENCH_PARTS ?? "cost,resume,memory").split(",");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");

function table(title: string, head: string[], rows: (string | number)[][]): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${head.join(" | ")} |`);
  console.log(`|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
}

interface ServerProcess {
  readonly port: number;
  readonly proc: ChildProcess;
  heap(): Promise<number>;
  exit(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const { proc, next } = spawn("server-process.ts", ["--expose-gc"], { ...process.env, ...env });
  const { port } = (await next()) as { port: number };
  return {
    port,
    proc,
    async heap() {
      proc.send({ cmd: "mem", gc: true });
      return ((await next()) as { heapUsed: number }).heapUsed;
    },
    async exit() {
      const gone = new Promise((r) => proc.once("exit", r));
      proc.send({ cmd: "exit" });
      await gone;
    },
  };
}

/** A browser tab as far as resuming goes: its token, last seq, cseq and the count shown. */
class Tab {
  readonly boot: Boot;
  token: string;
  seq = 0;
  cseq = 0;
  count = "";
  ws: WebSocket | undefined;
  #onText: ((text: string) => void) | undefined;

  private constructor(boot: Boot) {
    this.boot = boot;
    this.token = boot.token;
  }

  static async open(port: number): Promise<Tab> {
    const tab = new Tab(await fetchBoot(port));
    await tab.connect(port);
    return tab;
  }

  /** Socket open → handshake reply (ms), with whether the session was resumed. */
  connect(port: number): Promise<{ ms: number; resumed: boolean }> {
    const t0 = performance.now();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/_vango/ws`, {
      headers: { cookie: this.boot.cookie, origin: `http://127.0.0.1:${port}` },
      perMessageDeflate: false,
    });
    this.ws = ws;
    ws.on("error", () => {});
    return new Promise((resolve, reject) => {
      ws.once("close", (code) => reject(new Error(`socket closed (${code}) before the reply`)));
      ws.once("open", () => {
        ws.send(
          encodeClientFrame({
            type: FrameType.Handshake,
            version: PROTOCOL_VERSION,
            csrf: this.boot.csrf,
            resumeToken: this.token,
            lastSeq: this.seq,
            viewport: { w: 1280, h: 800 },
            tzOffset: 0,
            features: 3,
          }),
        );
      });
      ws.on("message", (data: Buffer) => {
        const f = decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        if (f.type === FrameType.HandshakeReply) {
          if (f.status !== "ok") return reject(new Error(`handshake refused: ${f.status}`));
          this.token = f.resumeToken;
          this.cseq = Math.max(this.cseq, f.lastCseq);
          resolve({ ms: performance.now() - t0, resumed: f.resumed });
        } else if (f.type === FrameType.Patches || f.type === FrameType.FullResync) {
          this.seq = f.seq;
          ws.send(encodeClientFrame({ type: FrameType.Ack, seq: f.seq }));
          if (f.type === FrameType.Patches) {
            for (const p of f.patches) {
              if (p.op === PatchOp.SetText) {
                this.count = p.text;
                this.#onText?.(p.text);
              }
            }
          }
        }
      });
    });
  }

  /** Clicks the counter's button (hid 4) and resolves with the text it then shows. */
  click(): Promise<string> {
    const answered = new Promise<string>((resolve) => {
      this.#onText = resolve;
    });
    this.ws!.send(
      encodeClientFrame({
        type: FrameType.Event,
        cseq: ++this.cseq,
        hid: 4,
        event: { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 },
      }),
    );
    return answered;
  }

  drop(): void {
    this.ws?.removeAllListeners("close");
    this.ws?.terminate();
  }
}

async function openTabs(port: number, n: number, clicks: number): Promise<Tab[]> {
  const tabs: Tab[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const t = await Tab.open(port);
      for (let i = 0; i < clicks; i++) await t.click();
      tabs.push(t);
    }
  };
  await Promise.all(Array.from({ length: 25 }, worker));
  return tabs;
}

/** Reconnects every tab to `port`, 25 at a time; socket open → reply and → next click. */
async function resumeAll(port: number, tabs: readonly Tab[], clicks: number) {
  const replyMs: number[] = [];
  const currentMs: number[] = [];
  let wrong = 0;
  let notResumed = 0;
  let i = 0;
  const worker = async () => {
    while (i < tabs.length) {
      const t = tabs[i++]!;
      const t0 = performance.now();
      const r = await t.connect(port);
      replyMs.push(r.ms);
      if (!r.resumed) notResumed++;
      const text = await t.click();
      currentMs.push(performance.now() - t0);
      if (text !== `Count: ${clicks + 1}`) wrong++;
    }
  };
  await Promise.all(Array.from({ length: 25 }, worker));
  replyMs.sort((a, b) => a - b);
  currentMs.sort((a, b) => a - b);
  return { replyMs, currentMs, wrong, notResumed };
}

function resumeRow(label: string, r: Awaited<ReturnType<typeof resumeAll>>): string[] {
  return [
    label,
    String(r.replyMs.length),
    fmt(percentile(r.replyMs, 50)),
    fmt(percentile(r.replyMs, 99)),
    fmt(percentile(r.currentMs, 50)),
    fmt(percentile(r.currentMs, 99)),
    `${r.notResumed} / ${r.wrong}`,
  ];
}

async function withRedis<T>(fn: (prefix: string) => Promise<T>): Promise<T> {
  const prefix = `bench:vango:persist:${randomUUID()}:`;
  try {
    return await fn(prefix);
  } finally {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${prefix}*`);
    for (let k = 0; k < keys.length; k += 500) await redis.del(...keys.slice(k, k + 500));
    redis.disconnect();
  }
}

async function checkpointCost(): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), "vango-bench-state-"));
  const setups = [
    { label: "persistence off", env: { VANGO_BENCH_PERSIST: "off" } },
    { label: "memory store", env: { VANGO_BENCH_PERSIST: "memory" } },
    { label: "file snapshot", env: { VANGO_BENCH_PERSIST: "file", VANGO_BENCH_STATE_DIR: dir } },
    { label: "Redis store", env: { VANGO_BENCH_PERSIST: "redis" } },
  ];
  const runs = new Map<string, { us: number; p99: number; row: string[] }[]>();
  try {
    await withRedis(async (prefix) => {
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of setups) {
          const saved = { ...process.env };
          Object.assign(process.env, s.env, { VANGO_BENCH_PREFIX: prefix });
          const o = {
            sessions: LOAD_N,
            rate: 5,
            seconds: LOAD_SECONDS,
            warmup: 5,
            procs: 2,
            ackMs: ACK_MS,
          };
          try {
            const r = await runLoad(o);
            const list = runs.get(s.label) ?? [];
            list.push({ us: (r.serverCpu * 1e6) / (LOAD_N * 5), p99: r.p99, row: loadRow(o, r) });
            runs.set(s.label, list);
          } finally {
            process.env = saved;
          }
        }
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const off = median(runs.get("persistence off")!.map((r) => r.us));
  return setups.map(({ label }) => {
    const list = runs.get(label)!;
    const us = median(list.map((r) => r.us));
    return [
      `${LOAD_N} × 5/s, ${label}`,
      fmt(us, 0),
      label === "persistence off" ? "—" : `${fmt(us - off, 0)}`,
      fmt(median(list.map((r) => r.p99))),
      list.map((r) => fmt(r.us, 0)).join(", "),
    ];
  });
}

async function resumeAfterRestart(): Promise<string[][]> {
  const rows: string[][] = [];
  const clicks = 3;
  const dir = mkdtempSync(join(tmpdir(), "vango-bench-state-"));
  try {
    const env = { VANGO_BENCH_PERSIST: "file", VANGO_BENCH_STATE_DIR: dir };
    const a = await startServer(env);
    const tabs = await openTabs(a.port, RESUME_N, clicks);
    for (const t of tabs) t.drop();
    const t0 = performance.now();
    await a.exit();
    const closeMs = performance.now() - t0;
    const b = await startServer(env);
    rows.push(
      resumeRow(
        `file snapshot, server restarted (closed in ${fmt(closeMs, 0)} ms)`,
        await resumeAll(b.port, tabs, clicks),
      ),
    );
    await b.exit();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await withRedis(async (prefix) => {
    const env = {
      VANGO_BENCH_PERSIST: "redis",
      VANGO_BENCH_PREFIX: prefix,
      VANGO_BENCH_SECRET: randomBytes(32).toString("base64url"),
    };
    const a = await startServer(env);
    const b = await startServer(env);
    const tabs = await openTabs(a.port, RESUME_N, clicks);
    // Wait out the checkpoint interval: a dropped socket is checkpointed at once, but
    // the move below happens while the first instance still runs.
    for (const t of tabs) t.drop();
    await sleep(1500);
    rows.push(
      resumeRow("Redis, moved to a second instance", await resumeAll(b.port, tabs, clicks)),
    );
    await Promise.all([a.exit(), b.exit()]);
  });
  return rows;
}

async function detachedMemory(): Promise<string[][]> {
  const rows: string[][] = [];
  for (const persist of ["off", "memory"]) {
    const s = await startServer({ VANGO_BENCH_PERSIST: persist });
    const warm = await openTabs(s.port, 20, 1);
    for (const t of warm) t.drop();
    await sleep(300);
    const base = await s.heap();
    const tabs = await openTabs(s.port, DETACH_N, 1);
    await sleep(300);
    const attached = await s.heap();
    for (const t of tabs) t.drop();
    await sleep(1500);
    const detached = await s.heap();
    rows.push([
      `persistence ${persist === "off" ? "off" : "on (memory store)"}`,
      String(DETACH_N),
      fmt((attached - base) / DETACH_N / 1024),
      fmt((detached - base) / DETACH_N / 1024),
    ]);
    await s.exit();
  }
  return rows;
}

const load0 = loadavg()[0]!;
if (PARTS.includes("cost"))
  table(
    "Checkpoint cost per event (server CPU; median of the rounds)",
    ["load", "server CPU µs/event", "over off", "p99 ms", "each round µs/event"],
    await checkpointCost(),
  );
if (PARTS.includes("resume"))
  table(
    `Resume: ${RESUME_N} sessions, ${3} clicks each, reconnected 25 at a time`,
    [
      "case",
      "sessions",
      "open → reply p50 ms",
      "p99 ms",
      "open → next click answered p50 ms",
      "p99 ms",
      "not resumed / wrong count",
    ],
    await resumeAfterRestart(),
  );
if (PARTS.includes("memory"))
  table(
    "Memory per session, attached and detached (heap after GC)",
    ["case", "sessions", "attached KB/session", "detached KB/session"],
    await detachedMemory(),
  );
console.log(`\nload average ${fmt(load0, 1)} at start, ${fmt(loadavg()[0]!, 1)} at the end`);
