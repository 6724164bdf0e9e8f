/** WebSocket limits over real sockets: event budget, socket caps at upgrade, payload size. */

import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CloseCode, FrameType } from "../../src/protocol/constants.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import { Counter } from "./fixtures.tsx";
import {
  captureLogger,
  getPage,
  type Running,
  sleep,
  start,
  TestSocket,
  until,
} from "./helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** Upgrade attempt: resolves the socket or the refusal status, code header and body. */
function tryOpen(
  port: number,
  headers: Record<string, string> = {},
): Promise<WebSocket | { status: number; code: string; body: string; retry: string | undefined }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/_vango/ws`, {
    headers: { origin: `http://127.0.0.1:${port}`, ...headers },
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("error", () => {});
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          code: String(res.headers["x-vango-error"]),
          body,
          retry: res.headers["retry-after"] as string | undefined,
        }),
      );
    });
    setTimeout(() => reject(new Error("upgrade timeout")), 2000);
  });
}

describe("WebSocket event budget", () => {
  it("answers over-budget events with rate_limited, then closes 1008 when it persists", async () => {
    srv = await start({
      routes: { "/": Counter },
      rateLimit: { websocket: { perSecond: 1, burst: 3, closeAfter: 2 } },
    });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    // The handshake took one token of the three: two clicks pass.
    for (let i = 0; i < 6; i++) s.click(4);
    const closed = await s.whenClosed();
    expect(closed).toEqual({ code: CloseCode.PolicyViolation, reason: ErrorCode.rate_limited });
    const errors = s.frames.filter((f) => f.type === FrameType.Error);
    expect(errors.map((f) => f.type === FrameType.Error && [f.code, f.fatal, f.cseq])).toEqual([
      [ErrorCode.rate_limited, false, 3],
      [ErrorCode.rate_limited, false, 4],
      [ErrorCode.rate_limited, true, 0],
    ]);
    // The budget belongs to the session: a resumed socket does not get a fresh one. A
    // handshake costs a token too (a resume may cost a full resync), so while the budget
    // is empty the resume is refused...
    const again = await TestSocket.open(srv.port, p.cookie);
    again.handshake(p.token, p.csrf, 0);
    const refused = await again.next();
    expect(refused.type === FrameType.HandshakeReply && refused.status).toBe(
      ErrorCode.rate_limited,
    );
    expect(await again.whenClosed()).toEqual({
      code: CloseCode.PolicyViolation,
      reason: ErrorCode.rate_limited,
    });
    // ...and once a token refilled (1/s) it resumes: the two clicks within budget were
    // accepted (lastCseq 2), the refused ones not.
    await sleep(1100);
    const third = await TestSocket.open(srv.port, p.cookie);
    const reply = await third.attach(p, 0);
    expect([reply.resumed, reply.lastCseq]).toEqual([true, 2]);
  });

  it("websocket: false lets a burst through", async () => {
    srv = await start({ routes: { "/": Counter }, rateLimit: { websocket: false } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    for (let i = 0; i < 100; i++) s.click(4);
    await sleep(300);
    expect(s.frames.some((f) => f.type === FrameType.Error)).toBe(false);
    expect(s.closed).toBeUndefined();
    s.close();
  });
});

describe("socket caps at upgrade", () => {
  it("refuses a client over its per-IP cap with 429 before upgrading, and frees slots", async () => {
    const logger = captureLogger();
    srv = await start({ routes: { "/": Counter }, logger, connectionLimits: { perIp: 2 } });
    const a = (await tryOpen(srv.port)) as WebSocket;
    const b = (await tryOpen(srv.port)) as WebSocket;
    expect(await tryOpen(srv.port)).toEqual({
      status: 429,
      code: "connection_limited",
      body: JSON.stringify({
        error: { code: "connection_limited", message: "Too many connections from this client" },
      }),
      retry: "1",
    });
    expect(logger.entries.some((e) => e.msg === "upgrade refused")).toBe(true);
    a.close();
    await new Promise((r) => a.once("close", r));
    // The server frees the slot when it sees the socket close, which may be a turn of
    // the event loop (or a stall of the machine) after this client did: try again until
    // it lets one in.
    const port = srv.port;
    let c: Awaited<ReturnType<typeof tryOpen>> | undefined;
    await until(
      async () => {
        c = await tryOpen(port);
        return c instanceof WebSocket;
      },
      5_000,
      "a freed slot",
    );
    b.close();
    (c as WebSocket).close();
  });

  it("an upgraded socket has two 'close' listeners: its WebSocket's and the shutdown's", async () => {
    srv = await start({ routes: { "/": Counter }, connectionLimits: { perIp: 5 } });
    const counts: number[] = [];
    // After the app's own 'upgrade' listener, which opened the WebSocket.
    srv.server.on("upgrade", (_req: unknown, socket: Duplex) => {
      counts.push(socket.listenerCount("close"));
    });
    const ws = (await tryOpen(srv.port)) as WebSocket;
    // A third grows the socket's listener array to 19 slots, ~140 B of every session.
    expect(counts).toEqual([2]);
    ws.close();
  });

  it("refuses over the global cap with 503 too_many_connections", async () => {
    srv = await start({ routes: { "/": Counter }, connectionLimits: { global: 1 } });
    const a = (await tryOpen(srv.port)) as WebSocket;
    const r = await tryOpen(srv.port);
    expect(r).toMatchObject({ status: 503, code: "too_many_connections" });
    a.close();
  });

  it("caps per user (userOf) across addresses", async () => {
    srv = await start({
      routes: { "/": Counter },
      userOf: (req) => req.headers["x-user"] as string | undefined,
      connectionLimits: { perUser: 1 },
    });
    const a = (await tryOpen(srv.port, { "x-user": "alice" })) as WebSocket;
    expect(await tryOpen(srv.port, { "x-user": "alice" })).toMatchObject({ status: 429 });
    const b = await tryOpen(srv.port, { "x-user": "bob" });
    expect(b).toBeInstanceOf(WebSocket);
    a.close();
    (b as WebSocket).close();
  });

  it("believes X-Forwarded-For only with trustProxy", async () => {
    srv = await start({ routes: { "/": Counter }, connectionLimits: { perIp: 1 } });
    const a = (await tryOpen(srv.port, { "x-forwarded-for": "1.1.1.1" })) as WebSocket;
    // Without trustProxy the header is ignored: same socket address, over the cap.
    expect(await tryOpen(srv.port, { "x-forwarded-for": "2.2.2.2" })).toMatchObject({
      status: 429,
    });
    a.close();
    await srv.close();
    srv = await start({ routes: { "/": Counter }, connectionLimits: { perIp: 1 }, trustProxy: 1 });
    const b = (await tryOpen(srv.port, { "x-forwarded-for": "1.1.1.1" })) as WebSocket;
    const c = await tryOpen(srv.port, { "x-forwarded-for": "2.2.2.2" });
    expect(c).toBeInstanceOf(WebSocket);
    expect(await tryOpen(srv.port, { "x-forwarded-for": "1.1.1.1" })).toMatchObject({
      status: 429,
    });
    b.close();
    (c as WebSocket).close();
  });
});

describe("max message size", () => {
  it("closes 1009 (payload_too_large's close code) and logs payload_too_large", async () => {
    const logger = captureLogger();
    srv = await start({ routes: { "/": Counter }, logger, limits: { maxPayload: 1024 } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    s.ws.send(new Uint8Array(4096));
    const closed = await s.whenClosed();
    expect(closed).toEqual({ code: CloseCode.MessageTooBig, reason: "" });
    // The server detaches the session when it sees the close, maybe after this client.
    const r = srv;
    await until(() => r.app.sessions.counts().detached === 1, 5_000, "the session detached");
    expect(
      logger.entries.find((e) => (e.obj as { code?: string }).code === "payload_too_large"),
    ).toBeDefined();
    // The session survives, detached, and can be resumed.
    expect(srv.app.sessions.counts().detached).toBe(1);
    const again = await TestSocket.open(srv.port, p.cookie);
    expect((await again.attach(p)).status).toBe("ok");
    again.close();
  });
});
