/**
 * Summarizes a CPU profile (`VANGO_BENCH_CPU` in `server-process.ts`, `--cpu-prof`, or
 * any `.cpuprofile`): time spent in each function itself (not its callees), largest
 * first; `(idle)` is the event loop waiting, `writeBuffer` a socket write. The profile
 * records where the main thread is, not the CPU it spends: a call that is descheduled
 * counts in full (`perf-split.ts` counts CPU).
 *   node --import tsx packages/vango/bench/load/cpu-top.ts file.cpuprofile [events] [rows=30]
 * With `events`, adds µs per event. Given a second profile and its events,
 *   cpu-top.ts a.cpuprofile eventsA b.cpuprofile eventsB [rows]
 * prints both side by side (µs per event) and sorts by what grew most from `a` to `b`:
 * the floor against the full server, or 20 sessions against 2,000.
 */
import { readFileSync } from "node:fs";

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** µs of self time per function label, and the profile's total µs. */
function selfTimes(file: string): { self: Map<string, number>; total: number } {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const labels = new Map<number, string>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    const url = f.url.replace(/^.*\/(node_modules|src|bench)\//, "$1/");
    labels.set(n.id, `${f.functionName || "(anon)"} ${url}:${f.lineNumber + 1}`);
  }
  const self = new Map<string, number>();
  let total = 0;
  // timeDeltas[i] is the time from sample i-1 to sample i: time spent where sample i is.
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    const k = labels.get(p.samples[i]!) ?? "(unknown)";
    self.set(k, (self.get(k) ?? 0) + dt);
    total += dt;
  }
  return { self, total };
}

const args = process.argv.slice(2);
const [fileA, second, third] = args;
if (fileA === undefined) {
  console.error("usage: cpu-top.ts file.cpuprofile [events] [rows] | a eventsA b eventsB [rows]");
  process.exit(2);
}

if (third?.endsWith(".cpuprofile")) {
  const a = selfTimes(fileA);
  const b = selfTimes(third);
  const ea = Number(second);
  const eb = Number(args[3]);
  const rows = Number(args[4] ?? 30);
  const keys = new Set([...a.self.keys(), ...b.self.keys()]);
  const diff = [...keys]
    .map((k) => [k, (a.self.get(k) ?? 0) / ea, (b.self.get(k) ?? 0) / eb] as const)
    .sort((x, y) => y[2] - y[1] - (x[2] - x[1]));
  const busy = (s: { self: Map<string, number>; total: number }, e: number) =>
    ((s.total - (s.self.get("(idle) :0") ?? 0)) / e).toFixed(2);
  console.log(`busy µs/event: ${busy(a, ea)} → ${busy(b, eb)}\n`);
  console.log("      a        b     b−a  µs/event");
  for (const [k, x, y] of diff.slice(0, rows)) {
    console.log(
      `${x.toFixed(3).padStart(7)}  ${y.toFixed(3).padStart(7)}  ${(y - x).toFixed(3).padStart(6)}  ${k}`,
    );
  }
} else {
  const { self, total } = selfTimes(fileA);
  const events = second === undefined ? 0 : Number(second);
  const rows = Number(third ?? 30);
  const fmt = (us: number) =>
    `${(us / 1000).toFixed(1).padStart(8)} ms${events ? ` ${(us / events).toFixed(3).padStart(7)} µs/ev` : ""} ${((100 * us) / total).toFixed(1).padStart(5)} %`;
  console.log(`total ${fmt(total)}\n`);
  for (const [k, v] of [...self].sort((x, y) => y[1] - x[1]).slice(0, rows)) {
    console.log(`${fmt(v)}  ${k}`);
  }
}
