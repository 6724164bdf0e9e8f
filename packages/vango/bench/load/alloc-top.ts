/**
 * Summarizes a sampling heap profile (`VANGO_BENCH_ALLOC` in `server-process.ts`, or
 * any `.heapprofile`): bytes allocated per function (self) and per call stack leaf,
 * largest first.
 *   node --import tsx packages/vango/bench/load/alloc-top.ts file.heapprofile [rows=30] [events]
 * With `events`, adds bytes per event.
 */
import { readFileSync } from "node:fs";

interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
}

const [file, rowsArg = "30", eventsArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: alloc-top.ts file.heapprofile [rows] [events]");
  process.exit(2);
}
const { head } = JSON.parse(readFileSync(file, "utf8")) as { head: Node };
const self = new Map<string, number>();
const withCaller = new Map<string, number>();
let total = 0;

function label(n: Node): string {
  const url = n.callFrame.url.replace(/^.*\/(node_modules|src|bench)\//, "$1/");
  return `${n.callFrame.functionName || "(anon)"} ${url}:${n.callFrame.lineNumber + 1}`;
}

function walk(n: Node, parent: string): void {
  const me = label(n);
  if (n.selfSize > 0) {
    total += n.selfSize;
    self.set(me, (self.get(me) ?? 0) + n.selfSize);
    const k = `${me}  ←  ${parent}`;
    withCaller.set(k, (withCaller.get(k) ?? 0) + n.selfSize);
  }
  for (const c of n.children) walk(c, me);
}
walk(head, "");

const rows = Number(rowsArg);
const events = eventsArg ? Number(eventsArg) : 0;
const fmt = (b: number) =>
  `${(b / 2 ** 20).toFixed(1).padStart(7)} MiB${events ? ` ${(b / events).toFixed(0).padStart(6)} B/ev` : ""}`;
console.log(`total ${fmt(total)}`);
console.log("\nself:");
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, rows))
  console.log(`${fmt(v)}  ${k}`);
console.log("\nwith caller:");
for (const [k, v] of [...withCaller].sort((a, b) => b[1] - a[1]).slice(0, rows))
  console.log(`${fmt(v)}  ${k}`);
