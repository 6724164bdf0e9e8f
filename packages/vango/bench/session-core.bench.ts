/**
 * The session core's cost per event as the number of sessions taking turns grows (issue
 * 17): the counter click through the real path — Event frame decoded by a `Connection`
 * on an in-memory transport, queued, handler run, counter re-rendered, diffed, Patches
 * frame encoded — with no socket, so the kernel's share (the transport floor of the load
 * bench) is not in it. Every round sends one event to each session in turn, as the load
 * bench's clients do, then waits for all to settle; a session's objects are therefore
 * touched once per round, and with enough sessions they have left the CPU's caches by
 * the time its next event comes. The difference between the rows is that working set.
 * The app is assembled as `createApp` does, with metrics off and parking out of reach.
 */

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
  readonly conn: Connection;
  readonly session: Session;
  readonly transport: MemoryTransport;
  cseq: number;
}

const CLICK = { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 } as const;
/** Events per measured round, whatever the number of sessions. */
const EVENTS_PER_ROUND = 10_000;
const ROUNDS = 15;

function rigs(n: number): Rig[] {
  const rt = assembleApp({
    routes: { "/": Counter },
    logger: silentLogger,
    metrics: false,
    persistence: false,
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
  return out;
}

/** ns per event over one round: `EVENTS_PER_ROUND` events, the sessions in turn. */
async function round(all: readonly Rig[]): Promise<number> {
  const laps = Math.max(1, Math.round(EVENTS_PER_ROUND / all.length));
  const t0 = performance.now();
  for (let lap = 0; lap < laps; lap++) {
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
  }
  return ((performance.now() - t0) * 1e6) / (laps * all.length);
}

const results: BenchResult[] = [];
for (const n of [20, 200, 2_000]) {
  const all = rigs(n);
  for (let i = 0; i < 5; i++) await round(all);
  const xs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) xs.push(await round(all));
  for (const r of all) {
    if (r.transport.closed !== undefined) throw new Error("a benchmark session was closed");
    r.session.dispose();
  }
  globalThis.gc?.();
  xs.sort((a, b) => a - b);
  const ns = median(xs);
  results.push({
    name: `${n.toLocaleString("en-US")} sessions in turn`,
    nsPerOp: ns,
    opsPerSec: 1e9 / ns,
    runs: ROUNDS,
    note: `rounds of ${EVENTS_PER_ROUND.toLocaleString("en-US")} events; min ${(xs[0]! / 1000).toFixed(1)} µs, max ${(xs.at(-1)! / 1000).toFixed(1)} µs`,
  });
}
printTable("Session core per event, no socket, as more sessions take turns (working set)", results);
