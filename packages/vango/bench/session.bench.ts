/**
 * Session benchmarks (issue 4): memory per idle session, event→patch round trip on one
 * socket and under load (2,000 sessions × 5 events/s; server and two load-client
 * processes apart),
 * bytes on the wire per counter click, and a keyed reorder of 1,000 rows.
 * Everything runs on 127.0.0.1 and stops by itself.
 */
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ACK_MS } from "../src/client/client.ts";
import { encodeClientFrame } from "../src/protocol/client-codec.ts";
import { EventType, FrameType } from "../src/protocol/constants.ts";
import { encodeServerFrame } from "../src/protocol/server-codec.ts";
import { createApp } from "../src/server/app.ts";
import { DEFAULT_TIMEOUTS } from "../src/server/config/options.ts";
import { silentLogger } from "../src/server/core/logger.ts";
import { mountTest } from "../src/testing/mount-test.ts";
import { Counter, makeRows, Rows, rowsSignal } from "./load/counter-app.ts";
import { perfAvailable } from "./load/perf-split.ts";
import { PhxLoadSession } from "./load/phx-client.ts";
import { LoadSession, percentile } from "./load/protocol-client.ts";
import { LOAD_HEAD, loadRow, PERF_HEAD, perfRow, runLoad } from "./load/run-load.ts";
import { median } from "./util.ts";

const here = dirname(fileURLToPath(import.meta.url));
const IDLE_N = Number(process.env.VANGO_BENCH_IDLE ?? 5000);
const LOAD_N = Number(process.env.VANGO_BENCH_LOAD ?? 2000);
const LOAD_SECONDS = Number(process.env.VANGO_BENCH_SECONDS ?? 10);
/** The app's park period in the memory runs (default: `createApp`'s, 30 s). */
const PARK_MS = Number(process.env.VANGO_BENCH_PARK_MS ?? DEFAULT_TIMEOUTS.parkAfterMs);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc (npm run bench does)");

function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The heap after GC once it stops shrinking. A server closed just before may still be
 * letting go of its sessions (its sockets close after it returns), and what it frees
 * during the next measurement would be taken off that one's count: on a slow machine
 * LiveViewJS's second row read 4.4 KB per session against 7.1 for its first.
 */
async function settledHeap(): Promise<number> {
  let last = heapAfterGc();
  for (let i = 0; i < 40; i++) {
    await sleep(250);
    const now = heapAfterGc();
    if (last - now < 64 * 1024) return now;
    last = now;
  }
  return last;
}

/** `browser`: page GETs carry a browser's headers (`BROWSER_HEADERS`), which a session keeps. */
function startClient(peer = false, browser = false) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (peer) env.VANGO_BENCH_PEER = "liveviewjs";
  if (browser) env.VANGO_BENCH_BROWSER = "1";
  const child = fork(join(here, "load/client-process.ts"), [], {
    env,
    execArgv: ["--conditions=source", "--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      child.once("message", (m: Record<string, unknown>) =>
        m.error ? reject(new Error(String(m.error))) : resolve(m),
      );
    });
  return { child, next };
}

function table(title: string, head: string[], rows: (string | number)[][]) {
  console.log(`\n### ${title}\n`);
  console.log(`| ${head.join(" | ")} |`);
  console.log(`|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
}

const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");

async function withServer<T>(fn: (port: number) => Promise<T>, parkAfterMs = 0): Promise<T> {
  const app = createApp({
    routes: { "/": Counter },
    logger: silentLogger,
    clientBuilder: async () => ({ code: "", hash: "bench" }),
    // Every page GET comes from 127.0.0.1: the per-IP pending cap (32) would evict them.
    limits: { maxSessions: 20_000, maxPendingPerIp: 20_000 },
    timeouts: { handshakeMs: 60_000, heartbeatMs: 600_000, pendingTtlMs: 120_000, parkAfterMs },
    // Every session comes from 127.0.0.1: per-IP HTTP budgets and socket caps would refuse them.
    // The one-socket round trip clicks back to back, above the per-session event budget.
    rateLimit: false,
    connectionLimits: false,
  });
  const l = await app.listen(0);
  try {
    return await fn(l.port);
  } finally {
    await l.close();
  }
}

/**
 * Server heap delta after GC per session, with the client in a second process.
 * `parkAfterMs` > 0: measured once the sessions idled past it and one park sweep ran
 * (their views parked); 0: views stay mounted (parking off). `browser`: the page GETs
 * carry a browser's headers.
 */
async function memory(
  cmd: "idle" | "pages",
  label: string,
  parkAfterMs = 0,
  browser = false,
): Promise<(string | number)[]> {
  return withServer(async (port) => {
    const { child, next } = startClient(false, browser);
    await next();
    // Warm up code paths (JIT, module state) so the baseline does not include them.
    const warm = await LoadSession.open(port);
    warm.close();
    const before = await settledHeap();
    child.send({ cmd, port, n: IDLE_N });
    await next();
    await sleep(parkAfterMs > 0 ? parkAfterMs + Math.max(250, parkAfterMs / 4) + 1000 : 300);
    const after = heapAfterGc();
    child.send({ cmd: "exit" });
    return [label, IDLE_N, fmt((after - before) / IDLE_N / 1024)];
  }, parkAfterMs);
}

type Peer = { port: number; close(): Promise<void> };

/** The LiveViewJS counter (bench/peers/liveviewjs), in this process like Vango's server. */
async function withPeer<T>(fn: (port: number) => Promise<T>): Promise<T> {
  const url = new URL("./peers/liveviewjs/counter-server.mjs", import.meta.url);
  const { startLiveViewJs } = (await import(url.href)) as {
    startLiveViewJs(port: number): Promise<Peer>;
  };
  const p = await startLiveViewJs(0);
  try {
    return await fn(p.port);
  } finally {
    await p.close();
  }
}

/** The same measurement as {@link memory} (attached idle sessions) against the peer. */
async function memoryPeer(label: string, browser = false): Promise<(string | number)[]> {
  return withPeer(async (port) => {
    const { child, next } = startClient(true, browser);
    await next();
    const warm = await PhxLoadSession.open(port);
    warm.close();
    const before = await settledHeap();
    child.send({ cmd: "idle", port, n: IDLE_N });
    await next();
    await sleep(300);
    const after = heapAfterGc();
    child.send({ cmd: "exit" });
    return [label, IDLE_N, fmt((after - before) / IDLE_N / 1024)];
  });
}

/** Waits until `s` has no event in flight; throws after 5 s (a refused event never answers). */
async function answered(s: LoadSession | PhxLoadSession): Promise<void> {
  const deadline = performance.now() + 5000;
  while (s.inFlight > 0) {
    if (performance.now() > deadline) throw new Error("event not answered within 5 s");
    await new Promise((r) => setImmediate(r));
  }
}

/** Sequential clicks on one socket: round trip, and bytes on the wire per click. */
async function oneSocket(
  label: string,
  s: LoadSession | PhxLoadSession,
): Promise<{ row: (string | number)[]; up: number; down: number }> {
  for (let i = 0; i < 2000; i++) {
    s.click(4);
    await answered(s);
  }
  s.rtts.length = 0;
  const in0 = s.bytesIn;
  const out0 = s.bytesOut;
  const n = 5000;
  for (let i = 0; i < n; i++) {
    s.click(4);
    await answered(s);
  }
  s.sendAck();
  const up = (s.bytesOut - out0) / n;
  const down = (s.bytesIn - in0) / n;
  const sorted = [...s.rtts].sort((a, b) => a - b);
  s.close();
  const row = [
    label,
    sorted.length,
    fmt(percentile(sorted, 50), 3),
    fmt(percentile(sorted, 99), 3),
  ];
  return { row, up, down };
}

async function rttOneSocket(): Promise<{ rows: (string | number)[][]; bytes: string[][] }> {
  const v = await withServer(async (port) =>
    oneSocket("Vango, 1 socket, sequential clicks", await LoadSession.open(port)),
  );
  const p = await withPeer(async (port) =>
    oneSocket("LiveViewJS 0.8.1, 1 socket, sequential clicks", await PhxLoadSession.open(port)),
  );
  return {
    rows: [v.row, p.row],
    bytes: [
      ["Vango (binary frames; acks at most once per second)", fmt(v.up, 1), fmt(v.down, 1)],
      ["LiveViewJS 0.8.1 (Phoenix JSON messages)", fmt(p.up, 1), fmt(p.down, 1)],
    ],
  };
}

/**
 * Server, and the load client split over two processes, each in its own process; the
 * first 5 s are warm-up (the young generation grows to its steady size) and not recorded.
 * The app as `createApp` sets it up, then with `--max-semi-space-size=64`, then with
 * V8's default flags (`v8Tuning: false`, see v8-tuning.ts), then without persistence
 * (no checkpoint writes), then the transport floor — the app's own WebSocket answering
 * each event with a fixed Patches frame and no session (what Node, the kernel and the
 * socket layer cost this machine per event), the same floor busy-waiting 20 µs before each
 * answer (whether a server that takes longer to answer pays more per event than its own
 * work: by `perf`, its write costs the same CPU) — then the LiveViewJS peer. Where
 * Linux `perf` can attach, each run's server CPU is also split by part (`perf-split.ts`).
 */
async function rttLoad(): Promise<{ rows: string[][]; perf: string[][] }> {
  const rows: string[][] = [];
  const perf: string[][] = [];
  const withPerf = perfAvailable();
  const setups: {
    serverArgs: string[];
    tuning: boolean;
    label: string;
    peer?: "liveviewjs";
    serverEnv?: Record<string, string>;
  }[] = [
    { serverArgs: [], tuning: true, label: "" },
    {
      serverArgs: ["--max-semi-space-size=64"],
      tuning: true,
      label: ", server --max-semi-space-size=64",
    },
    { serverArgs: [], tuning: false, label: ", V8 defaults (v8Tuning: false)" },
    {
      serverArgs: [],
      tuning: true,
      label: ", persistence off",
      serverEnv: { VANGO_BENCH_PERSIST: "off" },
    },
    {
      serverArgs: [],
      tuning: true,
      label: "transport floor (no session): ",
      serverEnv: { VANGO_BENCH_ECHO: "1" },
    },
    {
      serverArgs: [],
      tuning: true,
      label: "transport floor + 20 µs busy-wait per event: ",
      serverEnv: { VANGO_BENCH_ECHO: "1", VANGO_BENCH_ECHO_SPIN: "20" },
    },
    { serverArgs: [], tuning: true, label: "", peer: "liveviewjs" },
  ];
  for (const { serverArgs, tuning, label, peer, serverEnv } of setups) {
    const o = {
      ...(peer === undefined ? {} : { peer }),
      ...(serverEnv === undefined ? {} : { serverEnv }),
      sessions: LOAD_N,
      rate: 5,
      seconds: LOAD_SECONDS,
      warmup: 5,
      procs: 2,
      ackMs: ACK_MS,
      serverArgs,
      v8Tuning: tuning,
    };
    const r = await runLoad({ ...o, perf: withPerf });
    const row = loadRow(o, r);
    row[0] = label.endsWith(": ") ? `${label}${row[0]}` : `${row[0]}${label}`;
    rows.push(row);
    if (r.perf !== undefined) perf.push([row[0]!, ...perfRow(o, r.perf)]);
  }
  return { rows, perf };
}

function wireBytes(): (string | number)[][] {
  const click = encodeClientFrame({
    type: FrameType.Event,
    cseq: 1,
    hid: 4,
    event: { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 },
  });
  const patches = encodeServerFrame({
    type: FrameType.Patches,
    seq: 1,
    cseq: 1,
    patches: [{ op: 1, parent: 3, index: 0, text: "Count: 1" }],
  });
  const ack = encodeClientFrame({ type: FrameType.Ack, seq: 1 });
  // RFC 6455 framing: 2-byte header for payloads < 126 B; client frames add a 4-byte mask.
  const c2s = click.byteLength + 6 + ack.byteLength + 6;
  const s2c = patches.byteLength + 2;
  return [
    ["click Event frame (client → server)", click.byteLength, click.byteLength + 6],
    ["Patches frame `Count: 1` (server → client)", patches.byteLength, patches.byteLength + 2],
    ["Ack frame (client → server)", ack.byteLength, ack.byteLength + 6],
    [
      "total for a lone click (its own Ack), both directions",
      click.byteLength + patches.byteLength + ack.byteLength,
      c2s + s2c,
    ],
    // The client acks at most once per ACK_MS, for every frame applied since.
    [
      `total per click at 5 clicks/s (one Ack per ${ACK_MS} ms)`,
      click.byteLength + patches.byteLength + ack.byteLength / 5,
      click.byteLength + 6 + s2c + (ack.byteLength + 6) / 5,
    ],
  ];
}

async function reorder(): Promise<(string | number)[][]> {
  const base = makeRows(1000);
  const t = mountTest(Rows);
  const cpu: number[] = [];
  const wall: number[] = [];
  let bytes = 0;
  let count = 0;
  for (let run = 0; run < 15; run++) {
    const next = run % 2 === 0 ? [...base].reverse() : base;
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    rowsSignal.set(next);
    // Server work only: render + keyed diff + encode + history (what the scheduler runs).
    t.session.flush();
    wall.push(performance.now() - w0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    const patches = await t.settle();
    if (run === 0) {
      count = patches.length;
      bytes = encodeServerFrame({ type: FrameType.Patches, seq: 1, cseq: 0, patches }).byteLength;
    }
  }
  // Shuffle: a harder case than reverse for the LIS-based move minimisation.
  const shuffled = [...base];
  let seed = 42;
  for (let i = shuffled.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  rowsSignal.set(base);
  await t.settle();
  const c0 = process.cpuUsage();
  rowsSignal.set(shuffled);
  t.session.flush();
  const sc = process.cpuUsage(c0);
  const sp = await t.settle();
  const sBytes = encodeServerFrame({
    type: FrameType.Patches,
    seq: 1,
    cseq: 0,
    patches: sp,
  }).byteLength;
  t.dispose();
  return [
    ["reverse 1,000 keyed rows", count, bytes, fmt(median(cpu)), fmt(median(wall))],
    ["shuffle 1,000 keyed rows (1 run)", sp.length, sBytes, fmt((sc.user + sc.system) / 1000), "–"],
  ];
}

const mem = [
  await memory("pages", "pending sessions: page GET only (session + mounted view)"),
  await memory("idle", "attached sessions, views mounted (parking off)"),
  await memory(
    "idle",
    `attached idle sessions, idle past parkAfterMs (${PARK_MS / 1000} s): views parked`,
    PARK_MS,
  ),
  await memoryPeer("LiveViewJS 0.8.1: attached idle sessions (joined)"),
  // What a session keeps of its page request grows with the browser's headers.
  await memory("idle", "… views parked, page GETs with a browser's headers", PARK_MS, true),
  await memoryPeer("LiveViewJS 0.8.1: … page GETs with a browser's headers", true),
];
table(
  "Memory per idle session (heapUsed delta after GC / n)",
  ["case", "sessions", "KB/session"],
  mem,
);
// `VANGO_BENCH_PARTS=memory`: the memory table only.
if (process.env.VANGO_BENCH_PARTS === "memory") process.exit(0);
const one = await rttOneSocket();
table("Event → patch round trip", ["case", "events", "p50 ms", "p99 ms"], one.rows);
table(
  "Payload bytes per click measured on the socket (5,000 sequential clicks, WS framing not counted)",
  ["server", "up B/click", "down B/click"],
  one.bytes,
);
const load = await rttLoad();
table("Round trip under load (send stamp → Patches for that cseq)", LOAD_HEAD, load.rows);
if (load.perf.length > 0) {
  table("Server CPU by part under load (perf, µs per event)", PERF_HEAD, load.perf);
} else {
  console.log("\n(Server CPU by part: skipped, Linux `perf` is not available or may not attach.)");
}
table(
  "Bytes on the wire per counter click",
  ["frame", "payload B", "with WS framing B"],
  wireBytes(),
);
table(
  "Keyed reorder of 1,000 rows (render + diff + encode, via the session core)",
  ["case", "patches", "frame bytes", "server CPU ms (median)", "wall ms (median)"],
  await reorder(),
);
process.exit(0);
