/**
 * Live renderer benchmarks: mounting, and flushes after typical updates.
 * Run: `npm run bench -- render`.
 *
 * Each case is run 300 times before it is measured: an op of a few milliseconds gets only
 * a dozen calls from the harness's calibration, all of them with a cold JIT otherwise.
 *
 * The counter case (the load benchmark's page) also reports heap bytes per op, measured
 * after its timing runs:
 *  - "alloc": everything one op allocates, including objects a GC has freed since; what
 *    drives scavenge frequency. V8's sampling heap profiler (`node:inspector`, objects
 *    collected by minor and major GCs included) over 20,000 ops at a 128 B interval.
 *  - "kept": what one op allocates that is still alive when it returns: the state a
 *    re-render leaves behind until the next one replaces it, which a scavenge between two
 *    events copies and then promotes to old space. Exact, from two heap snapshots around
 *    one op: the self size of the JS objects (objects, arrays, closures, contexts,
 *    strings, numbers) whose ids are newer than the first snapshot, minus the same figure
 *    for two snapshots with nothing between them. (Sampling is not exact here: inline
 *    allocation folds neighbouring objects into one sample.)
 * Both count what the page's render itself allocates (its nodes; the click handler's
 * closure, which tsx's keepNames gives a ~256 B `name` property dictionary), the SetText
 * patch, and a new backing store for `out` (emptied with `length = 0`, as the session
 * does).
 *
 * The last case clicks 2,000 mounted counters at random and counts the GCs per 100,000
 * clicks (`PerformanceObserver`, entry type "gc"), with the wall time per click.
 */
import { readFileSync, rmSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, PerformanceObserver, performance } from "node:perf_hooks";
import { writeHeapSnapshot } from "node:v8";
import type { Patch } from "../src/protocol/patch.ts";
import { type Signal, signal } from "../src/reactive/index.ts";
import { mountLive } from "../src/render/live-root.ts";
import { h } from "../src/vdom/create-element.ts";
import { Counter } from "./load/counter-app.ts";
import { type BenchResult, bench, printTable } from "./util.ts";

const noop = (): void => {};

interface Row {
  readonly id: number;
  readonly label: Signal<string>;
}

function makeRows(n: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) rows.push({ id: i, label: signal(`row ${i}`) });
  return rows;
}

function RowView(props: { row: Row }) {
  const row = props.row;
  return () => (
    <tr class="row">
      <td>{row.id}</td>
      <td>{row.label()}</td>
      <td>
        <button type="button" onClick={noop}>
          x
        </button>
      </td>
    </tr>
  );
}

function Table(props: { rows: Signal<readonly Row[]>; title: Signal<string> }) {
  return () => (
    <table title={props.title()}>
      <tbody>
        {props.rows().map((r) => (
          <RowView key={r.id} row={r} />
        ))}
      </tbody>
    </table>
  );
}

const out: Patch[] = [];
const results: BenchResult[] = [];

function measure(name: string, fn: () => void, note: string): void {
  for (let i = 0; i < 300; i++) fn();
  results.push(bench(name, fn, { note }));
}

function expectPatches(n: number): void {
  if (out.length !== n) throw new Error(`expected ${n} patches, got ${out.length}`);
}

interface SampledNode {
  selfSize: number;
  children: SampledNode[];
}

function totalSize(n: SampledNode): number {
  let sum = n.selfSize;
  for (const c of n.children) sum += totalSize(c);
  return sum;
}

/** Bytes allocated per call of `fn`, freed or not (see the top of the file). */
async function allocPerOp(fn: () => void): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    const ops = 20_000;
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 128,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < ops; i++) fn();
    const { profile } = await session.post("HeapProfiler.stopSampling");
    return totalSize(profile.head as SampledNode) / ops;
  } finally {
    session.disconnect();
  }
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

const JS_TYPES = new Set([
  "object",
  "closure",
  "array",
  "string",
  "concatenated string",
  "sliced string",
  "number",
]);

/** Total self size of JS objects newer than `after`, and the newest object id. */
function scanSnapshot(file: string, after: number): { bytes: number; maxId: number } {
  const snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  rmSync(file);
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [t, n, id, size] = ["type", "name", "id", "self_size"].map((f) => fields.indexOf(f));
  const nodes = snap.nodes;
  let bytes = 0;
  let maxId = 0;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + t!]!]!;
    const js = JS_TYPES.has(type) || snap.strings[nodes[i + n!]!] === "system / Context";
    if (!js) continue;
    const oid = nodes[i + id!]!;
    if (oid > maxId) maxId = oid;
    if (oid > after) bytes += nodes[i + size!]!;
  }
  return { bytes, maxId };
}

/** Bytes allocated by one call of `fn` that are still alive after it (see the top). */
function keptByOneOp(fn: () => void): number {
  const file = (k: string) => join(tmpdir(), `vango-render-bench-${process.pid}-${k}.heapsnapshot`);
  const kept = (op: () => void): number => {
    writeHeapSnapshot(file("a"));
    op();
    writeHeapSnapshot(file("b"));
    return scanSnapshot(file("b"), scanSnapshot(file("a"), Infinity).maxId).bytes;
  };
  return kept(fn) - kept(noop);
}

// 200 rows × (tr, 3 td, button) = 1,000 elements (+ 600 texts, 201 components).
{
  const rows = signal<readonly Row[]>(makeRows(200));
  const title = signal("t");
  measure(
    "mount 1,000-element tree (200 row components) + dispose",
    () => {
      const view = mountLive(<Table rows={rows} title={title} />, { onDirty: noop });
      view.dispose();
    },
    "1,000 elements",
  );
}

{
  const data = makeRows(1000);
  const rows = signal<readonly Row[]>(data);
  const title = signal("t");
  const view = mountLive(<Table rows={rows} title={title} />, { onDirty: noop });
  let i = 0;
  measure(
    "1,000-row list: one row's signal + flush",
    () => {
      const row = data[(i++ * 7919) % 1000]!;
      row.label.set(`v${i}`);
      out.length = 0;
      view.flush(out);
    },
    "1 SetText",
  );
  measure(
    "1,000-row list: parent attr change, rows clean + flush",
    () => {
      title.set(`t${i++}`);
      out.length = 0;
      view.flush(out);
    },
    "1 SetAttr",
  );
  const reversed = [...data].reverse();
  let flip = false;
  measure(
    "1,000-row list: keyed reverse via signal + flush",
    () => {
      flip = !flip;
      rows.set(flip ? reversed : data);
      out.length = 0;
      view.flush(out);
    },
    "999 Move",
  );
  expectPatches(999);
  view.dispose();
}

// The load benchmark's server side without the network: 2,000 mounted counters, clicks
// spread over them at random. A view's re-render outlives the scavenges until its next
// click, as under load: what a re-render keeps costs copying and promotion here.
{
  const views = Array.from({ length: 2000 }, () => mountLive(h(Counter, null), { onDirty: noop }));
  let seed = 1;
  const clicks = async (n: number): Promise<void> => {
    for (let done = 0; done < n; done += 5000) {
      for (let i = 0; i < 5000; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const view = views[seed % views.length]!;
        view.handler(4, "click")!.handler({});
        out.length = 0;
        view.flush(out);
      }
      // Lets the GC observer see its entries.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await clicks(100_000);
  // From a collected heap (`--expose-gc`, as `npm run bench` runs), so that old-space
  // garbage of the cases before does not decide when a mark-compact starts.
  (globalThis as { gc?: () => void }).gc?.();
  const gc = { minor: 0, minorMs: 0, major: 0, majorMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        gc.minor++;
        gc.minorMs += e.duration;
      } else {
        gc.major++;
        gc.majorMs += e.duration;
      }
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  const events = 500_000;
  const t0 = performance.now();
  await clicks(events);
  const ms = performance.now() - t0;
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  const per100k = (x: number) => ((x * 100_000) / events).toFixed(0);
  results.push({
    name: "2,000 counters, 500,000 clicks at random (GC per 100,000 clicks)",
    nsPerOp: (ms * 1e6) / events,
    opsPerSec: (events * 1000) / ms,
    runs: 1,
    note:
      `${per100k(gc.minor)} scavenges (${per100k(gc.minorMs)} ms), ` +
      `${per100k(gc.major)} mark-compacts (${per100k(gc.majorMs)} ms)`,
  });
  for (const view of views) view.dispose();
}

// The load benchmark's page: one click re-renders the counter (div > h1 + button) and
// yields one SetText. The handler is looked up per click: each render binds a new one.
// Last, so that the heap measurements (snapshots) cannot slow down the other cases.
{
  const view = mountLive(h(Counter, null), { onDirty: noop });
  const click = (): void => {
    view.handler(4, "click")!.handler({});
    out.length = 0;
    view.flush(out);
  };
  measure("counter: click + flush", click, "1 SetText");
  expectPatches(1);
  const alloc = await allocPerOp(click);
  const kept = keptByOneOp(click);
  const last = results[results.length - 1]!;
  results[results.length - 1] = {
    ...last,
    note: `1 SetText; alloc ${Math.round(alloc)} B/op, kept ${kept} B/op`,
  };
  view.dispose();
}

printTable("Live renderer (render.bench.tsx)", results);
