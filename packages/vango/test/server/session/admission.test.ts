/**
 * Regression (issue 10, defect 12): pending sessions — pages served whose socket has not
 * come — once lived 30 s each with their renders running, `maxSessions` ignored the
 * heap, and a GET flood exhausted it. Now a pending session does not render, pending
 * sessions are capped per IP and in all (the oldest is dropped), and admission refuses
 * with `server_busy` before the heap is at risk.
 */
import { afterEach, describe, expect, it } from "vitest";
import { decodeServerFrame } from "../../../src/protocol/client-codec.ts";
import { FrameType } from "../../../src/protocol/constants.ts";
import { type AppRuntime, assembleApp } from "../../../src/server/assemble.ts";
import type { AppOptions } from "../../../src/server/config/options.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";
import { randomToken } from "../../../src/server/core/tokens.ts";
import type { Session } from "../../../src/server/session/session.ts";
import { MemoryTransport } from "../../../src/testing/memory-transport.ts";
import { Counter, Ticker } from "../fixtures.tsx";
import { getPage, type Running, sleep, start, TestSocket } from "../helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** GETs `/` from the loopback address `ip` (127.0.0.0/8 all reach the server). */
async function getFrom(base: string, ip: string): Promise<number> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { localAddress: ip }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("session admission", () => {
  it("caps pending sessions per client address, dropping that address's oldest", async () => {
    srv = await start({ routes: { "/": Counter }, limits: { maxPendingPerIp: 3 } });
    for (let i = 0; i < 5; i++) expect(await getFrom(srv.base, "127.0.0.2")).toBe(200);
    expect(srv.app.sessions.counts().pending).toBe(3);
    for (let i = 0; i < 2; i++) expect(await getFrom(srv.base, "127.0.0.3")).toBe(200);
    expect(srv.app.sessions.counts().pending).toBe(5);
  });

  it("caps pending sessions in all; without persistence a dropped page reloads when it connects", async () => {
    srv = await start({ routes: { "/": Counter }, limits: { maxPending: 2 }, persistence: false });
    const first = await getPage(srv.base);
    await getPage(srv.base);
    await getPage(srv.base);
    expect(srv.app.sessions.counts().pending).toBe(2);
    const s = await TestSocket.open(srv.port, first.cookie);
    const reply = await s.attach(first, 0);
    expect(reply.status).toBe("session_expired");
    s.close();
  });

  it("refuses new pages with 503 server_busy while the heap is too full", async () => {
    srv = await start({ routes: { "/": Counter }, limits: { maxHeapRatio: 0.0001 } });
    const res = await fetch(`${srv.base}/`, { headers: { accept: "text/html" } });
    expect([res.status, res.headers.get("x-vango-error"), res.headers.get("retry-after")]).toEqual([
      503,
      "server_busy",
      "5",
    ]);
  });

  it("drops the oldest tenth of the pending pages with each refusal, admits again once the heap eases", () => {
    const rt = assemble({ "/": Counter });
    for (let i = 0; i < 20; i++) expect(typeof open(rt)).toBe("object");
    let ratio = 0.97;
    rt.sessions.heapRatio = () => ratio;
    expect(open(rt)).toBe("server_busy");
    expect(rt.sessions.counts().pending).toBe(18);
    ratio = 0.5;
    expect(typeof open(rt)).toBe("object");
    rt.sessions.disposeAll();
  });

  it("a pending session does not render; its first socket gets one frame with the changes", async () => {
    const rt = assemble({ "/": () => Ticker({ ms: 5 }) });
    const session = open(rt) as Session;
    await sleep(80);
    expect([session.seq, session.historySize]).toEqual([0, 0]);
    const t = new MemoryTransport();
    rt.sessions.attaching(session);
    let next = -1;
    session.attach(t, 0, (n) => {
      next = n;
      return new Uint8Array([0]);
    });
    expect([next, session.seq, t.sent.length]).toEqual([1, 1, 2]);
    const frame = decodeServerFrame(t.sent[1]!);
    expect([frame.type, (frame as { seq: number }).seq]).toEqual([FrameType.Patches, 1]);
    rt.sessions.disposeAll();
  });
});

function assemble(routes: AppOptions["routes"]): AppRuntime {
  return assembleApp({
    routes,
    logger: silentLogger,
    metrics: false,
    health: false,
    v8Tuning: false,
    rateLimit: false,
    connectionLimits: false,
  });
}

function open(rt: AppRuntime): Session | string {
  return rt.openSession("/", randomToken()) as Session | string;
}
