/**
 * Tiny benchmark harness: calibrates an iteration count to ~100 ms per run, then takes
 * the median of several runs. Results print as a Markdown table so they can be pasted
 * into BENCHMARKS.md as they are.
 */
import { performance } from "node:perf_hooks";

export interface BenchResult {
  readonly name: string;
  /** Median nanoseconds per operation. */
  readonly nsPerOp: number;
  readonly opsPerSec: number;
  readonly runs: number;
  /** Extra column, e.g. bytes or MB/s. */
  readonly note?: string;
}

export interface BenchOptions {
  runs?: number;
  targetMs?: number;
  note?: string;
}

/** Runs `fn` repeatedly; returns the median ns/op over `runs` (default 7) timed runs. */
export function bench(name: string, fn: () => unknown, opts: BenchOptions = {}): BenchResult {
  const runs = opts.runs ?? 7;
  const targetMs = opts.targetMs ?? 100;
  let iterations = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= targetMs / 4 || iterations >= 1 << 24) {
      iterations = Math.max(1, Math.round((iterations * targetMs) / Math.max(dt, 0.001)));
      break;
    }
    iterations *= 4;
  }
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    samples.push(((performance.now() - t0) * 1e6) / iterations);
  }
  const nsPerOp = median(samples);
  return {
    name,
    nsPerOp,
    opsPerSec: 1e9 / nsPerOp,
    runs,
    ...(opts.note ? { note: opts.note } : {}),
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function printTable(title: string, rows: readonly BenchResult[]): void {
  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(2));
  console.log(`\n### ${title}\n`);
  console.log("| case | ns/op (median) | ops/s | note |");
  console.log("|---|---:|---:|---|");
  for (const r of rows) {
    console.log(`| ${r.name} | ${fmt(r.nsPerOp)} | ${fmt(r.opsPerSec)} | ${r.note ?? ""} |`);
  }
}
