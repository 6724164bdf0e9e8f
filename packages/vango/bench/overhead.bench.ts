/**
 * Observability budget (issue 5): event throughput through the real session core —
 * Event frame decoded by a `Connection` on an in-memory transport, queued, handler run,
 * counter re-rendered, diffed, Patches frame encoded and sent — bare (no middleware, no
 * metrics, silent logger) versus the full default stack (`tracingEventMiddleware` with no
 * SDK registered, per-app metrics with the observed transport, the production pino
 * logger at `info` writing to a null destination, the session's request id). The two
 * setups are timed in alternation, in pairs of blocks of 2,000 events (order flipped
 * every pair), 201 pairs: each pair gives one ratio full / bare, taken a few
 * milliseconds apart, so drift (GC debt, CPU frequency, a neighbour's burst) cancels
 * within the pair; the overhead is the median of those ratios, with its interquartile
 * range. The medians of each setup's blocks are printed too.
 */

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

const rigs = { bare: rig(false), full: rig(true) };
const cseq = { bare: 0, full: 0 };

/** ns per event over `n` events, each awaited to its Patches frame; acks keep history small. */
async function timeEvents(which: "bare" | "full", n: number): Promise<number> {
  const r = rigs[which];
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

const N = 2_000;
const RUNS = 201;
await timeEvents("bare", 20 * N);
await timeEvents("full", 20 * N);
const samples = { bare: [] as number[], full: [] as number[] };
const ratios: number[] = [];
// Alternating which setup goes first cancels drift (GC debt, CPU frequency, neighbours).
for (let run = 0; run < RUNS; run++) {
  const order = run % 2 === 0 ? (["bare", "full"] as const) : (["full", "bare"] as const);
  for (const which of order) samples[which].push(await timeEvents(which, N));
  ratios.push(samples.full.at(-1)! / samples.bare.at(-1)!);
}
const bare = median(samples.bare);
const full = median(samples.full);
ratios.sort((a, b) => a - b);
const pct = (r: number) => `${r >= 1 ? "+" : ""}${((r - 1) * 100).toFixed(1)} %`;
const q = (f: number) => ratios[Math.floor(f * (ratios.length - 1))]!;
if (rigs.full.transport.closed !== undefined || rigs.bare.transport.closed !== undefined) {
  throw new Error("a benchmark socket was closed");
}
const row = (name: string, ns: number, note: string): BenchResult => ({
  name,
  nsPerOp: ns,
  opsPerSec: 1e9 / ns,
  runs: RUNS,
  note,
});
printTable("Observability overhead per event (counter click, in-process session core)", [
  row("bare: no middleware, no metrics, silent logger", bare, "baseline"),
  row(
    "full: tracing (no SDK) + metrics + pino info (null dest) + request id",
    full,
    `${pct(q(0.5))} vs bare (median of ${RUNS} paired ratios; IQR ${pct(q(0.25))} … ${pct(q(0.75))})`,
  ),
]);
