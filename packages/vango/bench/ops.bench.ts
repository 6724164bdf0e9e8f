/**
 * Per-call cost of the production building blocks the runtime calls on hot paths:
 * metrics recording per event / HTTP request, the per-session event budget, the
 * in-memory rate-limit store, connection caps, and a log line (written to a sink, with
 * and without info sampling, and dropped by level).
 */

import { pino } from "pino";
import { createLogger } from "../src/observability/logger.ts";
import { createMetrics } from "../src/observability/metrics.ts";
import { EventType } from "../src/protocol/constants.ts";
import { ConnectionLimiter } from "../src/server/security/connection-limiter.ts";
import { MemoryRateLimitStore } from "../src/server/security/rate-limit/memory-store.ts";
import { wsEventBudget } from "../src/server/security/rate-limit/ws-event-budget.ts";
import { type BenchResult, bench, printTable } from "./util.ts";

let sink = 0;
const rows: BenchResult[] = [];

const metrics = createMetrics();
rows.push(
  bench("metrics.eventObserved(code, s)", () => metrics.eventObserved(EventType.Click, 0.002)),
);
rows.push(bench('metrics.eventObserved("input", s)', () => metrics.eventObserved("input", 0.002)));
rows.push(
  bench("metrics.httpObserved(route, GET, 200, s)", () =>
    metrics.httpObserved("/users/:id", "GET", 200, 0.004),
  ),
);
rows.push(bench("metrics.patchesSent()", () => metrics.patchesSent()));

const budget = wsEventBudget({ perSecond: 1e9, burst: 1e9 });
rows.push(bench("EventBudget.take()", () => (sink += budget.take())));

const store = new MemoryRateLimitStore({ sweepIntervalMs: 0 });
const policy = { limit: 1_000_000_000, windowMs: 1000 };
let k = 0;
rows.push(
  bench("MemoryRateLimitStore.consumeSync (1k keys)", () => {
    k = (k + 1) % 1000;
    return store.consumeSync(`ip:10.0.${k >> 8}.${k & 255}`, 1, policy);
  }),
);

const limiter = new ConnectionLimiter({ perIp: 1e9, perUser: 1e9, global: 1e9 });
rows.push(
  bench("ConnectionLimiter acquire+release", () => {
    const r = limiter.tryAcquire("10.0.0.1", "u1");
    if (typeof r === "function") r();
  }),
);

const destination = { write: (s: string) => (sink += s.length) };
const bare = pino({ base: null }, destination);
const log = createLogger({ service: "bench", env: "bench", destination });
const fields = { request_id: "r-1", route: "/users/:id", status: 200, latency_ms: 3.2 };
rows.push(bench("pino.info(fields, msg), bare (reference)", () => bare.info(fields, "request")));
rows.push(bench("logger.info(fields, msg) written", () => log.info(fields, "request")));
const sampled = createLogger({ service: "bench", sampleInfo: 0.01, destination });
rows.push(bench("logger.info at sampleInfo 0.01", () => sampled.info(fields, "request")));
const quiet = createLogger({ service: "bench", level: "warn", destination });
rows.push(bench("logger.info below level (dropped)", () => quiet.info(fields, "request")));

printTable("Ops building blocks (per call)", rows);
store.close();
if (sink === -1) console.log(sink);
