import { afterEach, describe, expect, it, vi } from "vitest";
import { CloseCode, FrameType } from "../../src/protocol/constants.ts";
import { createApp } from "../../src/server/app.ts";
import { ServerWebSocket } from "../../src/server/ws/server-websocket.ts";
import { Counter, Ticker } from "./fixtures.tsx";
import {
  captureLogger,
  fakeClient,
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

describe("graceful close", () => {
  it("sends server_shutdown Close frames, closes sockets with 1001 and disposes sessions", async () => {
    srv = await start({ routes: { "/": Counter, "/t": Ticker } });
    const p = await getPage(srv.base);
    const pending = await getPage(srv.base, "/t");
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    const bare = await TestSocket.open(srv.port, p.cookie);
    expect(srv.app.sessions.counts().total).toBe(2);
    const app = srv.app;
    await srv.close();
    srv = undefined;
    expect(await s.next()).toEqual({
      type: FrameType.Close,
      code: CloseCode.GoingAway,
      reason: "server_shutdown",
    });
    expect(await s.whenClosed()).toEqual({ code: CloseCode.GoingAway, reason: "server_shutdown" });
    expect(await bare.whenClosed()).toEqual({
      code: CloseCode.GoingAway,
      reason: "server_shutdown",
    });
    expect(app.sessions.counts()).toEqual({
      total: 0,
      pending: 0,
      attached: 0,
      detached: 0,
      parked: 0,
    });
    expect(pending.status).toBe(200);
    await app.close(); // idempotent
  });

  it("the handler refuses new pages while closing", async () => {
    srv = await start({ routes: { "/": Counter } });
    const { createServer } = await import("node:http");
    const app = srv.app;
    await app.close();
    const server = createServer((q, r) => void app.handler(q, r));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(503);
    expect(res.headers.get("x-vango-error")).toBe("server_shutdown");
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe("heartbeat and idle", () => {
  it("terminates a socket that stops answering pings", async () => {
    // A sweep terminates a socket whose pong it has not read since the last one: beats
    // far apart enough that a stall of the machine between them does not look like that.
    const HEARTBEAT_MS = 300;
    srv = await start({ routes: { "/": Counter }, timeouts: { heartbeatMs: HEARTBEAT_MS } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    await sleep(2 * HEARTBEAT_MS + 100); // two sweeps, answered by the client's automatic pongs
    expect(srv.app.sessions.counts().attached).toBe(1);
    (s.ws as unknown as { _socket: import("node:net").Socket })._socket.pause();
    const t0 = Date.now();
    const r = srv;
    await until(() => r.app.sessions.counts().detached === 1, 5_000, "the socket terminated");
    expect(srv.app.sessions.counts()).toEqual({
      total: 1,
      pending: 0,
      attached: 0,
      detached: 1,
      parked: 0,
    });
    // The sweep that pings it, then the next one: two periods, and room for a stall.
    expect(Date.now() - t0).toBeLessThan(2 * HEARTBEAT_MS + 500);
  });

  it("keeps a live socket through a stall of the process right after a ping", async () => {
    // The stall starts as the server pings: the client's pong arrives during it and is
    // still unread when the sweep, late by the stall, runs before the socket is read.
    const HEARTBEAT_MS = 300;
    const STALL_MS = 3.5 * HEARTBEAT_MS;
    srv = await start({ routes: { "/": Counter }, timeouts: { heartbeatMs: HEARTBEAT_MS } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    const ping = ServerWebSocket.prototype.ping;
    let stalled = false;
    const spy = vi.spyOn(ServerWebSocket.prototype, "ping").mockImplementation(function (
      this: ServerWebSocket,
    ) {
      ping.call(this);
      if (stalled) return;
      stalled = true;
      const end = performance.now() + STALL_MS;
      while (performance.now() < end) {} // a synchronous handler, a paused VM
    });
    try {
      await until(() => stalled, 5_000, "a ping");
      await sleep(3 * HEARTBEAT_MS); // the late sweep, then two on time
      expect(srv.app.sessions.counts().attached).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("closes a connection with no client event for idleMs as idle_timeout", async () => {
    // A sweep terminates a socket whose pong it has not read since the last one: beats
    // far apart enough that a stall of the machine between them does not look like that.
    srv = await start({ routes: { "/": Counter }, timeouts: { heartbeatMs: 250, idleMs: 500 } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    expect(await s.next(3000)).toEqual({
      type: FrameType.Close,
      code: CloseCode.IdleTimeout,
      reason: "idle_timeout",
    });
    expect(await s.whenClosed()).toEqual({ code: CloseCode.IdleTimeout, reason: "idle_timeout" });
  });
});

describe("shutdown deadline (timeouts.shutdownMs)", () => {
  const pause = (s: TestSocket) =>
    (s.ws as unknown as { _socket: import("node:net").Socket })._socket.pause();

  it("listening.close() destroys a socket whose client stopped reading at the deadline", async () => {
    const logger = captureLogger();
    srv = await start({ routes: { "/": Counter }, logger, timeouts: { shutdownMs: 300 } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    pause(s);
    const t0 = performance.now();
    await srv.close();
    srv = undefined;
    const ms = performance.now() - t0;
    // Before: ws waited 30 s for the paused peer's Close frame.
    expect(ms).toBeGreaterThanOrEqual(280);
    expect(ms).toBeLessThan(1_500);
    expect(
      logger.entries
        .filter((e) => e.level === "warn" && "sockets" in e.obj)
        .map((e) => (e.obj as { sockets: number }).sockets),
    ).toEqual([1]);
  });

  it("does not wait for the deadline when clients answer the closing handshake", async () => {
    srv = await start({ routes: { "/": Counter }, timeouts: { shutdownMs: 10_000 } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    // A keep-alive connection left idle must not hold the close either.
    await fetch(srv.base + "/nope");
    const t0 = performance.now();
    await srv.close();
    srv = undefined;
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(await s.whenClosed()).toEqual({ code: CloseCode.GoingAway, reason: "server_shutdown" });
  });

  it("lets an in-flight request finish within the deadline", async () => {
    let arrived = false;
    srv = await start({
      routes: { "/": Counter },
      timeouts: { shutdownMs: 5_000 },
      httpMiddleware: [
        async (ctx, next) => {
          if (ctx.path !== "/slow") return next();
          arrived = true;
          await sleep(300);
          ctx.res.end("done");
        },
      ],
    });
    const pending = fetch(srv.base + "/slow").then(async (r) => [r.status, await r.text()]);
    await until(() => arrived, 5_000, "the request in flight");
    const t0 = performance.now();
    await srv.close();
    srv = undefined;
    expect(await pending).toEqual([200, "done"]);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it("app.close() on a server of your own honours the deadline too", async () => {
    const { createServer } = await import("node:http");
    const app = createApp({
      routes: { "/": Counter },
      clientBuilder: fakeClient,
      logger: captureLogger(),
      timeouts: { shutdownMs: 300 },
    });
    const server = createServer((q, r) => void app.handler(q, r));
    server.on("upgrade", app.upgrade);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const p = await getPage(`http://127.0.0.1:${port}`);
    const s = await TestSocket.open(port, p.cookie);
    await s.attach(p);
    pause(s);
    const t0 = performance.now();
    await app.close();
    const stopped = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    await stopped;
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(280);
    expect(ms).toBeLessThan(1_500);
  });
});
