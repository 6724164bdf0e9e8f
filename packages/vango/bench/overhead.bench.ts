/**
 * Observability budget (issues 5 and 17): event throughput through the real session core —
 * Event frame decoded by a `Connection` on an in-memory transport, queued, handler run,
 * counter re-rendered, diffed, Patches frame encoded and sent — bare (no middleware, no
 * metrics, silent logger) versus the full default stack (`tracingEventMiddleware` with no
 * SDK registered, per-app metrics with the observed transport, the production pino
 * logger at `info` writing to a null destination, the session's request id).
 *
 * Two readings. **Separate processes** (the one an app sees: it runs one of the two
 * setups, never both): each setup runs in a fresh process of its own, which warms up and
 * times 51 blocks of 2,000 events and reports their median; the processes alternate
 * (order flipped every pair), 15 pairs, and the overhead is the median of the pairs'
 * ratios full / bare. **One process**: the two setups timed in alternation in this
 * process, pairs of blocks of 2,000 events (order flipped every pair), 201 pairs, the
 * median of the pairs' ratios — drift cancels within a pair, but the two setups share
 * the JIT's feedback at every call site they have in common (a site that sees both a
 * metrics object and none is slower for both), which no app pays.
 */

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createLogger } from "../src/observability/logger.ts";
import { tracingEventMiddleware } from "../src/observability/tracing/event-tracing.ts";
import { encodeClientFrame } from "../src/protocol/client-codec.ts";
import { EventType, FrameType, PROTOCOL_VERSION } from "../src/protocol/constants.ts";
import { assembleApp } from "../src/server/assemble.ts";
import { silentLogger } from "../src/server/core/logger.ts";
import { randomToken } from "../src/server/core/tokens.ts";
import { Session } from "../src/server/session/session.ts";
import { Connection } from "../src/server/ws/connection.ts";
import { MemoryTransport } from "../src/testing/memory-transport.ts";
import { Counter } from "./load/counter-app.ts";
import { type BenchResult, median, printTable } from "./util.ts";

interface Rig {
  send(cseq: number): void;
  readonly session: Session;
  readonly transport: MemoryTransport;
}

function rig(full: boolean): Rig {
  // The same assembly as createApp; "bare" turns every observability part off.
  const rt = assembleApp({
    routes: { "/": Counter },
    logger: full
      ? createLogger({ service: "bench", level: "info", destination: { write() {} } })
      : silentLogger,
    ...(full ? { eventMiddleware: [tracingEventMiddleware()] } : { metrics: false as const }),
    health: false,
    v8Tuning: false,
    rateLimit: false,
    connectionLimits: false,
    timeouts: { handshakeMs: 600_000 },
  });
  const obs = rt.observability;
  const csrf = rt.csrf;
  const host = rt.connectionHost;
  const sid = randomToken();
  const session = rt.openSession("/", sid, { requestId: "req-bench-1" });
  if (!(session instanceof Session)) throw new Error(`no session: ${String(session)}`);
  const transport = new MemoryTransport();
  const wrapped = obs.wrapTransport(transport);
  const conn = new Connection(host, wrapped, sid);
  conn.onMessage(
    encodeClientFrame({
      type: FrameType.Handshake,
      version: PROTOCOL_VERSION,
      csrf: csrf.sign(sid),
      resumeToken: session.token,
      lastSeq: 0,
      viewport: { w: 1280, h: 800 },
      tzOffset: 0,
      features: 0,
    }),
  );
  const event = { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 } as const;
  return {
    session,
    transport,
    send(cseq) {
      conn.onMessage(encodeClientFrame({ type: FrameType.Event, cseq, hid: 4, event }));
    },
  };
}

type Setup = "bare" | "full";
const rigs: Partial<Record<Setup, Rig>> = {};
const cseq = { bare: 0, full: 0 };

/** ns per event over `n` events, each awaited to its Patches frame; acks keep history small. */
async function timeEvents(which: Setup, n: number): Promise<number> {
  let r = rigs[which];
  if (r === undefined) {
    r = rig(which === "full");
    rigs[which] = r;
  }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    r.send(++cseq[which]);
    await r.session.settled();
    if ((i & 63) === 63) {
      r.session.ack(r.session.seq);
      r.transport.sent.length = 0;
    }
  }
  return ((performance.now() - t0) * 1e6) / n;
}

function checkOpen(): void {
  for (const r of Object.values(rigs)) {
    if (r.transport.closed !== undefined) throw new Error("a benchmark socket was closed");
  }
}

const N = 2_000;
const pct = (r: number) => `${r >= 1 ? "+" : ""}${((r - 1) * 100).toFixed(1)} %`;
const quantile = (sorted: readonly number[], f: number) =>
  sorted[Math.floor(f * (sorted.length - 1))]!;

/** Child: one setup alone in this process; prints the median ns per event of its blocks. */
async function child(which: Setup): Promise<void> {
  const BLOCKS = 51;
  await timeEvents(which, 20 * N);
  const xs: number[] = [];
  for (let b = 0; b < BLOCKS; b++) xs.push(await timeEvents(which, N));
  checkOpen();
  console.log(JSON.stringify({ ns: median(xs) }));
}

/** Parent, separate processes: alternating fresh processes per setup; the pairs' ratios. */
function separate(): { bare: number; full: number; ratios: number[] } {
  const PAIRS = 15;
  const self = fileURLToPath(import.meta.url);
  const spawnOne = (which: Setup): number => {
    const r = spawnSync(
      process.execPath,
      ["--conditions=source", "--expose-gc", "--import", "tsx", self, which],
      { encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`${which} process failed: ${r.stderr}`);
    return (JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { ns: number }).ns;
  };
  const ns = { bare: [] as number[], full: [] as number[] };
  const ratios: number[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    const order: Setup[] = pair % 2 === 0 ? ["bare", "full"] : ["full", "bare"];
    for (const which of order) ns[which].push(spawnOne(which));
    ratios.push(ns.full.at(-1)! / ns.bare.at(-1)!);
  }
  return { bare: median(ns.bare), full: median(ns.full), ratios: ratios.sort((a, b) => a - b) };
}

/** Parent, one process: both setups here, paired blocks; the pairs' ratios. */
async function together(): Promise<{ bare: number; full: number; ratios: number[] }> {
  const RUNS = 201;
  await timeEvents("bare", 20 * N);
  await timeEvents("full", 20 * N);
  const samples = { bare: [] as number[], full: [] as number[] };
  const ratios: number[] = [];
  // Alternating which setup goes first cancels drift (GC debt, CPU frequency, neighbours).
  for (let run = 0; run < RUNS; run++) {
    const order: Setup[] = run % 2 === 0 ? ["bare", "full"] : ["full", "bare"];
    for (const which of order) samples[which].push(await timeEvents(which, N));
    ratios.push(samples.full.at(-1)! / samples.bare.at(-1)!);
  }
  checkOpen();
  return {
    bare: median(samples.bare),
    full: median(samples.full),
    ratios: ratios.sort((a, b) => a - b),
  };
}

const only = process.argv[2];
if (only === "bare" || only === "full") {
  await child(only);
} else {
  const sep = separate();
  const one = await together();
  const row = (name: string, ns: number, runs: number, note: string): BenchResult => ({
    name,
    nsPerOp: ns,
    opsPerSec: 1e9 / ns,
    runs,
    note,
  });
  const vs = (r: { ratios: number[] }, what: string) =>
    `${pct(quantile(r.ratios, 0.5))} vs bare (median of ${r.ratios.length} ${what}; ` +
    `IQR ${pct(quantile(r.ratios, 0.25))} … ${pct(quantile(r.ratios, 0.75))})`;
  const FULL = "full: tracing (no SDK) + metrics + pino info (null dest) + request id";
  printTable("Observability overhead per event (counter click, in-process session core)", [
    row("bare, separate processes", sep.bare, sep.ratios.length, "baseline"),
    row(`${FULL}, separate processes`, sep.full, sep.ratios.length, vs(sep, "process pairs")),
    row("bare, one process", one.bare, one.ratios.length, "baseline"),
    row(`${FULL}, one process (shared JIT)`, one.full, one.ratios.length, vs(one, "paired blocks")),
  ]);
}
