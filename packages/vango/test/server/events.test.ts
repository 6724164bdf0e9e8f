import { afterEach, describe, expect, it } from "vitest";
import { CloseCode, FrameType, PatchOp } from "../../src/protocol/constants.ts";
import { Counter, Ordering, Thrower } from "./fixtures.tsx";
import { captureLogger, getPage, type Running, start, TestSocket } from "./helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

async function connect(path = "/") {
  const p = await getPage(srv!.base, path);
  const s = await TestSocket.open(srv!.port, p.cookie);
  await s.attach(p);
  return { p, s };
}

describe("events and patches", () => {
  it("a click produces one exact Patches frame with seq 1 and the event's cseq", async () => {
    srv = await start({ routes: { "/": Counter } });
    const { s } = await connect();
    s.click(4);
    expect(await s.next()).toEqual({
      type: FrameType.Patches,
      seq: 1,
      cseq: 1,
      patches: [{ op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 1" }],
    });
    s.click(4);
    expect(await s.next()).toEqual({
      type: FrameType.Patches,
      seq: 2,
      cseq: 2,
      patches: [{ op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 2" }],
    });
  });

  it("runs a session's events one at a time: the second waits for the async first", async () => {
    srv = await start({ routes: { "/": Ordering } });
    const { s } = await connect();
    s.click(4); // slow
    s.click(5); // fast
    const texts: string[] = [];
    while (texts.at(-1) !== "slow-start,slow-end,fast") {
      const f = await s.next();
      if (f.type === FrameType.Patches) {
        for (const p of f.patches) if (p.op === PatchOp.SetText) texts.push(p.text);
      }
    }
    expect(texts).toEqual(["slow-start", "slow-start,slow-end", "slow-start,slow-end,fast"]);
  });

  it("sessions run independently: a slow handler in one does not delay another", async () => {
    // A handler slow enough that "not delayed" stays clear of a busy machine's stalls.
    const SLOW_MS = 600;
    srv = await start({ routes: { "/": () => Ordering({ ms: SLOW_MS }) } });
    const a = await connect();
    const b = await connect();
    a.s.click(4);
    const t0 = performance.now();
    b.s.click(5);
    let f = await b.s.next();
    expect(f.type === FrameType.Patches && f.patches).toEqual([
      { op: PatchOp.SetText, parent: 3, index: 0, text: "fast" },
    ]);
    expect(performance.now() - t0).toBeLessThan(SLOW_MS - 200);
    f = await a.s.next();
    expect(f.type).toBe(FrameType.Patches);
  });

  it("a throwing handler gives a non-fatal handler_error; its writes render; the session lives on", async () => {
    const logger = captureLogger();
    srv = await start({ routes: { "/": Thrower }, logger });
    const { s } = await connect();
    s.click(4);
    // The write before the throw renders in the same tick, then the error is reported.
    expect(await s.next()).toEqual({
      type: FrameType.Patches,
      seq: 1,
      cseq: 1,
      patches: [{ op: PatchOp.SetText, parent: 3, index: 0, text: "1" }],
    });
    expect(await s.next()).toEqual({
      type: FrameType.Error,
      code: "handler_error",
      fatal: false,
      cseq: 1,
      message: "",
    });
    s.click(5);
    const f = await s.next();
    expect(f.type === FrameType.Patches && f.patches).toEqual([
      { op: PatchOp.SetText, parent: 3, index: 0, text: "11" },
    ]);
    const logged = logger.entries.find((e) => e.msg === "event handler failed")!;
    expect(logged.level).toBe("error");
    expect((logged.obj as { err: Error }).err.message).toBe("handler exploded");
  });

  it("drops a duplicate or stale cseq", async () => {
    srv = await start({ routes: { "/": Counter } });
    const { s } = await connect();
    s.click(4, 5);
    await s.next();
    s.click(4, 5);
    s.click(4, 3);
    expect(await s.quiet(60)).toEqual([]);
    s.click(4, 6);
    const f = await s.next();
    expect(f.type === FrameType.Patches && [f.seq, f.cseq]).toEqual([2, 6]);
  });

  it("ignores events for hids or event names nobody listens to", async () => {
    srv = await start({ routes: { "/": Counter } });
    const { s } = await connect();
    s.click(999);
    s.click(3);
    s.event(4, { type: 3, value: "x" });
    expect(await s.quiet(60)).toEqual([]);
  });

  it("a malformed frame gets a fatal frame_malformed and a coded close; other sessions are unaffected", async () => {
    srv = await start({ routes: { "/": Counter } });
    const a = await connect();
    const b = await connect();
    a.s.ws.send(new Uint8Array([FrameType.Event, 0xff, 0xff, 0xff]));
    expect(await a.s.next()).toEqual({
      type: FrameType.Error,
      code: "frame_malformed",
      fatal: true,
      cseq: 0,
      message: "",
    });
    expect(await a.s.whenClosed()).toEqual({
      code: CloseCode.Malformed,
      reason: "frame_malformed",
    });
    b.s.click(4);
    const f = await b.s.next();
    expect(f.type === FrameType.Patches && f.patches).toEqual([
      { op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 1" },
    ]);
  });

  it("a text message is frame_malformed; an oversized one closes with 1009 and no crash", async () => {
    srv = await start({ routes: { "/": Counter }, limits: { maxPayload: 1024 } });
    const a = await connect();
    a.s.ws.send("hello");
    const e = await a.s.next();
    expect(e.type === FrameType.Error && e.code).toBe("frame_malformed");
    const b = await connect();
    b.s.ws.send(new Uint8Array(4096));
    expect((await b.s.whenClosed()).code).toBe(1009);
    const c = await connect();
    c.s.click(4);
    expect((await c.s.next()).type).toBe(FrameType.Patches);
  });

  it("answers a Ping frame with a Pong carrying the nonce", async () => {
    srv = await start({ routes: { "/": Counter } });
    const { s } = await connect();
    s.send({ type: FrameType.Ping, nonce: 77 });
    expect(await s.next()).toEqual({ type: FrameType.Pong, nonce: 77 });
  });

  it("event middleware wraps handlers and sees the patch count", async () => {
    const seen: unknown[] = [];
    srv = await start({
      routes: { "/": Counter },
      eventMiddleware: [
        async (ctx, next) => {
          seen.push(["before", ctx.eventName, ctx.hid, ctx.cseq, ctx.route]);
          await next();
          seen.push(["after", ctx.patchCount]);
        },
      ],
    });
    const { s } = await connect();
    s.click(4);
    await s.next();
    expect(seen).toEqual([
      ["before", "click", 4, 1, "/"],
      ["after", 1],
    ]);
  });
});
