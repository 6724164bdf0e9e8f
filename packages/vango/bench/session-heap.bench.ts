/**
 * Where a session's bytes go (issue 17): V8 heap snapshots of the benchmark server taken
 * before and after opening `n` counter sessions from a client in another process, diffed
 * by node kind and constructor, divided by `n`, and grouped into the parts of a session
 * (socket and ws, mounted view, session core, closures, code, backing stores…).
 * Run twice: page GETs only (pending session + mounted view) and attached idle sessions
 * (+ WebSocket). `VANGO_BENCH_HEAP_N` sets n (default 1,000; snapshots grow with it).
 * `VANGO_BENCH_HEAP_TOP` sets how many single rows to print (default 40).
 */
import { fork } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { Session as Inspector } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LoadSession } from "./load/protocol-client.ts";

const here = dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.VANGO_BENCH_HEAP_N ?? 1000);
const TOP = Number(process.env.VANGO_BENCH_HEAP_TOP ?? 40);

/**
 * `VANGO_BENCH_DIST=1`: the server from the package's build output (`dist/`, tsc), as
 * users run it, instead of the sources through tsx. tsx keeps function names by
 * defining a `name` property on closures (a property dictionary each), which inflates
 * closures in the source figures.
 */
const DIST = process.env.VANGO_BENCH_DIST === "1";
const core = (await import(
  DIST ? "../dist/index.js" : "../src/index.ts"
)) as typeof import("../src/index.ts");
const server = (await import(
  DIST ? "../dist/server.js" : "../src/server.ts"
)) as typeof import("../src/server.ts");

/** The counter page of `load/counter-app.ts`, built from the same module set as the server. */
function Counter() {
  const count = core.signal(0);
  return () =>
    core.h(
      "div",
      null,
      core.h("h1", null, "Count: ", count()),
      core.h("button", { onClick: () => count.set(count() + 1) }, "+"),
    );
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc (npm run bench does)");

/** Counts and self sizes by key (`kind:name`, plus where it is allocated or held). */
type Tally = Map<string, { count: number; bytes: number }>;

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[]];
      edge_fields: string[];
      edge_types: [string[]];
      location_fields: string[];
    };
  };
  nodes: number[];
  edges: number[];
  locations: number[];
  strings: string[];
}

/** Script ids → short file names (from the inspector's `scriptParsed` events). */
const scripts = new Map<string, string>();
const inspector = new Inspector();
inspector.connect();
inspector.on("Debugger.scriptParsed", (m) => {
  const url = m.params.url;
  const at = url.lastIndexOf("/src/");
  scripts.set(
    m.params.scriptId,
    at >= 0 ? url.slice(at + 1) : url.replace(/^.*\/node_modules\//, ""),
  );
});
await inspector.post("Debugger.enable");

/** Kinds whose rows name their holder: anonymous objects say little on their own. */
const BY_HOLDER = new Set(["Object", "Array", "system / Context"]);
const HELD_KINDS = new Set(["array", "string", "concatenated string", "sliced string", "number"]);

/**
 * Writes a heap snapshot to `file`. Snapshots are only parsed once both are taken: a
 * tally held while the second is taken would be counted in it.
 */
async function takeSnapshot(file: string): Promise<void> {
  for (let i = 0; i < 4; i++) gc!();
  const fd = openSync(file, "w");
  const onChunk = (m: { params: { chunk: string } }) => writeSync(fd, m.params.chunk);
  inspector.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
  await inspector.post("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  inspector.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
  closeSync(fd);
}

function tallyOf(file: string): Tally {
  const snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  rmSync(file);
  const meta = snap.snapshot.meta;
  const fields = meta.node_fields;
  const kinds = meta.node_types[0];
  const edgeKinds = meta.edge_types[0];
  const width = fields.length;
  const ew = meta.edge_fields.length;
  const fType = fields.indexOf("type");
  const fName = fields.indexOf("name");
  const fSize = fields.indexOf("self_size");
  const fEdges = fields.indexOf("edge_count");
  const { nodes, edges, strings, locations } = snap;
  const count = nodes.length / width;
  // First strong holder of each node: its constructor and the edge's name.
  const holder = new Int32Array(count).fill(-1);
  const holderEdge = new Int32Array(count).fill(-1);
  for (let n = 0, e = 0; n < count; n++) {
    const ec = nodes[n * width + fEdges]!;
    for (let k = 0; k < ec; k++, e += ew) {
      const kind = edgeKinds[edges[e]!];
      if (kind === "weak" || kind === "shortcut") continue;
      const to = edges[e + 2]! / width;
      if (holder[to] === -1) {
        holder[to] = n;
        holderEdge[to] = kind === "element" || kind === "hidden" ? -2 : edges[e + 1]!;
      }
    }
  }
  const isString = (n: number) => kinds[nodes[n * width + fType]!]!.endsWith("string");
  const label = (h: number, n: number) => {
    const hk = kinds[nodes[h * width + fType]!]!;
    const hn = nameOf(hk, strings[nodes[h * width + fName]!]!);
    const edge = holderEdge[n]! >= 0 ? `.${strings[holderEdge[n]!]}` : "[]";
    return ` ← ${hk === "closure" ? `closure @ ${where.get(h) ?? "?"}` : hn}${edge}`;
  };
  /** `levels` holders of `n`, climbing through strings (ropes) and Map/Set tables. */
  const heldBy = (n: number, levels: number): string => {
    let out = "";
    let cur = n;
    for (let l = 0; l < levels; ) {
      const h = holder[cur]!;
      if (h < 0) break;
      if (isString(h)) {
        cur = h;
        continue;
      }
      out += label(h, cur);
      cur = h;
      l++;
    }
    return out;
  };
  const where = new Map<number, string>();
  const lw = meta.location_fields.length;
  for (let i = 0; i < locations.length; i += lw) {
    const file = scripts.get(String(locations[i + 1])) ?? "?";
    where.set(locations[i]! / width, `${file}:${locations[i + 2]! + 1}`);
  }
  const tally: Tally = new Map();
  for (let n = 0; n < count; n++) {
    const i = n * width;
    const kind = kinds[nodes[i + fType]!]!;
    const raw = strings[nodes[i + fName]!]!;
    let key = `${kind}:${nameOf(kind, raw)}`;
    if (kind === "closure") key += ` @ ${where.get(n) ?? "?"}`;
    else if (HELD_KINDS.has(kind) || (kind === "object" && BY_HOLDER.has(raw))) {
      key += heldBy(n, kind === "array" || kind === "object" || kind === "number" ? 2 : 1);
    }
    const t = tally.get(key);
    const size = nodes[i + fSize]!;
    if (t === undefined) tally.set(key, { count: 1, bytes: size });
    else {
      t.count++;
      t.bytes += size;
    }
  }
  return tally;
}

/** Collapses per-instance names (strings' contents, numbers, code names) into one row. */
function nameOf(kind: string, name: string): string {
  switch (kind) {
    case "string":
    case "concatenated string":
    case "sliced string":
    case "number":
    case "regexp":
      return "";
    case "code":
      return name.startsWith("(") ? name.replace(/ .*$/, "") : "(compiled code)";
    case "array":
      return name === "" ? "" : name.replace(/\).*$/, ")");
    default:
      return name.length > 60 ? `${name.slice(0, 57)}…` : name;
  }
}

/** The part of a session a row belongs to, by V8 node kind and constructor name. */
const PARTS: [string, RegExp][] = [
  [
    "socket (net, ws, streams)",
    /^object:(Socket|WebSocket|ServerWebSocket|WsTransport|Receiver|Sender|WritableState|ReadableState|TCP|BufferList|TCPConnectWrap|WriteWrap|ShutdownWrap|HTTPParser|IncomingMessage|ServerResponse|FastBuffer|Uint8Array|Buffer|AsyncResource|WriteReq|TickObject|Timeout|TimersList|ArrayBuffer|Duplex)$|^native:|^object:system \/ JSArrayBufferData/,
  ],
  [
    "mounted view (fibers, instances, vnodes, props)",
    /^object:(ElementFiber|Instance|RootNode|PropsStore|VNode|Fiber|TextFiber|ComponentFiber|HostFiber|Host|LiveRoot|Owner|Scope|StateSlots|Slot|Computed|Signal|Effect|ReactiveNode|Link)$/,
  ],
  ["closures", /^closure:/],
  ["contexts (closure scopes)", /^object:system \/ Context$/],
  ["code (compiled per session?)", /^code:/],
  ["strings", /^(string|concatenated string|sliced string):$/],
  ["arrays (JS)", /^object:Array$/],
  ["backing stores (properties, elements)", /^array:/],
  ["Map / Set", /^object:(Map|Set|WeakMap|WeakSet|system \/ (OrderedHashMap|OrderedHashSet))$/],
  ["plain objects", /^object:Object$/],
  ["hidden classes, descriptors (V8 internal)", /^(hidden|object:system \/ )/],
];

function partOf(key: string): string {
  const bare = key.replace(/ [@←] .*$/, "");
  for (const [part, re] of PARTS) if (re.test(bare)) return part;
  return "other objects (session core, named classes)";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startClient() {
  const child = fork(join(here, "load/client-process.ts"), [], {
    execArgv: ["--conditions=source", "--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      child.once("message", (m: Record<string, unknown>) =>
        m.error ? reject(new Error(String(m.error))) : resolve(m),
      );
    });
  return { child, next };
}

/**
 * `parkAfterMs`: the app's idle period before a view is parked (0: never; the snapshot
 * then holds every view mounted); the second snapshot waits for it and one sweep.
 */
async function diff(
  cmd: "pages" | "idle",
  parkAfterMs = 0,
): Promise<{ rows: [string, number, number][]; heap: number }> {
  const app = server.createApp({
    routes: { "/": Counter },
    logger: server.silentLogger,
    clientBuilder: async () => ({ code: "", hash: "bench" }),
    limits: { maxSessions: 20_000, maxPendingPerIp: 20_000 },
    timeouts: { handshakeMs: 60_000, heartbeatMs: 600_000, pendingTtlMs: 120_000, parkAfterMs },
    rateLimit: false,
    connectionLimits: false,
  });
  const l = await app.listen(0);
  const { child, next } = startClient();
  try {
    await next();
    // Warm sessions: code paths compiled, lazily built module state in place.
    for (let i = 0; i < 20; i++) {
      const warm = await LoadSession.open(l.port);
      warm.close();
    }
    await sleep(200);
    const dir = mkdtempSync(join(tmpdir(), "vango-heap-"));
    await takeSnapshot(join(dir, "before.heapsnapshot"));
    for (let i = 0; i < 4; i++) gc!();
    const h0 = process.memoryUsage().heapUsed;
    child.send({ cmd, port: l.port, n: N });
    await next();
    // Let the last handshakes' buffers and timers settle before the snapshot (and, when
    // parking, the views idle past the period and one sweep park them).
    await sleep(parkAfterMs > 0 ? parkAfterMs + Math.max(250, parkAfterMs / 4) + 1500 : 1500);
    for (let i = 0; i < 4; i++) gc!();
    const h1 = process.memoryUsage().heapUsed;
    await takeSnapshot(join(dir, "after.heapsnapshot"));
    const before = tallyOf(join(dir, "before.heapsnapshot"));
    const after = tallyOf(join(dir, "after.heapsnapshot"));
    rmSync(dir, { recursive: true });
    child.send({ cmd: "exit" });
    const rows: [string, number, number][] = [];
    for (const [key, a] of after) {
      const b = before.get(key) ?? { count: 0, bytes: 0 };
      const dc = (a.count - b.count) / N;
      const db = (a.bytes - b.bytes) / N;
      if (Math.abs(db) >= 1 || Math.abs(dc) >= 0.05) rows.push([key, dc, db]);
    }
    for (const [key, b] of before) {
      if (!after.has(key) && b.bytes / N >= 1) rows.push([key, -b.count / N, -b.bytes / N]);
    }
    rows.sort((x, y) => y[2] - x[2]);
    return { rows, heap: (h1 - h0) / N };
  } finally {
    await l.close();
  }
}

function print(title: string, rows: [string, number, number][], heap: number) {
  const total = rows.reduce((s, r) => s + r[2], 0);
  console.log(
    `\n### ${title}: ${N.toLocaleString("en")} sessions, ${DIST ? "dist/ (tsc)" : "src/ (tsx)"}\n`,
  );
  console.log(
    `snapshot diff ${(total / 1024).toFixed(2)} KB/session; heapUsed delta ${(heap / 1024).toFixed(2)} KB/session\n`,
  );
  const parts = new Map<string, { count: number; bytes: number }>();
  for (const [key, c, b] of rows) {
    const p = partOf(key);
    const t = parts.get(p) ?? { count: 0, bytes: 0 };
    t.count += c;
    t.bytes += b;
    parts.set(p, t);
  }
  console.log("| part | objects/session | B/session |");
  console.log("|---|---:|---:|");
  for (const [p, t] of [...parts].sort((x, y) => y[1].bytes - x[1].bytes)) {
    console.log(`| ${p} | ${t.count.toFixed(1)} | ${t.bytes.toFixed(0)} |`);
  }
  console.log(`\n| kind:constructor | objects/session | B/session |`);
  console.log("|---|---:|---:|");
  for (const [key, c, b] of rows.slice(0, TOP)) {
    console.log(`| ${key.replace(/\|/g, "\\|")} | ${c.toFixed(2)} | ${b.toFixed(0)} |`);
  }
}

const pages = await diff("pages");
print("Heap per pending session (page GET: session + mounted view)", pages.rows, pages.heap);
const idle = await diff("idle");
print("Heap per attached session, view mounted (+ WebSocket, handshake)", idle.rows, idle.heap);
const parked = await diff("idle", 2_000);
print("Heap per attached idle session, view parked", parked.rows, parked.heap);
process.exit(0);
