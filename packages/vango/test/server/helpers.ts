/**
 * Test helpers: a real app on an ephemeral 127.0.0.1 port and a protocol client on `ws`
 * speaking the shared codec.
 */
import type { Server } from "node:http";
import WebSocket from "ws";
import { decodeServerFrame, encodeClientFrame } from "../../src/protocol/client-codec.ts";
import { FrameType, PROTOCOL_VERSION } from "../../src/protocol/constants.ts";
import type { ClientFrame, HandshakeReplyFrame, ServerFrame } from "../../src/protocol/frame.ts";
import { type App, createApp } from "../../src/server/app.ts";
import type { AppOptions } from "../../src/server/config/options.ts";
import type { Logger } from "../../src/server/core/logger.ts";
import { MemorySessionStore } from "../../src/server/session/stores/memory-store.ts";

export { until } from "../until.ts";

export const fakeClient = async () => ({ code: "/* vango client */", hash: "0123abcd" });

export interface Captured extends Logger {
  readonly entries: { level: string; obj: object; msg?: string }[];
}

export function captureLogger(): Captured {
  const entries: { level: string; obj: object; msg?: string }[] = [];
  const mk = (level: string) => (obj: object, msg?: string) => {
    entries.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
  };
  return { entries, debug: mk("debug"), info: mk("info"), warn: mk("warn"), error: mk("error") };
}

export interface Running {
  readonly app: App;
  /** The HTTP server `listen()` made. */
  readonly server: Server;
  readonly port: number;
  readonly base: string;
  close(): Promise<void>;
}

export async function start(
  opts: Partial<AppOptions> & Pick<AppOptions, "routes">,
): Promise<Running> {
  const app = createApp({
    clientBuilder: fakeClient,
    logger: captureLogger(),
    // In memory unless a test asks otherwise: tests never share a state folder.
    persistence: { store: new MemorySessionStore() },
    ...opts,
  });
  const l = await app.listen(0);
  return {
    app,
    server: l.server,
    port: l.port,
    base: `http://127.0.0.1:${l.port}`,
    close: () => l.close(),
  };
}

export interface Page {
  readonly status: number;
  readonly html: string;
  readonly cookie: string;
  readonly token: string;
  readonly csrf: string;
  readonly headers: Headers;
}

/** GETs a page and extracts the session cookie and the boot data. */
export async function getPage(base: string, path = "/", cookie?: string): Promise<Page> {
  const res = await fetch(base + path, cookie ? { headers: { cookie } } : {});
  const html = await res.text();
  const set = res.headers.get("set-cookie");
  const m = /<script type="application\/json" id="vango-boot">(.*?)<\/script>/.exec(html);
  const boot = m ? (JSON.parse(m[1]!) as { token: string; csrf: string }) : { token: "", csrf: "" };
  return {
    status: res.status,
    html,
    cookie: cookie ?? (set ? set.split(";")[0]! : ""),
    token: boot.token,
    csrf: boot.csrf,
    headers: res.headers,
  };
}

/** A protocol client over a real WebSocket with a frame inbox. */
export class TestSocket {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  readonly raw: Uint8Array[] = [];
  closed: { code: number; reason: string } | undefined;
  #waiters: (() => void)[] = [];
  #cseq = 0;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data: Buffer) => {
      const bytes = new Uint8Array(data);
      this.raw.push(bytes);
      this.frames.push(decodeServerFrame(bytes));
      this.#wake();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
    ws.on("error", () => {});
  }

  static open(port: number, cookie: string, origin?: string): Promise<TestSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/_vango/ws`, {
      headers: { cookie, origin: origin ?? `http://127.0.0.1:${port}` },
    });
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new TestSocket(ws)));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), {
            status: res.statusCode,
            headers: res.headers,
          }),
        ),
      );
    });
  }

  send(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame));
  }

  handshake(token: string | null, csrf: string, lastSeq = 0): void {
    this.send({
      type: FrameType.Handshake,
      version: PROTOCOL_VERSION,
      csrf,
      resumeToken: token,
      lastSeq,
      viewport: { w: 800, h: 600 },
      tzOffset: 0,
      features: 3,
    });
  }

  /** Handshakes and returns the reply (throws on refusal). */
  async attach(page: Page, lastSeq = 0): Promise<HandshakeReplyFrame> {
    this.handshake(page.token, page.csrf, lastSeq);
    const r = await this.next();
    if (r.type !== FrameType.HandshakeReply) throw new Error(`expected reply, got ${r.type}`);
    return r;
  }

  event(hid: number, event: Extract<ClientFrame, { type: 3 }>["event"], cseq?: number): number {
    const c = cseq ?? ++this.#cseq;
    if (c > this.#cseq) this.#cseq = c;
    this.send({ type: FrameType.Event, cseq: c, hid, event });
    return c;
  }

  click(hid: number, cseq?: number): number {
    return this.event(hid, { type: 1, x: 0, y: 0, button: 0, mods: 0 }, cseq);
  }

  /** Next frame (consumed), waiting up to `ms`. */
  async next(ms = 2000): Promise<ServerFrame> {
    const deadline = Date.now() + ms;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error(`socket closed ${this.closed.code} ${this.closed.reason}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timeout waiting for a frame");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.frames.shift()!;
  }

  /** Resolves with the close code and reason. */
  async whenClosed(ms = 2000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timeout waiting for close");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.closed;
  }

  /** Waits `ms` and asserts nothing arrived meanwhile (returns what did). */
  async quiet(ms = 50): Promise<ServerFrame[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.frames.splice(0);
  }

  close(): void {
    this.ws.close();
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
