/**
 * Adversarial suite: real sockets on 127.0.0.1 against a real app. Every attack is
 * refused or neutralised with the right code, nothing leaks (error frames carry no
 * message), and other sessions keep working.
 */

import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { encodeClientFrame } from "../../src/protocol/client-codec.ts";
import { CloseCode, EventType, FrameType, PROTOCOL_VERSION } from "../../src/protocol/constants.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import type { ServerFrame } from "../../src/protocol/frame.ts";
import { NodeKind, PatchOp, type WireNode } from "../../src/protocol/patch.ts";
import { signal } from "../../src/reactive/signal.ts";
import { Connection } from "../../src/server/ws/connection.ts";
import { Counter } from "./fixtures.tsx";
import {
  captureLogger,
  getPage,
  type Page,
  type Running,
  sleep,
  start,
  TestSocket,
} from "./helpers.ts";

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

function hookFrame(payload: null[]): Uint8Array {
  return encodeClientFrame({
    type: FrameType.Event,
    cseq: 1,
    hid: 2,
    event: { type: EventType.Hook, name: "h", payload },
  });
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
    expect(srv.app.sessions.counts()).toEqual({
      total: 1,
      pending: 1,
      attached: 0,
      detached: 0,
      parked: 0,
    });
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

  it("refuses forged resume tokens: unknown → session_not_found, another tab's → resume_invalid", async () => {
    srv = await start({ routes: { "/": Counter } });
    const a = await getPage(srv.base);
    const b = await getPage(srv.base);
    const s1 = await TestSocket.open(srv.port, a.cookie);
    s1.handshake("AAAAAAAAAAAAAAAAAAAAAAAA", a.csrf);
    const r1 = await s1.next();
    expect(r1.type === FrameType.HandshakeReply && r1.status).toBe(ErrorCode.session_not_found);
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

describe("adversarial: app callbacks that throw", () => {
  it("a throwing userOf refuses the upgrade with 500 internal_error; the process and other sessions survive", async () => {
    const logger = captureLogger();
    let fail = false;
    srv = await start({
      routes: { "/": Counter },
      logger,
      rateLimit: false,
      userOf: () => {
        if (fail) throw new Error("auth backend down");
        return "u1";
      },
    });
    const [, other] = await attached();
    fail = true;
    const p = await getPage(srv.base);
    expect(await upgradeStatus(srv.port, { origin: srv.base, cookie: p.cookie })).toEqual({
      status: 500,
      code: ErrorCode.internal_error,
    });
    expect(
      logger.entries
        .filter((e) => e.level === "error")
        .map((e) => (e.obj as { code?: string }).code),
    ).toContain(ErrorCode.internal_error);
    await stillWorks(other);
    other.close();
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
      // Collections in client frames are capped at 16,000 items by default.
      [hookFrame(new Array(16_001).fill(null)), ErrorCode.limit_exceeded],
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

/** Nests `n` divs; past the protocol's hard depth cap the tree cannot be encoded. */
function Deep(props: { n: number }) {
  let node = <span>leaf</span>;
  for (let i = 0; i < props.n; i++) node = <div>{node}</div>;
  return node;
}

function anchorAttrs(root: WireNode): Record<string, string> | undefined {
  if (root.kind !== NodeKind.Element) return undefined;
  if (root.tag === "a") return root.attrs;
  for (const c of root.children) {
    const found = anchorAttrs(c);
    if (found !== undefined) return found;
  }
  return undefined;
}

describe("adversarial: unencodable state never crashes the process", () => {
  it("an attribute name with a lone surrogate from user JSON is dropped; a full resync still encodes", async () => {
    srv = await start({ routes: { "/": Profile, "/counter": Counter } });
    const [, other] = await attached("/counter");
    const [, s] = await attached();
    // JSON escapes decode to a lone surrogate in the attribute *name*.
    const payload = '{"a\\ud800":"x","title":"t"}';
    s.event(3, { type: 3, value: payload });
    const f = await s.next();
    expect(f.type === FrameType.Patches && f.patches).toEqual([
      { op: PatchOp.SetAttr, hid: 4, name: "href", value: payload },
      { op: PatchOp.SetAttr, hid: 4, name: "title", value: "t" },
      { op: PatchOp.SetText, parent: 5, index: 0, text: payload },
    ]);
    s.send({ type: FrameType.ResyncRequest, lastSeq: 999, full: false });
    const full = await s.next();
    expect(full.type).toBe(FrameType.FullResync);
    expect(full.type === FrameType.FullResync && anchorAttrs(full.root)).toEqual({
      href: payload,
      title: "t",
    });
    await stillWorks(other);
    s.close();
    other.close();
  });

  it("a full resync that cannot be encoded ends only that session (encode_invalid, then reload); others keep working", async () => {
    const logger = captureLogger();
    srv = await start({
      routes: { "/": () => <Deep n={1100} />, "/counter": Counter },
      logger,
    });
    const [, other] = await attached("/counter");
    const [, s] = await attached();
    s.send({ type: FrameType.ResyncRequest, lastSeq: 999, full: false });
    const gone = { code: CloseCode.SessionGone, reason: ErrorCode.session_expired };
    expect(await s.whenClosed()).toEqual(gone);
    expect(s.frames).toEqual([
      { type: FrameType.Error, code: ErrorCode.encode_invalid, fatal: false, cseq: 0, message: "" },
      { type: FrameType.Close, code: CloseCode.SessionGone, reason: ErrorCode.session_expired },
    ]);
    expect(logger.entries.filter((e) => e.level === "error").map((e) => e.obj)).toEqual([
      expect.objectContaining({ code: ErrorCode.encode_invalid }),
    ]);
    expect(srv.app.sessions.counts()).toEqual({
      total: 1,
      pending: 0,
      attached: 1,
      detached: 0,
      parked: 0,
    });
    await stillWorks(other);
    // The same failure at handshake time (resume from a seq the history does not hold).
    const p = await getPage(srv.base);
    const again = await TestSocket.open(srv.port, p.cookie);
    expect((await again.attach(p, 999)).status).toBe("ok");
    expect(await again.whenClosed()).toEqual(gone);
    expect(again.frames.map((f) => f.type === FrameType.Error && f.code)).toEqual([
      ErrorCode.encode_invalid,
      false,
    ]);
    await stillWorks(other);
    other.close();
  });

  it("an unexpected throw while handling a message fails that socket with internal_error only", async () => {
    srv = await start({ routes: { "/": Counter } });
    const [, other] = await attached();
    const [, s] = await attached();
    const spy = vi.spyOn(Connection.prototype, "onMessage").mockImplementationOnce(() => {
      throw new Error("boom");
    });
    try {
      s.click(4);
      const closed = await s.whenClosed();
      const err = s.frames.find((f) => f.type === FrameType.Error);
      expect(err?.type === FrameType.Error && [err.code, err.fatal]).toEqual([
        ErrorCode.internal_error,
        true,
      ]);
      expect(closed).toEqual({
        code: CloseCode.InternalError,
        reason: ErrorCode.internal_error,
      });
      noLeak(s.frames);
    } finally {
      spy.mockRestore();
    }
    await stillWorks(other);
    other.close();
  });
});
