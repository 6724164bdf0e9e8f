import { afterEach, describe, expect, it } from "vitest";
import { CloseCode, FrameType } from "../../../src/protocol/constants.ts";
import { Counter } from "../fixtures.tsx";
import { getPage, type Running, start, TestSocket } from "../helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe("WebSocket handshake", () => {
  it("attaches to the pending session with no patches for the unchanged page", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    const reply = await s.attach(p);
    expect({ ...reply, serverTime: 0 }).toEqual({
      type: FrameType.HandshakeReply,
      status: "ok",
      resumed: false,
      resumeToken: p.token,
      nextSeq: 1,
      lastCseq: 0,
      serverTime: 0,
      features: 3,
    });
    expect(Math.abs(reply.serverTime - Date.now())).toBeLessThan(5000);
    expect(await s.quiet(60)).toEqual([]);
    expect(srv.app.sessions.counts()).toEqual({
      total: 1,
      pending: 0,
      attached: 1,
      detached: 0,
      parked: 0,
    });
    s.close();
  });

  it("refuses a wrong CSRF token with csrf_invalid", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    s.handshake(p.token, p.csrf.slice(0, -2) + "AA");
    const r = await s.next();
    expect(r.type === FrameType.HandshakeReply && r.status).toBe("csrf_invalid");
    expect(await s.whenClosed()).toEqual({
      code: CloseCode.PolicyViolation,
      reason: "csrf_invalid",
    });
  });

  it("refuses a token presented with another session's cookie (resume_invalid)", async () => {
    srv = await start({ routes: { "/": Counter } });
    const a = await getPage(srv.base);
    const b = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, b.cookie);
    s.handshake(a.token, a.csrf);
    const r = await s.next();
    expect(r.type === FrameType.HandshakeReply && r.status).toBe("resume_invalid");
    expect(await s.whenClosed()).toEqual({
      code: CloseCode.ResumeInvalid,
      reason: "resume_invalid",
    });
    const none = await TestSocket.open(srv.port, "");
    none.handshake(a.token, a.csrf);
    const r2 = await none.next();
    expect(r2.type === FrameType.HandshakeReply && r2.status).toBe("resume_invalid");
  });

  it("answers a token it never issued with session_not_found", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    s.handshake("A".repeat(24), p.csrf);
    const r = await s.next();
    expect(r.type === FrameType.HandshakeReply && r.status).toBe("session_not_found");
    expect(await s.whenClosed()).toEqual({
      code: CloseCode.SessionGone,
      reason: "session_not_found",
    });
  });

  it("answers the token of a session that ended (tab closed) with session_expired", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const a = await TestSocket.open(srv.port, p.cookie);
    expect((await a.attach(p)).status).toBe("ok");
    a.send({ type: FrameType.Close, code: 1000, reason: "" });
    await a.whenClosed();
    expect(srv.app.sessions.counts().total).toBe(0);
    const s = await TestSocket.open(srv.port, p.cookie);
    s.handshake(p.token, p.csrf);
    const r = await s.next();
    expect(r.type === FrameType.HandshakeReply && r.status).toBe("session_expired");
    expect(await s.whenClosed()).toEqual({
      code: CloseCode.SessionGone,
      reason: "session_expired",
    });
  });

  it("refuses a first frame that is not a handshake", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    s.click(4);
    const r = await s.next();
    expect(r).toEqual({
      type: FrameType.Error,
      code: "handshake_invalid",
      fatal: true,
      cseq: 0,
      message: "",
    });
    expect((await s.whenClosed()).code).toBe(CloseCode.HandshakeFailed);
  });

  it("closes a socket that sends no handshake in time (handshake_timeout)", async () => {
    srv = await start({ routes: { "/": Counter }, timeouts: { handshakeMs: 40 } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    const r = await s.next();
    expect(r.type === FrameType.Error && r.code).toBe("handshake_timeout");
    expect(await s.whenClosed()).toEqual({
      code: CloseCode.HandshakeFailed,
      reason: "handshake_timeout",
    });
  });

  it("takes a Handshake that came during a stall of the process past handshakeMs", async () => {
    const HANDSHAKE_MS = 500;
    srv = await start({ routes: { "/": Counter }, timeouts: { handshakeMs: HANDSHAKE_MS } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    // The Handshake is in the server's socket when the process stalls (client and server
    // share it here): the handshake timer, due meanwhile, fires before the socket is read.
    s.handshake(p.token, p.csrf, 0);
    const end = performance.now() + 2 * HANDSHAKE_MS;
    while (performance.now() < end) {}
    expect((await s.next()).type).toBe(FrameType.HandshakeReply);
    expect(srv.app.sessions.counts().attached).toBe(1);
  });

  it("refuses a cross-origin upgrade with 403 before upgrading", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const err = await TestSocket.open(srv.port, p.cookie, "http://evil.test").catch((e) => e);
    expect(err.status).toBe(403);
    expect(err.headers["x-vango-error"]).toBe("origin_forbidden");
    const ok = await TestSocket.open(srv.port, p.cookie, `http://127.0.0.1:${srv.port}`);
    ok.close();
  });

  it("accepts allow-listed origins and any origin in devMode", async () => {
    srv = await start({ routes: { "/": Counter }, allowedOrigins: ["https://app.test"] });
    const p = await getPage(srv.base);
    (await TestSocket.open(srv.port, p.cookie, "https://app.test")).close();
    await srv.close();
    srv = await start({ routes: { "/": Counter }, devMode: true });
    const q = await getPage(srv.base);
    (await TestSocket.open(srv.port, q.cookie, "http://elsewhere.test")).close();
  });

  it("answers upgrades on other paths 404", async () => {
    srv = await start({ routes: { "/": Counter } });
    const { default: WebSocket } = await import("ws");
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/other`);
    const status = await new Promise((resolve) => {
      ws.on("unexpected-response", (_q, res) => resolve(res.statusCode));
      ws.on("error", () => {});
    });
    expect(status).toBe(404);
  });

  it("refuses an unsupported protocol version with version_unsupported", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    // Handshake layout: header, version varint, …; patch the version byte.
    const { encodeClientFrame } = await import("../../../src/protocol/client-codec.ts");
    const bytes = encodeClientFrame({
      type: FrameType.Handshake,
      version: 1,
      csrf: p.csrf,
      resumeToken: p.token,
      lastSeq: 0,
      viewport: { w: 1, h: 1 },
      tzOffset: 0,
      features: 0,
    });
    bytes[1] = 99;
    s.ws.send(bytes);
    const r = await s.next();
    expect(r.type === FrameType.Error && r.code).toBe("version_unsupported");
    expect((await s.whenClosed()).code).toBe(CloseCode.VersionUnsupported);
  });
});
