/**
 * The load client's LiveViewJS side (the peer in `bench/peers/liveviewjs`): GET the
 * page (session cookie, CSRF meta, `data-phx-session`, view id), open the socket, join
 * the view over the Phoenix channel protocol (JSON arrays `[joinRef, ref, topic, event,
 * payload]`, `vsn=2.0.0`) and click `phx-click="inc"`, matching each `phx_reply` to its
 * event by ref to time the round trip. The same surface as {@link LoadSession}, so the
 * same load runs drive either server.
 */
import WebSocket from "ws";
import { getPage } from "./protocol-client.ts";

interface PhxBoot {
  readonly cookie: string;
  readonly csrf: string;
  readonly session: string;
  readonly topic: string;
}

/** GETs `/` from the peer and extracts what the join needs. */
export async function fetchPhxBoot(port: number): Promise<PhxBoot> {
  const { body, cookie, status } = await getPage(port, "/");
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(body)?.[1];
  const session = /data-phx-session="([^"]+)"/.exec(body)?.[1];
  const id = /id="(phx-[^"]+)"/.exec(body)?.[1];
  if (!csrf || !session || !id || !cookie) throw new Error(`bad peer page (HTTP ${status})`);
  return { cookie, csrf, session, topic: `lv:${id}` };
}

export class PhxLoadSession {
  readonly ws: WebSocket;
  readonly rtts: number[] = [];
  readonly sentStamps: number[] = [];
  recordFrom = 0;
  bytesIn = 0;
  bytesOut = 0;
  readonly #topic: string;
  #ref = 1;
  #sentAt = new Map<string, number>();
  #onJoin: (() => void) | undefined;

  private constructor(ws: WebSocket, topic: string) {
    this.ws = ws;
    this.#topic = topic;
    ws.on("error", () => {});
    ws.on("message", (data: Buffer) => {
      this.bytesIn += data.byteLength;
      const m = JSON.parse(data.toString("utf8")) as [string, string, string, string, unknown];
      if (m[3] !== "phx_reply") return;
      const ref = m[1];
      if (ref === "1") {
        this.#onJoin?.();
        return;
      }
      const t0 = this.#sentAt.get(ref);
      if (t0 === undefined) return;
      if (t0 >= this.recordFrom) {
        this.rtts.push(performance.now() - t0);
        this.sentStamps.push(t0);
      }
      this.#sentAt.delete(ref);
    });
  }

  /** GET + connect + join. */
  static async open(port: number): Promise<PhxLoadSession> {
    const boot = await fetchPhxBoot(port);
    const q = `_csrf_token=${encodeURIComponent(boot.csrf)}&vsn=2.0.0`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/live/websocket?${q}`, {
      headers: { cookie: boot.cookie, origin: `http://127.0.0.1:${port}` },
      perMessageDeflate: false,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const s = new PhxLoadSession(ws, boot.topic);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("peer join not answered in 10 s")), 10_000);
      s.#onJoin = () => {
        clearTimeout(timer);
        resolve();
      };
      s.#send([
        "1",
        "1",
        boot.topic,
        "phx_join",
        {
          url: `http://127.0.0.1:${port}/`,
          params: { _csrf_token: boot.csrf, _mounts: 0 },
          session: boot.session,
          static: "",
        },
      ]);
    });
    return s;
  }

  /** Clicks the "+" button (`phx-click="inc"`); `hid` is Vango's and ignored here. */
  click(_hid: number): void {
    const ref = String(++this.#ref);
    this.#sentAt.set(ref, performance.now());
    this.#send(["1", ref, this.#topic, "event", { type: "click", event: "inc", value: {} }]);
  }

  /** Phoenix has no acks. */
  sendAck(): void {}

  get inFlight(): number {
    return this.#sentAt.size;
  }

  close(): void {
    this.ws.terminate();
  }

  #send(m: unknown[]): void {
    const text = JSON.stringify(m);
    this.bytesOut += Buffer.byteLength(text);
    this.ws.send(text);
  }
}
