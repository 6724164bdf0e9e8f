// @vitest-environment happy-dom
/**
 * Regression (issue 10, defect 1): an update made between the page GET and the socket's
 * attach was never shown — the handshake reply said `nextSeq = seq + 1`, the client
 * jumped to it, then dropped the resent frame as old. Here the real browser client
 * (happy-dom) talks to the real session core in-process, and every interleaving of
 * server renders (U), the socket opening with its handshake (O) and frame delivery (D)
 * must end with the browser showing what the server shows.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { startClient, type VangoClient } from "../../../src/client/client.ts";
import { PROTOCOL_VERSION, WS_PATH } from "../../../src/protocol/constants.ts";
import { ROOT_ID } from "../../../src/protocol/dom-attrs.ts";
import { signal } from "../../../src/reactive/index.ts";
import { serializeHost } from "../../../src/render/serialize-host.ts";
import { assembleApp } from "../../../src/server/assemble.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";
import { randomToken } from "../../../src/server/core/tokens.ts";
import type { Session } from "../../../src/server/session/session.ts";
import { Connection } from "../../../src/server/ws/connection.ts";
import { MemoryTransport } from "../../../src/testing/memory-transport.ts";

/** The browser's WebSocket, wired to a server `Connection` over a memory transport. */
class BridgeSocket {
  static current: BridgeSocket | undefined;
  static connect: (s: BridgeSocket) => Connection;
  binaryType = "blob";
  readyState = 0;
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: { data: ArrayBuffer }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  readonly transport = new MemoryTransport();
  conn: Connection | undefined;

  constructor() {
    BridgeSocket.current = this;
  }

  /** The socket opens: the client sends its handshake, which the server handles at once. */
  open(): void {
    this.conn = BridgeSocket.connect(this);
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }

  send(bytes: Uint8Array): void {
    this.conn!.onMessage(new Uint8Array(bytes));
  }

  /** Delivers every frame the server sent so far. */
  deliver(): void {
    for (const b of this.transport.take()) {
      this.onmessage?.({ data: b.slice().buffer as ArrayBuffer });
    }
  }

  close(): void {
    this.readyState = 3;
  }
}

function setup() {
  const count = signal(0);
  const Page = () => () => <p>value {count()}</p>;
  const rt = assembleApp({
    routes: { "/": Page },
    logger: silentLogger,
    metrics: false,
    health: false,
    v8Tuning: false,
    rateLimit: false,
    connectionLimits: false,
  });
  const sid = randomToken();
  const session = rt.openSession("/", sid) as Session;
  let html = "";
  for (const c of session.root.root.children) html += serializeHost(c);
  document.body.innerHTML = `<div id="${ROOT_ID}" data-hid="1">${html}</div>`;
  BridgeSocket.connect = (s) => new Connection(rt.connectionHost, s.transport, sid);
  vi.stubGlobal("WebSocket", BridgeSocket);
  const client = startClient(document, {
    v: PROTOCOL_VERSION,
    ws: WS_PATH,
    token: session.token,
    csrf: rt.csrf.sign(sid),
  });
  const update = (): void => {
    count.set(count() + 1);
    session.flush();
  };
  return { session, client, update, count };
}

const shown = () => document.getElementById(ROOT_ID)!.textContent;

let running: { client: VangoClient; session: Session } | undefined;
afterEach(() => {
  running?.client.stop();
  running?.session.dispose();
  running = undefined;
  vi.unstubAllGlobals();
});

/** Every sequence over U, O, D with exactly one O, up to `max` steps, D only after O. */
function orderings(max: number): string[] {
  const out: string[] = [];
  const grow = (seq: string): void => {
    if (seq.includes("O")) out.push(seq);
    if (seq.length === max) return;
    grow(`${seq}U`);
    if (!seq.includes("O")) grow(`${seq}O`);
    else grow(`${seq}D`);
  };
  grow("");
  return out;
}

describe("updates made before and around the socket's attach reach the browser", () => {
  const all = orderings(6);

  it(`in every ordering of render, handshake and delivery (${all.length} orderings)`, () => {
    const failures: string[] = [];
    for (const order of all) {
      const t = setup();
      running = t;
      for (const step of order) {
        if (step === "U") t.update();
        else if (step === "O") BridgeSocket.current!.open();
        else BridgeSocket.current!.deliver();
      }
      BridgeSocket.current!.deliver();
      const want = `value ${t.count()}`;
      if (shown() !== want) failures.push(`${order}: shows "${shown()}", server "${want}"`);
      t.client.stop();
      t.session.dispose();
      running = undefined;
    }
    expect(failures).toEqual([]);
  });

  it("the client asks for a resync after a gap and still converges", () => {
    const t = setup();
    running = t;
    t.update();
    BridgeSocket.current!.open();
    const s = BridgeSocket.current!;
    // Drop the reply's catch-up frame on the floor, keep the reply: the next frame is a gap.
    const [replyFrame] = s.transport.take();
    s.onmessage?.({ data: replyFrame!.slice().buffer as ArrayBuffer });
    t.update();
    s.deliver(); // frame 2 arrives while the client is at 0: it asks for frames after 0
    s.deliver(); // the resent frames
    expect(shown()).toBe(`value ${t.count()}`);
  });
});
