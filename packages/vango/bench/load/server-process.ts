/**
 * The benchmark server as its own process (the counter page, silent logger; or the
 * LiveViewJS peer with `VANGO_BENCH_PEER=liveviewjs`), driven over
 * IPC by `run-load.ts`, so server and load client CPU, event-loop delay and GC are
 * measured apart:
 *   → { ok: "listening", port }
 *   { cmd: "mark" }  → starts a measurement window (CPU, event-loop delay, GC)
 *   { cmd: "stats" } → { ok: "stats", cpu, eldP50, eldP99, eldMax, gcMs, gcCount, heapMb }
 *   { cmd: "mem", gc } → { ok: "mem", rss, heapUsed } (`gc`: after forced GCs, --expose-gc)
 *   { cmd: "snapshot", file } → { ok: "snapshot" } once a heap snapshot is in `file`
 *   { cmd: "exit" }  → closes the app (checkpointing every session) and exits
 * `VANGO_BENCH_PERSIST` picks where sessions are checkpointed: `off`, `memory`, `file`
 * (in `VANGO_BENCH_STATE_DIR`), `redis` (`REDIS_URL`, keys under `VANGO_BENCH_PREFIX`);
 * unset, the app's default (a file snapshot in `.vango`). `VANGO_BENCH_SECRET` sets the
 * secret, so two processes accept each other's resume tokens.
 */

import { writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { Session as Inspector } from "node:inspector/promises";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import { writeHeapSnapshot } from "node:v8";
import { Redis } from "ioredis";
import { WebSocketServer } from "ws";
import { FrameType } from "../../src/protocol/constants.ts";
import { decodeClientFrame, encodeServerFrame } from "../../src/protocol/server-codec.ts";
import { createApp } from "../../src/server/app.ts";
import type { PersistenceOptions } from "../../src/server/config/options.ts";
import { silentLogger } from "../../src/server/core/logger.ts";
import { MemorySessionStore } from "../../src/server/session/stores/memory-store.ts";
import { RedisSessionStore } from "../../src/server/session/stores/redis-store.ts";
import { switchingProtocols } from "../../src/server/ws/opening-handshake.ts";
import { ServerWebSocket } from "../../src/server/ws/server-websocket.ts";
import { WsTransport } from "../../src/server/ws/ws-transport.ts";
import { Counter } from "./counter-app.ts";

const redis =
  process.env.VANGO_BENCH_PERSIST === "redis"
    ? new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 })
    : undefined;

function persistence(): { persistence?: false | PersistenceOptions } {
  // `VANGO_BENCH_CHECKPOINT_TTL_MS`: checkpoints of ended sessions expire this soon (churn).
  // `VANGO_BENCH_CHECKPOINT_MS`: the checkpoint interval (default 1 s).
  const ttl = process.env.VANGO_BENCH_CHECKPOINT_TTL_MS;
  const every = process.env.VANGO_BENCH_CHECKPOINT_MS;
  const ttlMs = {
    ...(ttl ? { ttlMs: Number(ttl) } : {}),
    ...(every ? { checkpointMs: Number(every) } : {}),
  };
  switch (process.env.VANGO_BENCH_PERSIST) {
    case undefined:
    case "":
      return ttl || every ? { persistence: ttlMs } : {};
    case "off":
      return { persistence: false };
    case "memory":
      return { persistence: { store: new MemorySessionStore(), ...ttlMs } };
    case "file":
      return { persistence: { dir: process.env.VANGO_BENCH_STATE_DIR ?? ".vango", ...ttlMs } };
    case "redis":
      return {
        persistence: {
          store: new RedisSessionStore({
            client: redis!,
            prefix: process.env.VANGO_BENCH_PREFIX ?? "bench:vango:session:",
          }),
          ...ttlMs,
        },
      };
    default:
      throw new Error(
        `VANGO_BENCH_PERSIST=${process.env.VANGO_BENCH_PERSIST}: off|memory|file|redis`,
      );
  }
}

/** `VANGO_BENCH_PEER=liveviewjs`: the LiveViewJS counter (bench/peers/liveviewjs) instead. */
const PEER = process.env.VANGO_BENCH_PEER;
const l: { port: number; server: Server; close(): Promise<void> } =
  PEER === "liveviewjs" ? await startPeer() : await listenVango();

async function startPeer() {
  const url = new URL("../peers/liveviewjs/counter-server.mjs", import.meta.url);
  const peer = (await import(url.href)) as {
    startLiveViewJs(
      port: number,
    ): Promise<{ port: number; server: Server; close(): Promise<void> }>;
  };
  return peer.startLiveViewJs(0);
}

function listenVango() {
  const app = createApp({
    routes: { "/": Counter },
    logger: silentLogger,
    clientBuilder: async () => ({ code: "", hash: "bench" }),
    // Sessions are opened 50 at a time from one address: the per-IP cap on sessions
    // waiting for their socket (32) would evict some before they attach.
    limits: { maxSessions: 20_000, maxPendingPerIp: 20_000 },
    timeouts: {
      handshakeMs: 60_000,
      heartbeatMs: 600_000,
      // `VANGO_BENCH_RESUME_MS`: closed sockets' sessions expire this soon (churn).
      ...(process.env.VANGO_BENCH_RESUME_MS
        ? { resumeWindowMs: Number(process.env.VANGO_BENCH_RESUME_MS) }
        : {}),
    },
    // All load comes from one loopback address: per-IP HTTP budgets and socket caps would
    // refuse it. The per-session WebSocket event budget (30/s) stays on: 5/s is under it.
    rateLimit: { perIp: false, mutations: false },
    ...persistence(),
    ...(process.env.VANGO_BENCH_SECRET ? { secret: process.env.VANGO_BENCH_SECRET } : {}),
    connectionLimits: false,
    ...(process.env.VANGO_BENCH_METRICS === "0" ? { metrics: false as const } : {}),
    // `VANGO_BENCH_V8_TUNING=0`: V8's default flags, to measure what the tuning changes.
    v8Tuning: process.env.VANGO_BENCH_V8_TUNING !== "0",
  });
  return app.listen(0);
}
if (process.env.VANGO_BENCH_ECHO === "1") echoTransport(l.server);
if (process.env.VANGO_BENCH_ECHO === "ws") echoTransportWs(l.server);

/**
 * Answers a decoded client frame as the floor servers do: a Handshake with an "ok"
 * reply, each Event with a fixed `Count: n` Patches frame (no session, queue, render,
 * diff or checkpoint).
 */
function echoAnswer(data: Uint8Array, seq: { n: number }): Uint8Array | undefined {
  const f = decodeClientFrame(data);
  if (f.type === FrameType.Handshake) {
    return encodeServerFrame({
      type: FrameType.HandshakeReply,
      status: "ok",
      resumed: false,
      resumeToken: "",
      nextSeq: 1,
      lastCseq: 0,
      serverTime: Date.now(),
      features: 0,
    });
  }
  if (f.type !== FrameType.Event) return undefined;
  seq.n++;
  return encodeServerFrame({
    type: FrameType.Patches,
    seq: seq.n,
    cseq: f.cseq,
    patches: [{ op: 1, parent: 3, index: 0, text: `Count: ${seq.n}` }],
  });
}

/**
 * Transport floor (`VANGO_BENCH_ECHO=1`): the app's own WebSocket — the 101 answer, a
 * `ServerWebSocket` and a `WsTransport` on the upgraded socket, as `createApp` sets them
 * up — with every frame answered by {@link echoAnswer} straight from the message
 * handler, so `run-load` can split an event's cost into what Node, the kernel and the
 * socket layer take and what the session adds.
 */
function echoTransport(server: Server): void {
  server.removeAllListeners("upgrade");
  server.on("upgrade", (req, socket: Duplex, head: Buffer) => {
    socket.write(switchingProtocols(req.headers["sec-websocket-key"]!));
    const ws = new ServerWebSocket(socket, 64 * 1024);
    const t = new WsTransport(ws);
    const seq = { n: 0 };
    ws.open(
      {
        onMessage(data) {
          const out = echoAnswer(data, seq);
          if (ECHO_SPIN_MS > 0) spin(ECHO_SPIN_MS);
          if (out !== undefined) t.send(out);
        },
        onPong() {},
        onError() {},
        onClose() {},
      },
      head,
    );
  });
}

/**
 * `VANGO_BENCH_ECHO_SPIN=µs`: the floor server busy-waits this long before each answer,
 * standing in for a framework's work per event (user time only, no allocation), to
 * see whether a server that answers later pays more per event than that work. By
 * `perf`, the write to the socket costs the same CPU either way (BENCHMARKS.md).
 */
const ECHO_SPIN_MS = Number(process.env.VANGO_BENCH_ECHO_SPIN ?? 0) / 1000;

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** The same floor on `ws` (`VANGO_BENCH_ECHO=ws`), the library the server used before. */
function echoTransportWs(server: Server): void {
  server.removeAllListeners("upgrade");
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
  });
  server.on("upgrade", (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const seq = { n: 0 };
      ws.on("error", () => {});
      ws.on("message", (data: Buffer) => {
        const out = echoAnswer(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), seq);
        if (out !== undefined) ws.send(out);
      });
    });
  });
}

const eld = monitorEventLoopDelay({ resolution: 1 });
let gcMs = 0;
let gcCount = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcCount++;
  }
}).observe({ entryTypes: ["gc"] });
/**
 * `VANGO_BENCH_ALLOC=file.heapprofile`: sample every allocation made in the measured
 * window, including objects the GC has since freed (what drives scavenge frequency),
 * and write the profile for Chrome DevTools or `bench/load/alloc-top.ts`. With
 * `VANGO_BENCH_ALLOC_LIVE=1`, only what is still alive at the end (what scavenges copy
 * and promote: the state each event leaves behind). With `VANGO_BENCH_ALLOC_PROMOTED=1`,
 * what outlived the scavenges: alive at the end or freed only by a full GC (what
 * scavenges copied into old space).
 */
const allocLive = process.env.VANGO_BENCH_ALLOC_LIVE === "1";
const allocPromoted = process.env.VANGO_BENCH_ALLOC_PROMOTED === "1";
const allocFile = process.env.VANGO_BENCH_ALLOC;
/** `VANGO_BENCH_CPU=file.cpuprofile`: a CPU profile of the measured window only. */
const cpuFile = process.env.VANGO_BENCH_CPU;
const inspector = allocFile || cpuFile ? new Inspector() : undefined;
inspector?.connect();
let cpu0 = process.cpuUsage();
let t0 = performance.now();

process.on("message", async (m: { cmd: string }) => {
  if (m.cmd === "mark") {
    eld.reset();
    eld.enable();
    gcMs = 0;
    gcCount = 0;
    if (allocFile) {
      await inspector?.post("HeapProfiler.startSampling", {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: !allocLive || allocPromoted,
        includeObjectsCollectedByMinorGC: !allocLive && !allocPromoted,
      });
    }
    if (cpuFile) {
      await inspector?.post("Profiler.enable");
      await inspector?.post("Profiler.start");
    }
    cpu0 = process.cpuUsage();
    t0 = performance.now();
    process.send?.({ ok: "marked" });
  } else if (m.cmd === "stats") {
    const c = process.cpuUsage(cpu0);
    const s = (performance.now() - t0) / 1000;
    eld.disable();
    if (inspector && allocFile) {
      const { profile } = await inspector.post("HeapProfiler.stopSampling");
      writeFileSync(allocFile, JSON.stringify(profile));
    }
    if (inspector && cpuFile) {
      const { profile } = await inspector.post("Profiler.stop");
      writeFileSync(cpuFile, JSON.stringify(profile));
    }
    process.send?.({
      ok: "stats",
      cpu: (c.user + c.system) / 1e6 / s,
      sys: c.system / 1e6 / s,
      eldP50: eld.percentile(50) / 1e6,
      eldP99: eld.percentile(99) / 1e6,
      eldMax: eld.max / 1e6,
      gcMs,
      gcCount,
      heapMb: process.memoryUsage().heapUsed / 2 ** 20,
    });
  } else if (m.cmd === "mem") {
    // After full GCs (`gc: true`) when the process runs with --expose-gc (soak, churn).
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc && (m as { gc?: boolean }).gc === true) for (let i = 0; i < 4; i++) gc();
    const mu = process.memoryUsage();
    process.send?.({ ok: "mem", rss: mu.rss, heapUsed: mu.heapUsed, gcForced: gc !== undefined });
  } else if (m.cmd === "snapshot") {
    // The snapshot itself collects garbage first (what it shows is what a GC keeps).
    writeHeapSnapshot((m as { file?: string }).file);
    process.send?.({ ok: "snapshot" });
  } else if (m.cmd === "exit") {
    await l.close();
    redis?.disconnect();
    process.exit(0);
  }
});
process.send?.({ ok: "listening", port: l.port });
