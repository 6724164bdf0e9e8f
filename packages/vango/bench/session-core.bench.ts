/**
 * The session core's CPU per event as more sessions take turns, and what checkpoints add
 * (issue 17): the counter click through the real path — Event frame decoded by a
 * `Connection` on an in-memory transport, queued, handler run, counter re-rendered,
 * diffed, Patches frame encoded — with no socket, so the kernel's share (the transport
 * floor of the load bench) is not in it. Each lap sends one event to each session in
 * turn, as the load bench's clients do, waits for all to settle and yields to the event
 * loop (where checkpoint timers and the file writer's replies run); a session's objects
 * are touched once per lap, and with enough sessions they have left the CPU's caches by
 * its next event. Figures are process CPU (every thread, the file writer's included)
 * per event, the median of rounds of about a second. The app is assembled as
 * `createApp` does, with metrics off and parking out of reach; the persistence rows
 * checkpoint every 100 ms, a checkpoint every few events as in the load bench (a second
 * at 5 events/s there), and say how many events each checkpoint covered.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeClientFrame } from "../src/protocol/client-codec.ts";
import { EventType, FrameType, PROTOCOL_VERSION } from "../src/protocol/constants.ts";
import { assembleApp } from "../src/server/assemble.ts";
import { silentLogger } from "../src/server/core/logger.ts";
import { randomToken } from "../src/server/core/tokens.ts";
import { Session } from "../src/server/session/session.ts";
import type { SessionEntry, SessionStore } from "../src/server/session/session-store.ts";
import { FileSessionStore } from "../src/server/session/stores/file-store.ts";
import { MemorySessionStore } from "../src/server/session/stores/memory-store.ts";
import { Connection } from "../src/server/ws/connection.ts";
import { MemoryTransport } from "../src/testing/memory-transport.ts";
import { Counter } from "./load/counter-app.ts";
import { type BenchResult, median, printTable } from "./util.ts";

interface Rig {
  readonly conn: Connection;
  readonly session: Session;
  readonly transport: MemoryTransport;
  cseq: number;
}

const CLICK = { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 } as const;
const ROUND_MS = 1_000;
const ROUNDS = 7;
const CHECKPOINT_MS = 100;

/** `inner`, counting the checkpoints written through it. */
function counted(inner: SessionStore): SessionStore & { saved: number } {
  const store = {
    saved: 0,
    save: (id: string, data: Uint8Array, ttlMs: number) => {
      store.saved++;
      return inner.save(id, data, ttlMs);
    },
    saveAll: (entries: readonly SessionEntry[]) => {
      store.saved += entries.length;
      return inner.saveAll(entries);
    },
    load: (id: string) => inner.load(id),
    delete: (id: string) => inner.delete(id),
    touch: (id: string, ttlMs: number) => inner.touch(id, ttlMs),
    close: () => inner.close(),
  };
  return store;
}

/** `n` sessions of one app, and what closes the app's store (after the sessions are gone). */
function rigs(n: number, store: SessionStore | undefined): { all: Rig[]; close(): Promise<void> } {
  const rt = assembleApp({
    routes: { "/": Counter },
    logger: silentLogger,
    metrics: false,
    persistence: store === undefined ? false : { store, checkpointMs: CHECKPOINT_MS },
    health: false,
    rateLimit: false,
    connectionLimits: false,
    timeouts: { handshakeMs: 600_000, parkAfterMs: 3_600_000 },
  });
  const out: Rig[] = [];
  for (let i = 0; i < n; i++) {
    const sid = randomToken();
    const session = rt.openSession("/", sid, {});
    if (!(session instanceof Session)) throw new Error(`no session: ${String(session)}`);
    const transport = new MemoryTransport();
    const conn = new Connection(rt.connectionHost, transport, sid);
    conn.onMessage(
      encodeClientFrame({
        type: FrameType.Handshake,
        version: PROTOCOL_VERSION,
        csrf: rt.csrf.sign(sid),
        resumeToken: session.token,
        lastSeq: 0,
        viewport: { w: 1280, h: 800 },
        tzOffset: 0,
        features: 0,
      }),
    );
    out.push({ conn, session, transport, cseq: 0 });
  }
  // Through persistence: the app's store wrapper forwards what it still queues first.
  return { all: out, close: async () => await rt.persistence?.close() };
}

/** One event to each session, all settled, then a turn of the event loop; the events sent. */
async function lap(all: readonly Rig[]): Promise<number> {
  for (const r of all) {
    r.conn.onMessage(
      encodeClientFrame({ type: FrameType.Event, cseq: ++r.cseq, hid: 4, event: CLICK }),
    );
  }
  for (const r of all) await r.session.settled();
  // The browser acks what it applied: the history stays short, as in the load bench.
  for (const r of all) {
    r.session.ack(r.session.seq);
    r.transport.sent.length = 0;
  }
  await new Promise((resolve) => setImmediate(resolve));
  return all.length;
}

/** Process CPU ns per event over laps for about `ROUND_MS`, and the events. */
async function round(all: readonly Rig[]): Promise<{ ns: number; events: number }> {
  const until = performance.now() + ROUND_MS;
  const cpu0 = process.cpuUsage();
  let events = 0;
  while (performance.now() < until) events += await lap(all);
  const cpu = process.cpuUsage(cpu0);
  return { ns: ((cpu.user + cpu.system) * 1000) / events, events };
}

async function measure(
  name: string,
  n: number,
  store?: SessionStore & { saved: number },
): Promise<BenchResult> {
  const { all, close } = rigs(n, store);
  for (let i = 0; i < 2; i++) await round(all);
  const saved0 = store?.saved ?? 0;
  const xs: number[] = [];
  let events = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const r = await round(all);
    xs.push(r.ns);
    events += r.events;
  }
  const saved = (store?.saved ?? 0) - saved0;
  for (const r of all) {
    if (r.transport.closed !== undefined) throw new Error("a benchmark session was closed");
    r.session.dispose();
  }
  await close();
  globalThis.gc?.();
  xs.sort((a, b) => a - b);
  const ns = median(xs);
  const per = store === undefined ? "" : `; ${(events / saved).toFixed(1)} events per checkpoint`;
  return {
    name,
    nsPerOp: ns,
    opsPerSec: 1e9 / ns,
    runs: ROUNDS,
    note: `${(events / ROUNDS / n).toFixed(0)} events/s per session${per}; min ${(xs[0]! / 1000).toFixed(1)} µs, max ${(xs.at(-1)! / 1000).toFixed(1)} µs`,
  };
}

const dir = mkdtempSync(join(tmpdir(), "vango-bench-core-"));
const results: BenchResult[] = [];
for (const n of [20, 200, 2_000]) {
  results.push(await measure(`${n.toLocaleString("en-US")} sessions in turn`, n));
}
results.push(
  await measure(
    "2,000 sessions, checkpoints to the memory store",
    2_000,
    counted(new MemorySessionStore()),
  ),
);
results.push(
  await measure(
    "2,000 sessions, checkpoints to the file store (the default)",
    2_000,
    counted(await FileSessionStore.open({ dir })),
  ),
);
rmSync(dir, { recursive: true, force: true });
printTable(
  "Session core: process CPU per event, no socket, as more sessions take turns (working set) and with checkpoints",
  results,
);
