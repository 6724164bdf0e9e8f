/**
 * Event → patch round trip under load, every part in its own process: the server
 * (`server-process.ts`) and `procs` load clients (`client-process.ts`) sharing `sessions`.
 * Latency is client send stamp → Patches frame carrying that cseq received; the first
 * `warmup` seconds are not recorded. Prints one Markdown table row per run.
 *
 *   node --conditions=source --import tsx packages/vango/bench/load/run-load.ts \
 *     [sessions=2000] [rate=5] [seconds=10] [warmup=5] [procs=2] [runs=1]
 * `VANGO_SERVER_ARGS="--cpu-prof"` passes Node flags to the server process,
 * `VANGO_CLIENT_ARGS` to the clients; the server process reads its own `VANGO_BENCH_*`
 * settings (`server-process.ts`: `VANGO_BENCH_ECHO=1` for the transport floor,
 * `VANGO_BENCH_ECHO_SPIN=µs` to busy-wait before each floor answer,
 * `VANGO_BENCH_CPU=file.cpuprofile` for a CPU profile of the measured window);
 * `VANGO_BENCH_PERF=1` splits the server's CPU by `perf` (`perf-split.ts`) into its main
 * thread's kernel, native and JIT time and its other threads, µs per event.
 * The server runs bundled (see {@link bundled}); `VANGO_BENCH_TSX=1` runs it from its
 * sources through tsx. Loopback only; every run stops by itself.
 */
import { type ChildProcess, fork } from "node:child_process";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { ACK_MS } from "../../src/client/client.ts";
import type { EventsReport } from "./client-process.ts";
import { type PerfSplit, perfSplit } from "./perf-split.ts";

const here = dirname(fileURLToPath(import.meta.url));

export interface LoadOptions {
  readonly sessions: number;
  readonly rate: number;
  readonly seconds: number;
  readonly warmup: number;
  readonly procs: number;
  /** Client ack window (ms); the browser client's is `ACK_MS`; 0 acks every frame. */
  readonly ackMs: number;
  readonly serverArgs?: readonly string[];
  /** `false`: the server app keeps V8's default flags (`v8Tuning: false`). */
  readonly v8Tuning?: boolean;
  readonly clientArgs?: readonly string[];
  /** Load the LiveViewJS peer (`bench/peers/liveviewjs`) instead of Vango. */
  readonly peer?: "liveviewjs";
  /** Split the server's CPU by part with `perf` over the measured window (`perf-split.ts`). */
  readonly perf?: boolean;
  /** More environment for the server process (`VANGO_BENCH_ECHO`, `VANGO_BENCH_PERSIST`…). */
  readonly serverEnv?: Readonly<Record<string, string>>;
}

export interface LoadResult {
  readonly sent: number;
  readonly recorded: number;
  readonly lost: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Fractions of one core. */
  readonly serverCpu: number;
  /** Kernel part of {@link serverCpu} (syscalls, loopback TCP). */
  readonly serverSys: number;
  readonly clientCpu: number;
  readonly serverEldP99: number;
  readonly serverEldMax: number;
  readonly clientEldP99: number;
  readonly clientLagP99: number;
  readonly serverGcMs: number;
  readonly loadMin: number;
  readonly loadMax: number;
  /** Per client process: round-trip p99 of each second of the recorded window. */
  readonly perSecondP99: number[][];
  /** With `perf: true`: the server's CPU by part over most of the measured window. */
  readonly perf?: PerfSplit;
}

export interface Child {
  readonly proc: ChildProcess;
  next(): Promise<Record<string, unknown>>;
}

/** Bundles written by this process. */
const built = new Set<string>();

/**
 * The server process runs the way a `vango build` output runs: bundled by esbuild with
 * no `keepNames`. Through tsx, esbuild keeps function names, wrapping every named arrow
 * in a `__name` call each time it is created (the counter's `onClick`, once per render:
 * ~3 % of the server's main thread). The bundle is written next to its entry, so the
 * relative URL of the peer and `node_modules` resolve as they do from the source; the
 * load clients run through tsx.
 */
function bundled(file: string): string {
  const out = join(here, `.${file.replace(/\.ts$/, "")}.bundle.mjs`);
  // Once per process: a second build would rewrite the file a starting server may be reading.
  if (built.has(out)) return out;
  built.add(out);
  buildSync({
    entryPoints: [join(here, file)],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["source"],
    outfile: out,
    logLevel: "error",
  });
  return out;
}

export function spawn(file: string, extra: readonly string[] = [], env = process.env): Child {
  const server = file === "server-process.ts" && process.env.VANGO_BENCH_TSX !== "1";
  const proc = fork(server ? bundled(file) : join(here, file), [], {
    env,
    execArgv: server ? [...extra] : ["--conditions=source", "--import", "tsx", ...extra],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const inbox: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  proc.on("message", (m: Record<string, unknown>) => {
    const w = waiting.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const got = (m: Record<string, unknown>) =>
        m.error ? reject(new Error(String(m.error))) : resolve(m);
      const m = inbox.shift();
      if (m) got(m);
      else waiting.push(got);
    });
  return { proc, next };
}

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One bounded load run; resolves when every process has exited. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const peerEnv = o.peer === undefined ? {} : { VANGO_BENCH_PEER: o.peer };
  const server = spawn("server-process.ts", o.serverArgs, {
    ...process.env,
    ...peerEnv,
    ...(o.v8Tuning === false ? { VANGO_BENCH_V8_TUNING: "0" } : {}),
    ...o.serverEnv,
  });
  const { port } = (await server.next()) as { port: number };
  const clients = Array.from({ length: o.procs }, () =>
    spawn("client-process.ts", o.clientArgs, { ...process.env, ...peerEnv }),
  );
  await Promise.all(clients.map((c) => c.next()));
  const per = Math.ceil(o.sessions / o.procs);
  clients.forEach((c, i) => {
    const n = Math.min(per, o.sessions - i * per);
    c.proc.send({
      cmd: "events",
      port,
      n,
      rate: o.rate,
      seconds: o.seconds,
      warmup: o.warmup,
      hid: 4,
      ackMs: o.ackMs,
    });
  });
  await Promise.all(clients.map((c) => c.next()));
  for (const c of clients) c.proc.send({ cmd: "go" });
  // Server stats cover the recorded window (after the clients' warm-up).
  const loads: number[] = [];
  await new Promise((r) => setTimeout(r, o.warmup * 1000));
  server.proc.send({ cmd: "mark" });
  await server.next();
  const sampler = setInterval(() => loads.push(loadavg()[0]!), 1000);
  // Inside the window: it starts with it and ends before the clients stop.
  const perfSeconds = Math.max(1, Math.floor(o.seconds * 0.8));
  const perf = o.perf === true ? perfSplit(server.proc.pid!, perfSeconds) : undefined;
  // Its failure is reported where it is awaited, not as an unhandled rejection before.
  perf?.catch(() => {});
  const reports = (await Promise.all(clients.map((c) => c.next()))) as unknown as EventsReport[];
  clearInterval(sampler);
  loads.push(loadavg()[0]!);
  server.proc.send({ cmd: "stats" });
  const st = (await server.next()) as Record<string, number>;
  const split = await perf;
  for (const c of clients) c.proc.send({ cmd: "exit" });
  server.proc.send({ cmd: "exit" });
  await Promise.all([server, ...clients].map((c) => new Promise((r) => c.proc.once("exit", r))));
  const all = reports.flatMap((r) => r.rtts).sort((a, b) => a - b);
  const seconds = Math.max(...reports.map((r) => r.seconds));
  return {
    sent: reports.reduce((a, r) => a + r.sent, 0),
    recorded: all.length,
    lost: reports.reduce((a, r) => a + r.lost, 0),
    p50: pct(all, 50),
    p95: pct(all, 95),
    p99: pct(all, 99),
    max: all.at(-1) ?? Number.NaN,
    serverCpu: st.cpu!,
    serverSys: st.sys!,
    clientCpu: reports.reduce((a, r) => a + r.cpu, 0),
    serverEldP99: st.eldP99!,
    serverEldMax: st.eldMax!,
    clientEldP99: Math.max(...reports.map((r) => r.eldP99)),
    clientLagP99: Math.max(...reports.map((r) => r.lagP99)),
    serverGcMs: st.gcMs! / seconds,
    loadMin: Math.min(...loads),
    loadMax: Math.max(...loads),
    perSecondP99: reports.map((r) => r.perSecondP99),
    ...(split === undefined ? {} : { perf: split }),
  };
}

/**
 * The columns of {@link loadRow}. "server ÷ clients CPU": the load clients do the same
 * work for every Vango setup, so their CPU in the same run measures how fast the
 * machine was just then; the ratio moves far less between runs than either figure (not
 * across servers whose clients differ: the LiveViewJS client speaks Phoenix JSON).
 */
export const LOAD_HEAD = [
  "sessions × ev/s, procs",
  "recorded",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "max ms",
  "server CPU",
  "server CPU µs/event",
  "clients CPU",
  "server ÷ clients CPU",
  "server loop delay p99/max ms",
  "client loop p99 / send lag p99 ms",
  "server GC ms/s",
  "load avg",
];

export function loadRow(o: LoadOptions, r: LoadResult): string[] {
  const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");
  return [
    `${o.peer === "liveviewjs" ? "LiveViewJS 0.8.1: " : ""}${o.sessions} × ${o.rate}, ${o.seconds} s, ${o.procs} client proc${o.ackMs === ACK_MS ? "" : `, ack window ${o.ackMs} ms`}`,
    `${r.recorded} (lost ${r.lost})`,
    f(r.p50),
    f(r.p95),
    f(r.p99),
    f(r.max, 1),
    `${f(r.serverCpu * 100, 0)}% (sys ${f(r.serverSys * 100, 0)}%)`,
    f((r.serverCpu * 1e6) / (o.sessions * o.rate), 0),
    `${f(r.clientCpu * 100, 0)}%`,
    f(r.serverCpu / r.clientCpu),
    `${f(r.serverEldP99, 1)} / ${f(r.serverEldMax, 1)}`,
    `${f(r.clientEldP99, 1)} / ${f(r.clientLagP99, 1)}`,
    f(r.serverGcMs, 1),
    `${f(r.loadMin, 1)}–${f(r.loadMax, 1)}`,
  ];
}

/** The columns of {@link perfRow} after the setup's name. */
export const PERF_HEAD = [
  "setup",
  "server CPU µs/event (perf)",
  "main thread: kernel",
  "native (V8, Node, libuv, libc)",
  "JIT-compiled JS",
  "other threads (writer, GC helpers)",
];

/** The server's CPU by part, in µs per event. */
export function perfRow(o: LoadOptions, p: PerfSplit): string[] {
  const us = (cpu: number) => ((cpu * 1e6) / (p.seconds * o.sessions * o.rate)).toFixed(1);
  return [
    us(p.kernel + p.native + p.jit + p.otherThreads),
    us(p.kernel),
    us(p.native),
    us(p.jit),
    us(p.otherThreads),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [sessions = 2000, rate = 5, seconds = 10, warmup = 5, procs = 2, runs = 1] = process.argv
    .slice(2)
    .map(Number);
  const split = (v: string | undefined) => (v ? v.split(" ").filter(Boolean) : []);
  const o: LoadOptions = {
    sessions,
    rate,
    seconds,
    warmup,
    procs,
    ackMs: Number(process.env.VANGO_ACK_MS ?? ACK_MS),
    serverArgs: split(process.env.VANGO_SERVER_ARGS),
    clientArgs: split(process.env.VANGO_CLIENT_ARGS),
    ...(process.env.VANGO_BENCH_PEER === "liveviewjs" ? { peer: "liveviewjs" as const } : {}),
    perf: process.env.VANGO_BENCH_PERF === "1",
  };
  console.log(`| ${LOAD_HEAD.join(" | ")} |`);
  console.log(`|${LOAD_HEAD.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
  const timeline = process.env.VANGO_TIMELINE === "1";
  for (let i = 0; i < runs; i++) {
    const r = await runLoad(o);
    console.log(`| ${loadRow(o, r).join(" | ")} |`);
    if (r.perf !== undefined) {
      const [total, kernel, native, jit, other] = perfRow(o, r.perf);
      console.log(
        `perf, server µs per event: ${total} = main thread kernel ${kernel} + native ${native} + JIT ${jit}; other threads ${other}`,
      );
    }
    if (timeline)
      for (const t of r.perSecondP99)
        console.log(`p99 per second: ${t.map((x) => x.toFixed(1)).join(" ")}`);
  }
}
