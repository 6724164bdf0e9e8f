import { afterEach, describe, expect, it } from "vitest";
import { CloseCode, FrameType, NodeKind, PatchOp } from "../../../src/protocol/constants.ts";
import { Counter } from "../fixtures.tsx";
import { getPage, type Page, type Running, sleep, start, TestSocket, until } from "../helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const text = (n: number) => ({ op: PatchOp.SetText, parent: 3, index: 0, text: `Count: ${n}` });

/** Attaches, clicks `n` times (reading each frame), optionally acks, then drops the socket. */
async function clickAndDrop(page: Page, n: number, ack: number | undefined) {
  const s = await TestSocket.open(srv!.port, page.cookie);
  await s.attach(page);
  for (let i = 0; i < n; i++) {
    s.click(4);
    await s.next();
  }
  if (ack !== undefined) s.send({ type: FrameType.Ack, seq: ack });
  await sleep(20);
  s.close();
  await s.whenClosed();
  // The server sees the close on its side of the socket, maybe after this client.
  await until(() => srv!.app.sessions.counts().attached === 0, 5_000, "the session detached");
  return s;
}

describe("detach and resume", () => {
  it("resumes within the window and resends exactly the missed frames", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    await clickAndDrop(p, 3, undefined);
    expect(srv.app.sessions.counts()).toEqual({
      total: 1,
      pending: 0,
      attached: 0,
      detached: 1,
      parked: 0,
    });
    const s = await TestSocket.open(srv.port, p.cookie);
    const reply = await s.attach(p, 1);
    expect([reply.status, reply.resumed, reply.nextSeq, reply.lastCseq]).toEqual([
      "ok",
      true,
      2,
      3,
    ]);
    expect(await s.next()).toEqual({
      type: FrameType.Patches,
      seq: 2,
      cseq: 2,
      patches: [text(2)],
    });
    expect(await s.next()).toEqual({
      type: FrameType.Patches,
      seq: 3,
      cseq: 3,
      patches: [text(3)],
    });
    expect(await s.quiet(30)).toEqual([]);
    s.click(4, 4);
    expect(await s.next()).toEqual({
      type: FrameType.Patches,
      seq: 4,
      cseq: 4,
      patches: [text(4)],
    });
  });

  it("acked frames leave the history: resuming from before them needs a FullResync", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    await clickAndDrop(p, 3, 2);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p, 2);
    expect(await s.next()).toEqual({
      type: FrameType.Patches,
      seq: 3,
      cseq: 3,
      patches: [text(3)],
    });
    s.close();
    await s.whenClosed();
    const r = srv;
    await until(() => r.app.sessions.counts().attached === 0, 5_000, "the session detached");
    const t = await TestSocket.open(srv.port, p.cookie);
    await t.attach(p, 1);
    const full = await t.next();
    expect(full.type).toBe(FrameType.FullResync);
  });

  it("resuming beyond the history gets a FullResync of the current root with the current seq", async () => {
    srv = await start({ routes: { "/": Counter }, limits: { historyFrames: 2 } });
    const p = await getPage(srv.base);
    await clickAndDrop(p, 4, undefined);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p, 1);
    expect(await s.next()).toEqual({
      type: FrameType.FullResync,
      seq: 4,
      root: {
        kind: NodeKind.Element,
        tag: "div",
        hid: 1,
        attrs: { id: "vango-root" },
        children: [
          {
            kind: NodeKind.Element,
            tag: "div",
            hid: 2,
            attrs: {},
            children: [
              {
                kind: NodeKind.Element,
                tag: "h1",
                hid: 3,
                attrs: {},
                children: [{ kind: NodeKind.Text, text: "Count: 4" }],
              },
              {
                kind: NodeKind.Element,
                tag: "button",
                hid: 4,
                attrs: { type: "button", "data-on": "click" },
                children: [{ kind: NodeKind.Text, text: "+" }],
              },
            ],
          },
        ],
      },
    });
    s.click(4, 5);
    expect(await s.next()).toEqual({
      type: FrameType.Patches,
      seq: 5,
      cseq: 5,
      patches: [text(5)],
    });
  });

  it("a ResyncRequest on a live socket resends from history", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    s.click(4);
    s.click(4);
    await s.next();
    await s.next();
    s.send({ type: FrameType.ResyncRequest, lastSeq: 1, full: false });
    expect(await s.next()).toEqual({
      type: FrameType.Patches,
      seq: 2,
      cseq: 2,
      patches: [text(2)],
    });
  });

  it("a ResyncRequest with flag Full gets the whole view, even when the history holds the frames", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    s.click(4);
    s.click(4);
    await s.next();
    await s.next();
    s.send({ type: FrameType.ResyncRequest, lastSeq: 1, full: true });
    const f = await s.next();
    expect(f.type === FrameType.FullResync && f.seq).toBe(2);
    // The resync replaces what the history held: a plain request now gets the view too.
    s.send({ type: FrameType.ResyncRequest, lastSeq: 1, full: false });
    expect((await s.next()).type).toBe(FrameType.FullResync);
  });

  it("without persistence, a session not resumed within resumeWindowMs is gone: session_expired", async () => {
    srv = await start({
      routes: { "/": Counter },
      timeouts: { resumeWindowMs: 40 },
      persistence: false,
    });
    const p = await getPage(srv.base);
    await clickAndDrop(p, 1, 1);
    const { app } = srv;
    await until(() => app.sessions.counts().total === 0, 5_000, "the session expired");
    const s = await TestSocket.open(srv.port, p.cookie);
    s.handshake(p.token, p.csrf, 1);
    const r = await s.next();
    expect(r.type === FrameType.HandshakeReply && r.status).toBe("session_expired");
    expect((await s.whenClosed()).code).toBe(CloseCode.SessionGone);
  });

  it("without persistence, evicts the least recently detached session beyond maxDetached for good", async () => {
    srv = await start({ routes: { "/": Counter }, limits: { maxDetached: 1 }, persistence: false });
    const a = await getPage(srv.base);
    const b = await getPage(srv.base);
    await clickAndDrop(a, 0, undefined);
    await clickAndDrop(b, 0, undefined);
    expect(srv.app.sessions.counts()).toEqual({
      total: 1,
      pending: 0,
      attached: 0,
      detached: 1,
      parked: 0,
    });
    const sa = await TestSocket.open(srv.port, a.cookie);
    sa.handshake(a.token, a.csrf);
    const r = await sa.next();
    expect(r.type === FrameType.HandshakeReply && r.status).toBe("session_expired");
    const sb = await TestSocket.open(srv.port, b.cookie);
    expect((await sb.attach(b)).status).toBe("ok");
  });

  it("a second socket for an attached session takes it over", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const a = await TestSocket.open(srv.port, p.cookie);
    await a.attach(p);
    const b = await TestSocket.open(srv.port, p.cookie);
    expect((await b.attach(p)).resumed).toBe(true);
    expect((await a.whenClosed()).code).toBe(1000);
    b.click(4);
    expect(await b.next()).toEqual({
      type: FrameType.Patches,
      seq: 1,
      cseq: 1,
      patches: [text(1)],
    });
    expect(srv.app.sessions.counts()).toEqual({
      total: 1,
      pending: 0,
      attached: 1,
      detached: 0,
      parked: 0,
    });
  });

  it("a Close frame from the client disposes the session at once", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    s.send({ type: FrameType.Close, code: 1001, reason: "unload" });
    await s.whenClosed();
    await sleep(10);
    expect(srv.app.sessions.counts().total).toBe(0);
  });
});
