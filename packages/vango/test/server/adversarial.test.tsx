/**
 * Adversarial suite: real sockets on 127.0.0.1 against a real app. Every attack is
 * refused or neutralised with the right code, nothing leaks (error frames carry no
 * message), and other sessions keep working.
 */

import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CloseCode, FrameType, PROTOCOL_VERSION } from "../../src/protocol/constants.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import type { ServerFrame } from "../../src/protocol/frame.ts";
import { PatchOp } from "../../src/protocol/patch.ts";
import { signal } from "../../src/reactive/signal.ts";
import { Counter } from "./fixtures.tsx";
import { getPage, type Page, type Running, sleep, start, TestSocket } from "./helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** hids: div 2, input 3, a 4, p 5. Typed text goes into href and, parsed, into props. */
function Profile() {
  const link = signal("/home");
  const extra = signal<Record<string, unknown>>({});
  return () => (
    <div>
      <input
        onInput={(e: { value: string }) => {
          link.set(e.value);
          try {
            extra.set(JSON.parse(e.value) as Record<string, unknown>);
          } catch {
            extra.set({});
          }
        }}
      />
      <a href={link()} {...extra()}>
        site
      </a>
      <p>{link()}</p>
    </div>
  );
}

async function attached(path = "/"): Promise<[Page, TestSocket]> {
  const p = await getPage(srv!.base, path);
  const s = await TestSocket.open(srv!.port, p.cookie);
  await s.attach(p);
  return [p, s];
}

/** A second, healthy session: one click yields exactly the counter's text patch. */
async function stillWorks(s: TestSocket): Promise<void> {
  s.frames.length = 0;
  s.click(4);
  const f = await s.next();
  expect(f.type).toBe(FrameType.Patches);
  expect(f.type === FrameType.Patches && f.patches).toEqual([
    { op: PatchOp.SetText, parent: 3, index: 0, text: expect.stringMatching(/^Count: \d+$/) },
  ]);
}

function noLeak(frames: readonly ServerFrame[]): void {
  for (const f of frames) if (f.type === FrameType.Error) expect(f.message).toBe("");
}

function upgradeStatus(port: number, headers: Record<string, string>) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/_vango/ws`, { headers });
  return new Promise<{ status: number; code: string } | "open">((resolve) => {
    ws.once("open", () => {
      resolve("open");
      ws.close();
    });
    ws.once("error", () => {});
    ws.once("unexpected-response", (_q, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, code: String(res.headers["x-vango-error"]) });
    });
  });
}

describe("adversarial: handshake and upgrade", () => {
  it("refuses a cross-origin or Origin-less upgrade with 403 before upgrading", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    for (const origin of ["https://evil.test", "null", `http://127.0.0.1:${srv.port + 1}`]) {
      expect(await upgradeStatus(srv.port, { origin, cookie: p.cookie })).toEqual({
        status: 403,
        code: ErrorCode.origin_forbidden,
      });
    }
    expect(await upgradeStatus(srv.port, { cookie: p.cookie })).toEqual({
      status: 403,
      code: ErrorCode.origin_forbidden,
    });
    expect(srv.app.sessions.counts()).toEqual({ total: 1, pending: 1, attached: 0, detached: 0 });
  });

  it("refuses missing, forged and other-session CSRF tokens; the session is not lost", async () => {
    srv = await start({ routes: { "/": Counter } });
    const a = await getPage(srv.base);
    const b = await getPage(srv.base);
    for (const csrf of ["", `${a.csrf.slice(0, -3)}xyz`, b.csrf, a.csrf + a.csrf]) {
      const s = await TestSocket.open(srv.port, a.cookie);
      s.handshake(a.token, csrf);
      const r = await s.next();
      expect(r.type === FrameType.HandshakeReply && [r.status, r.resumeToken]).toEqual([
        ErrorCode.csrf_invalid,
        "",
      ]);
      expect(await s.whenClosed()).toEqual({
        code: CloseCode.PolicyViolation,
        reason: ErrorCode.csrf_invalid,
      });
    }
    const ok = await TestSocket.open(srv.port, a.cookie);
    expect((await ok.attach(a)).status).toBe("ok");
    await stillWorks(ok);
    ok.close();
  });

  it("refuses forged resume tokens: unknown → session_expired, another tab's → resume_invalid", async () => {
    srv = await start({ routes: { "/": Counter } });
    const a = await getPage(srv.base);
    const b = await getPage(srv.base);
    const s1 = await TestSocket.open(srv.port, a.cookie);
    s1.handshake("AAAAAAAAAAAAAAAAAAAAAAAA", a.csrf);
    const r1 = await s1.next();
    expect(r1.type === FrameType.HandshakeReply && r1.status).toBe(ErrorCode.session_expired);
    const s2 = await TestSocket.open(srv.port, a.cookie);
    s2.handshake(b.token, a.csrf);
    const r2 = await s2.next();
    expect(r2.type === FrameType.HandshakeReply && r2.status).toBe(ErrorCode.resume_invalid);
    expect(await s2.whenClosed()).toEqual({
      code: CloseCode.ResumeInvalid,
      reason: ErrorCode.resume_invalid,
    });
    // b's session was not hijacked: its own tab still attaches.
    const own = await TestSocket.open(srv.port, b.cookie);
    expect((await own.attach(b)).status).toBe("ok");
    own.close();
  });
});

describe("adversarial: live sessions", () => {
  it("an oversized frame closes only that socket (1009); another session is untouched", async () => {
    srv = await start({ routes: { "/": Counter }, limits: { maxPayload: 2048 } });
    const [, victim] = await attached();
    const [, bad] = await attached();
    bad.ws.send(new Uint8Array(64 * 1024));
    expect(await bad.whenClosed()).toEqual({ code: CloseCode.MessageTooBig, reason: "" });
    await stillWorks(victim);
    victim.close();
  });

  it("malformed frames get a coded fatal error; other sessions keep working", async () => {
    srv = await start({ routes: { "/": Counter } });
    const [, other] = await attached();
    const cases: [Uint8Array | string, ErrorCode][] = [
      [new Uint8Array([0xff, 0xff, 0xff]), ErrorCode.unknown_type],
      [new Uint8Array([FrameType.Event]), ErrorCode.frame_malformed],
      ["text frame", ErrorCode.frame_malformed],
    ];
    for (const [bytes, code] of cases) {
      const [, s] = await attached();
      s.ws.send(bytes);
      const closed = await s.whenClosed();
      const err = s.frames.find((f) => f.type === FrameType.Error);
      expect(err?.type === FrameType.Error && [err.fatal, err.code === closed.reason]).toEqual([
        true,
        true,
      ]);
      expect(closed.reason).toBe(code);
      noLeak(s.frames);
    }
    await stillWorks(other);
    other.close();
  });

  it("an event flood is answered rate_limited, then closed 1008; others are untouched", async () => {
    srv = await start({ routes: { "/": Counter } });
    const [, other] = await attached();
    const [, flood] = await attached();
    for (let i = 0; i < 400 && flood.closed === undefined; i++) {
      flood.click(4);
      if (i % 50 === 49) await sleep(1);
    }
    expect(await flood.whenClosed()).toEqual({
      code: CloseCode.PolicyViolation,
      reason: ErrorCode.rate_limited,
    });
    const errors = flood.frames.filter((f) => f.type === FrameType.Error);
    expect(errors.length).toBeGreaterThan(1);
    expect(
      errors.every((f) => f.type === FrameType.Error && f.code === ErrorCode.rate_limited),
    ).toBe(true);
    const last = errors.at(-1)!;
    expect(last.type === FrameType.Error && last.fatal).toBe(true);
    noLeak(flood.frames);
    await stillWorks(other);
    other.close();
  });

  it("a connection flood from one IP is refused 429 before the upgrade", async () => {
    srv = await start({ routes: { "/": Counter }, connectionLimits: { perIp: 5 } });
    const origin = `http://127.0.0.1:${srv.port}`;
    const results = [];
    const open: WebSocket[] = [];
    for (let i = 0; i < 8; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/_vango/ws`, { headers: { origin } });
      ws.on("error", () => {});
      results.push(
        await new Promise<number>((resolve) => {
          ws.once("open", () => {
            open.push(ws);
            resolve(101);
          });
          ws.once("unexpected-response", (_q, res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
        }),
      );
    }
    expect(results).toEqual([101, 101, 101, 101, 101, 429, 429, 429]);
    for (const ws of open) ws.close();
  });
});

describe("adversarial: injection through user input", () => {
  it("a javascript: URL typed into an input never reaches href; a safe one does", async () => {
    srv = await start({ routes: { "/": Profile } });
    const [, s] = await attached();
    const typed = (value: string): Promise<ServerFrame> => {
      s.event(3, { type: 3, value });
      return s.next();
    };
    const text = (t: string) => ({ op: PatchOp.SetText, parent: 5, index: 0, text: t });
    const js = await typed("javascript:alert(1)");
    expect(js.type === FrameType.Patches && js.patches).toEqual([
      { op: PatchOp.RemoveAttr, hid: 4, name: "href" },
      text("javascript:alert(1)"),
    ]);
    const spaced = await typed(" JaVa\tScRiPt:alert(1)");
    expect(spaced.type === FrameType.Patches && spaced.patches).toEqual([
      text(" JaVa\tScRiPt:alert(1)"),
    ]);
    const safe = await typed("https://ok.test/");
    expect(safe.type === FrameType.Patches && safe.patches).toEqual([
      { op: PatchOp.SetAttr, hid: 4, name: "href", value: "https://ok.test/" },
      text("https://ok.test/"),
    ]);
    const back = await typed("data:text/html,<script>alert(2)</script>");
    expect(back.type === FrameType.Patches && back.patches).toEqual([
      { op: PatchOp.RemoveAttr, hid: 4, name: "href" },
      text("data:text/html,<script>alert(2)</script>"),
    ]);
    s.close();
  });

  it("on* attributes and script URLs spread from user JSON are dropped", async () => {
    srv = await start({ routes: { "/": Profile } });
    const [, s] = await attached();
    const payload = JSON.stringify({
      onclick: "alert(1)",
      onMouseOver: "alert(2)",
      ONERROR: "alert(3)",
      href: "javascript:alert(4)",
      title: "hello",
    });
    s.event(3, { type: 3, value: payload });
    const f = await s.next();
    expect(f.type === FrameType.Patches && f.patches).toEqual([
      { op: PatchOp.SetAttr, hid: 4, name: "title", value: "hello" },
      { op: PatchOp.RemoveAttr, hid: 4, name: "href" },
      { op: PatchOp.SetText, parent: 5, index: 0, text: payload },
    ]);
    // A fresh page (SSR) for the same tab shows no handler attribute either.
    expect((await getPage(srv.base)).html).not.toMatch(/\son[a-z]+=|javascript:/i);
    s.close();
  });
});

describe("adversarial: protocol version", () => {
  it("refuses an unsupported protocol version with version_unsupported", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    s.send({
      type: FrameType.Handshake,
      version: PROTOCOL_VERSION + 100,
      csrf: p.csrf,
      resumeToken: p.token,
      lastSeq: 0,
      viewport: { w: 1, h: 1 },
      tzOffset: 0,
      features: 0,
    });
    const closed = await s.whenClosed();
    expect(closed.reason).toBe(ErrorCode.version_unsupported);
    noLeak(s.frames);
  });
});
