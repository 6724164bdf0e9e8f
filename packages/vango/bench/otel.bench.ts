/**
 * Tracing overhead per WebSocket event (issue 5 budget): the event middleware chain
 * around a trivial async handler (the worst case: any real render/diff/encode work
 * dilutes the overhead), with no middleware, with `tracingEventMiddleware` and no SDK,
 * with an SDK that samples nothing, and with an SDK recording spans but no exporter.
 * The chain is async, so each case awaits N calls per timed run (`bench()` times sync
 * functions only); medians of 9 runs of ~100 ms, cases interleaved.
 */
import { context, propagation, trace } from "@opentelemetry/api";
import { AlwaysOffSampler } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import {
  type TracedEventContext,
  tracingEventMiddleware,
} from "../src/observability/tracing/event-tracing.ts";
import { EventType } from "../src/protocol/constants.ts";
import { compose } from "../src/server/core/middleware.ts";
import { type BenchResult, median, printTable } from "./util.ts";

type Ctx = TracedEventContext & { patchCount: number };
type Run = (ctx: Ctx) => Promise<void>;

const ctx: Ctx = {
  sessionId: "s-bench",
  route: "/items/:id",
  eventName: "click",
  hid: 4,
  event: { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 },
  patchCount: 0,
};
const inner = async (c: Ctx) => {
  c.patchCount = 1;
};
const plain: Run = compose<Ctx>([], inner);
const passThrough: Run = compose<Ctx>([(_c, next) => next()], inner);
const traced: Run = compose<Ctx>([tracingEventMiddleware<Ctx>()], inner);

async function timeRun(run: Run, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await run(ctx);
  return ((performance.now() - t0) * 1e6) / n;
}

async function calibrate(run: Run): Promise<number> {
  let n = 1_000;
  for (;;) {
    const ns = await timeRun(run, n);
    if (ns * n >= 25e6) return Math.max(1, Math.round(100e6 / ns));
    n *= 4;
  }
}

async function measure(cases: readonly [string, Run][], runs = 9): Promise<BenchResult[]> {
  const iters = await Promise.all(cases.map(([, r]) => calibrate(r)));
  const samples: number[][] = cases.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < cases.length; i++) samples[i]!.push(await timeRun(cases[i]![1], iters[i]!));
  }
  return cases.map(([name], i) => {
    const ns = median(samples[i]!);
    return { name, nsPerOp: ns, opsPerSec: 1e9 / ns, runs };
  });
}

function register(provider: NodeTracerProvider): void {
  trace.disable();
  context.disable();
  propagation.disable();
  provider.register();
}

const off = await measure([
  ["no middleware", plain],
  ["one pass-through middleware (compose cost)", passThrough],
  ["tracing middleware, no SDK registered", traced],
]);
register(new NodeTracerProvider({ sampler: new AlwaysOffSampler() }));
const [unsampled] = await measure([["tracing middleware, SDK, sampler drops all", traced]]);
register(new NodeTracerProvider());
const [recording] = await measure([["tracing middleware, SDK recording, no exporter", traced]]);

const base = off[0]!.nsPerOp;
const rows = [...off, unsampled!, recording!].map((r) => ({
  ...r,
  note: `${r.nsPerOp - base >= 0 ? "+" : ""}${Math.round(r.nsPerOp - base)} ns vs none`,
}));
printTable("Event tracing overhead (trivial async handler)", rows);
