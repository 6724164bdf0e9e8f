/**
 * Regression (issue 17, churn): sessions that lived at once and ended leave nothing sized
 * to how many there were. Their event budgets and persistence marks were kept in WeakMaps
 * keyed by session, and V8 does not shrink a WeakMap's table when the GC clears its
 * entries: after 20,000 sessions churned through the benchmark server, two such tables
 * held 512 KB each with every session gone (bench/load/churn.ts, heap-diff.ts).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { encodeClientFrame } from "../../../src/protocol/client-codec.ts";
import { CloseCode, FrameType, PROTOCOL_VERSION } from "../../../src/protocol/constants.ts";
import { type AppRuntime, assembleApp } from "../../../src/server/assemble.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";
import type { Session } from "../../../src/server/session/session.ts";
import { MemorySessionStore } from "../../../src/server/session/stores/memory-store.ts";
import { Connection } from "../../../src/server/ws/connection.ts";
import { MemoryTransport } from "../../../src/testing/memory-transport.ts";

setFlagsFromString("--expose-gc");
// No optimizing compiler in this process (its own fork): code TurboFan compiles during the
// measured churn — up to ~350 KB of it, depending on what the warm-up happened to leave
// unoptimized — would drown the tables this test looks for, which do not depend on it.
setFlagsFromString("--no-opt");
const gc = runInNewContext("gc") as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

const Page = () => () => <p>hello</p>;

/**
 * Opens `n` sessions, attaches a socket to each (its handshake is charged to the session's
 * event budget; its checkpoint is taken as it detaches), then closes every tab for good
 * (`client_closed_request`: the checkpoint is deleted). All `n` are alive together.
 */
function churn(rt: AppRuntime, n: number): void {
  const open: [Session, Connection][] = [];
  for (let i = 0; i < n; i++) {
    const sid = `sid-${i}`;
    const s = rt.openSession("/", sid) as Session;
    const conn = new Connection(rt.connectionHost, new MemoryTransport(), sid);
    conn.onMessage(
      encodeClientFrame({
        type: FrameType.Handshake,
        version: PROTOCOL_VERSION,
        csrf: rt.csrf.sign(sid),
        resumeToken: s.token,
        lastSeq: 0,
        viewport: { w: 1, h: 1 },
        tzOffset: 0,
        features: 0,
      }),
    );
    open.push([s, conn]);
  }
  const bye = encodeClientFrame({ type: FrameType.Close, code: CloseCode.GoingAway, reason: "" });
  for (const [, conn] of open) conn.onMessage(bye);
}

describe("sessions gone", () => {
  it("leave no table sized to the most that lived at once", async () => {
    const store = new MemorySessionStore();
    const rt = assembleApp({
      routes: { "/": Page },
      logger: silentLogger,
      metrics: false,
      health: false,
      v8Tuning: false,
      // The WebSocket event budget stays on; HTTP budgets play no part here.
      rateLimit: { perIp: false, mutations: false },
      connectionLimits: false,
      limits: { maxSessions: 20_000 },
      persistence: { store },
    });
    // Warm-up, a few at a time: code compiled, and the manager's table of ended tokens
    // (8,192) past its first eviction, where it takes its lasting size.
    for (let i = 0; i < 18; i++) {
      churn(rt, 500);
      await new Promise((r) => setImmediate(r));
      gc();
    }
    const before = heapAfterGc();
    churn(rt, 8_000);
    await new Promise((r) => setTimeout(r, 10));
    const after = heapAfterGc();
    console.log("RESIDUE", after - before);
    expect(rt.sessions.counts().total).toBe(0);
    // With the WeakMaps: ~0.7 MB (a table of 256 KB each for 8,000 sessions); without
    // them, within a few KB of 0.
    expect(after - before).toBeLessThan(128 * 1024);
    await store.close();
  }, 60_000);
});
