/**
 * Regression (issue 10, defect 6): errors were invisible to a developer — a throwing
 * handler gave only an empty `vango:error`, a throwing render left the page silently
 * stale. In devMode the Error frame now carries a report (code, message, source
 * location, component stack); in production it carries nothing, and the next render
 * that succeeds recovers the page.
 */
import { describe, expect, it } from "vitest";
import { decodeServerFrame, encodeClientFrame } from "../../../src/protocol/client-codec.ts";
import { EventType, FrameType, PROTOCOL_VERSION } from "../../../src/protocol/constants.ts";
import type { ErrorFrame, ServerFrame } from "../../../src/protocol/frame.ts";
import { signal } from "../../../src/reactive/index.ts";
import { assembleApp } from "../../../src/server/assemble.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";
import { randomToken } from "../../../src/server/core/tokens.ts";
import type { Session } from "../../../src/server/session/session.ts";
import { Connection } from "../../../src/server/ws/connection.ts";
import { MemoryTransport } from "../../../src/testing/memory-transport.ts";

const broken = signal(false);

function Row() {
  return () => {
    if (broken()) throw new Error("row broke");
    return <li>fine</li>;
  };
}

function List() {
  return () => (
    <ul>
      <Row />
    </ul>
  );
}

function Page() {
  return () => (
    <main>
      <button type="button" onClick={() => broken.set(true)}>
        break
      </button>
      <button
        type="button"
        onClick={() => {
          throw new Error("handler broke");
        }}
      >
        throw
      </button>
      <List />
    </main>
  );
}

function connect(devMode: boolean) {
  broken.set(false);
  const rt = assembleApp({
    routes: { "/": Page },
    logger: silentLogger,
    devMode,
    metrics: false,
    health: false,
    v8Tuning: false,
    rateLimit: false,
    connectionLimits: false,
  });
  const sid = randomToken();
  const session = rt.openSession("/", sid) as Session;
  const t = new MemoryTransport();
  const conn = new Connection(rt.connectionHost, t, sid);
  conn.onMessage(
    encodeClientFrame({
      type: FrameType.Handshake,
      version: PROTOCOL_VERSION,
      csrf: rt.csrf.sign(sid),
      resumeToken: session.token,
      lastSeq: 0,
      viewport: { w: 1, h: 1 },
      tzOffset: 0,
      features: 0,
    }),
  );
  t.take();
  let cseq = 0;
  const click = async (hid: number): Promise<ServerFrame[]> => {
    conn.onMessage(
      encodeClientFrame({
        type: FrameType.Event,
        cseq: ++cseq,
        hid,
        event: { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 },
      }),
    );
    await session.settled();
    return t.take().map((b) => decodeServerFrame(b));
  };
  return { click, session };
}

const errorOf = (frames: ServerFrame[], code?: string) =>
  frames.find((f): f is ErrorFrame => f.type === FrameType.Error && (code ?? f.code) === f.code);

describe("error reports", () => {
  it("devMode: a throwing render reports message, location and component stack", async () => {
    const { click, session } = connect(true);
    const e = errorOf(await click(3));
    expect(e?.code).toBe("render_error");
    expect(e?.message).toContain("render_error: render of Row: row broke");
    expect(e?.message).toMatch(
      /at packages\/vango\/test\/server\/session\/dev-errors\.test\.tsx:\d+:\d+/,
    );
    expect(e?.message).toContain("component stack: Row ← List ← Page");
    session.dispose();
  });

  it("devMode: a throwing handler reports its message and where it threw", async () => {
    const { click, session } = connect(true);
    const e = errorOf(await click(4));
    expect([e?.code, e?.fatal]).toEqual(["handler_error", false]);
    expect(e?.message).toContain("handler_error: handler broke");
    expect(e?.message).toContain("dev-errors.test.tsx");
    session.dispose();
  });

  it("production: nothing leaks, and the next good render recovers the page", async () => {
    const { click, session } = connect(false);
    const frames = await click(3);
    expect(errorOf(frames)).toMatchObject({ code: "render_error", message: "" });
    const handler = errorOf(await click(4), "handler_error");
    expect(handler).toMatchObject({ code: "handler_error", message: "" });
    broken.set(false);
    await session.settled();
    expect(JSON.stringify(session.root.root)).toContain("fine");
    session.dispose();
  });
});
