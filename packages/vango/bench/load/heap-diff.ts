/**
 * What grew between two heap snapshots of one process (`churn.ts` with
 * `VANGO_BENCH_SNAPSHOTS=dir` writes them, or any two `.heapsnapshot` files taken by the same
 * process, e.g. `v8.writeHeapSnapshot()`): objects live in the second and not in the first
 * (V8 keeps an object's snapshot id across snapshots of one process), grouped by kind and
 * constructor, against those freed since the first; largest net growth first, each with
 * the shortest retainer path from the GC roots of a few of its new objects.
 *   node --import tsx packages/vango/bench/load/heap-diff.ts before.heapsnapshot after.heapsnapshot [rows=25] [paths=3]
 */
import { readFileSync } from "node:fs";

interface Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
  edge_fields: string[];
  edge_types: [string[], ...unknown[]];
}

/** One parsed snapshot, its arrays as the file has them (flat, `node_fields` per node). */
class Snapshot {
  readonly nodes: Uint32Array;
  readonly edges: Uint32Array;
  readonly strings: string[];
  readonly nodeTypes: string[];
  readonly edgeTypes: string[];
  /** Fields per node and per edge; offsets of the fields read below. */
  readonly nf: number;
  readonly ef: number;
  readonly #type: number;
  readonly #name: number;
  readonly #id: number;
  readonly #size: number;
  readonly #edgeCount: number;
  readonly #edgeType: number;
  readonly #edgeName: number;
  readonly #edgeTo: number;
  /** Index of each node's first edge, in edge fields. */
  readonly firstEdge: Uint32Array;

  constructor(file: string) {
    const raw = JSON.parse(readFileSync(file, "utf8")) as {
      snapshot: { meta: Meta };
      nodes: number[];
      edges: number[];
      strings: string[];
    };
    const meta = raw.snapshot.meta;
    this.nodes = Uint32Array.from(raw.nodes);
    this.edges = Uint32Array.from(raw.edges);
    this.strings = raw.strings;
    this.nodeTypes = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    this.nf = meta.node_fields.length;
    this.ef = meta.edge_fields.length;
    this.#type = meta.node_fields.indexOf("type");
    this.#name = meta.node_fields.indexOf("name");
    this.#id = meta.node_fields.indexOf("id");
    this.#size = meta.node_fields.indexOf("self_size");
    this.#edgeCount = meta.node_fields.indexOf("edge_count");
    this.#edgeType = meta.edge_fields.indexOf("type");
    this.#edgeName = meta.edge_fields.indexOf("name_or_index");
    this.#edgeTo = meta.edge_fields.indexOf("to_node");
    const count = this.count;
    this.firstEdge = new Uint32Array(count + 1);
    for (let i = 0, e = 0; i < count; i++) {
      this.firstEdge[i] = e;
      e += this.nodes[i * this.nf + this.#edgeCount]! * this.ef;
    }
    this.firstEdge[count] = this.edges.length;
  }

  get count(): number {
    return this.nodes.length / this.nf;
  }
  id(i: number): number {
    return this.nodes[i * this.nf + this.#id]!;
  }
  size(i: number): number {
    return this.nodes[i * this.nf + this.#size]!;
  }
  type(i: number): string {
    return this.nodeTypes[this.nodes[i * this.nf + this.#type]!]!;
  }
  name(i: number): string {
    return this.strings[this.nodes[i * this.nf + this.#name]!]!;
  }
  /** Kind and constructor: strings and numbers by kind only, code by its name's head. */
  group(i: number): string {
    const t = this.type(i);
    if (t === "string" || t === "concatenated string" || t === "sliced string") return `(${t})`;
    if (t === "number" || t === "bigint" || t === "symbol") return `(${t})`;
    const n = this.name(i);
    if (t === "object") return n;
    return `(${t}) ${n.length > 60 ? `${n.slice(0, 60)}…` : n}`;
  }
  edgeType(e: number): string {
    return this.edgeTypes[this.edges[e + this.#edgeType]!]!;
  }
  edgeName(e: number): string {
    const t = this.edgeType(e);
    const v = this.edges[e + this.#edgeName]!;
    return t === "element" || t === "hidden" ? `[${v}]` : this.strings[v]!;
  }
  edgeTo(e: number): number {
    return this.edges[e + this.#edgeTo]! / this.nf;
  }

  /**
   * Shortest path from the root (node 0) to every node over strong edges (weak and
   * shortcut edges do not retain): `parentEdge[i]` is the edge that reached node `i`.
   */
  shortestPaths(): { parent: Int32Array; parentEdge: Int32Array } {
    const parent = new Int32Array(this.count).fill(-1);
    const parentEdge = new Int32Array(this.count).fill(-1);
    const queue = new Uint32Array(this.count);
    let head = 0;
    let tail = 0;
    queue[tail++] = 0;
    parent[0] = 0;
    while (head < tail) {
      const i = queue[head++]!;
      for (let e = this.firstEdge[i]!; e < this.firstEdge[i + 1]!; e += this.ef) {
        const t = this.edgeType(e);
        if (t === "weak" || t === "shortcut") continue;
        const to = this.edgeTo(e);
        if (parent[to] !== -1) continue;
        parent[to] = i;
        parentEdge[to] = e;
        queue[tail++] = to;
      }
    }
    return { parent, parentEdge };
  }
}

const [beforeFile, afterFile, rowsArg = "25", pathsArg = "3"] = process.argv.slice(2);
/** Objects this large are listed one by one too (a grown Map or Set table is one array). */
const LARGE = 16 * 1024;
if (!beforeFile || !afterFile) {
  console.error("usage: heap-diff.ts before.heapsnapshot after.heapsnapshot [rows] [paths]");
  process.exit(2);
}
const rows = Number(rowsArg);
const pathsPerGroup = Number(pathsArg);

interface Growth {
  added: number;
  addedBytes: number;
  freed: number;
  freedBytes: number;
  /** The largest of the added objects (node indexes in the second snapshot), largest first. */
  samples: number[];
}

const before = new Snapshot(beforeFile);
const beforeIds = new Map<number, number>();
for (let i = 0; i < before.count; i++) beforeIds.set(before.id(i), i);
const after = new Snapshot(afterFile);
const groups = new Map<string, Growth>();
const growth = (g: string): Growth => {
  let x = groups.get(g);
  if (x === undefined) {
    x = { added: 0, addedBytes: 0, freed: 0, freedBytes: 0, samples: [] };
    groups.set(g, x);
  }
  return x;
};
const largeAdded: number[] = [];
for (let i = 0; i < after.count; i++) {
  const id = after.id(i);
  if (beforeIds.delete(id)) continue;
  if (after.size(i) >= LARGE) largeAdded.push(i);
  const g = growth(after.group(i));
  g.added++;
  g.addedBytes += after.size(i);
  // The largest few (more than shown: paths that repeat are shown once).
  const size = after.size(i);
  const keep = pathsPerGroup * 4;
  if (g.samples.length < keep || size > after.size(g.samples[keep - 1]!)) {
    let at = Math.min(g.samples.length, keep - 1);
    while (at > 0 && after.size(g.samples[at - 1]!) < size) at--;
    g.samples.splice(at, 0, i);
    g.samples.length = Math.min(g.samples.length, keep);
  }
}
const largeFreed: number[] = [];
for (const i of beforeIds.values()) {
  const g = growth(before.group(i));
  g.freed++;
  g.freedBytes += before.size(i);
  if (before.size(i) >= LARGE) largeFreed.push(i);
}
const totalBytes = (s: Snapshot) => {
  let t = 0;
  for (let i = 0; i < s.count; i++) t += s.size(i);
  return t;
};
const tb = totalBytes(before);
const ta = totalBytes(after);
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
console.log(
  `snapshot self sizes: ${kb(tb)} → ${kb(ta)} (${ta >= tb ? "+" : ""}${kb(ta - tb)}), ` +
    `${before.count} → ${after.count} objects`,
);
const { parent, parentEdge } = after.shortestPaths();
const pathOf = (i: number): string => {
  const steps: string[] = [];
  for (let n = i; n !== 0 && parent[n]! !== -1 && steps.length < 14; n = parent[n]!) {
    const p = parent[n]!;
    steps.push(`${after.group(p)}.${after.edgeName(parentEdge[n]!)}`);
  }
  return parent[i] === -1 ? "(unreachable from the roots)" : steps.reverse().join(" → ");
};
const sorted = [...groups].sort(
  (a, b) => b[1].addedBytes - b[1].freedBytes - (a[1].addedBytes - a[1].freedBytes),
);
console.log("\nnet growth | added (count, bytes) | freed (count, bytes) | group");
for (const [name, g] of sorted.slice(0, rows)) {
  console.log(
    `${kb(g.addedBytes - g.freedBytes).padStart(10)} | ${String(g.added).padStart(7)} ${kb(g.addedBytes).padStart(10)} | ` +
      `${String(g.freed).padStart(7)} ${kb(g.freedBytes).padStart(10)} | ${name}`,
  );
  const seen = new Set<string>();
  for (const i of g.samples) {
    if (seen.size >= pathsPerGroup) break;
    const p = pathOf(i);
    if (seen.has(p)) continue;
    seen.add(p);
    console.log(`             ${p}`);
  }
}

const { parent: beforeParent, parentEdge: beforeEdge } = before.shortestPaths();
const beforePathOf = (i: number): string => {
  const steps: string[] = [];
  for (let n = i; n !== 0 && beforeParent[n]! !== -1 && steps.length < 14; n = beforeParent[n]!) {
    const p = beforeParent[n]!;
    steps.push(`${before.group(p)}.${before.edgeName(beforeEdge[n]!)}`);
  }
  return steps.reverse().join(" → ");
};
console.log(`\nobjects of ${kb(LARGE)} or more, added | freed:`);
for (const i of largeAdded.sort((a, b) => after.size(b) - after.size(a)).slice(0, rows)) {
  console.log(`+ ${kb(after.size(i)).padStart(10)} ${after.group(i)}: ${pathOf(i)}`);
}
for (const i of largeFreed.sort((a, b) => before.size(b) - before.size(a)).slice(0, rows)) {
  console.log(`- ${kb(before.size(i)).padStart(10)} ${before.group(i)}: ${beforePathOf(i)}`);
}
