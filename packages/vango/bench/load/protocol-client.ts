/**
 * A minimal Vango protocol client on `ws` for load tests: GET the page (cookie + boot
 * JSON), open the socket, handshake, fire clicks and match each Patches frame to its
 * event by cseq to time the round trip.
 */
import { request } from "node:http";
import WebSocket from "ws";
import { ACK_MS } from "../../src/client/client.ts";
import { decodeServerFrame, encodeClientFrame } from "../../src/protocol/client-codec.ts";
import { EventType, FrameType, PROTOCOL_VERSION } from "../../src/protocol/constants.ts";

export interface Boot {
  readonly cookie: string;
  readonly token: string;
  readonly csrf: string;
}

/**
 * The headers Chromium 131 sends with a page navigation, with the cookies a returning
 * visitor of a site with analytics and a consent banner carries: what a session keeps of
 * its page request with a real browser. `VANGO_BENCH_BROWSER=1` sends them with every
 * page GET; without it the GET carries Node's few (host, connection).
 */
export const BROWSER_HEADERS: Readonly<Record<string, string>> = {
  "sec-ch-ua": '"Chromium";v="131", "Not_A Brand";v="24"',
  "sec-ch-ua-mobile": "?0",
  "sec-ch-ua-platform": '"Linux"',
  "upgrade-insecure-requests": "1",
  "user-agent":
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  accept:
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
  "sec-fetch-site": "none",
  "sec-fetch-mode": "navigate",
  "sec-fetch-user": "?1",
  "sec-fetch-dest": "document",
  "accept-encoding": "gzip, deflate, br, zstd",
  "accept-language": "en-US,en;q=0.9",
  cookie:
    "_ga=GA1.1.1408207125.1733481632; _ga_Q2W8E4R6T9=GS1.1.1733481632.3.1.1733483511.0.0.0; " +
    "_gid=GA1.2.871220345.1733481632; _fbp=fb.1.1733481632418.937215064; " +
    "consent=necessary%2Canalytics; theme=dark",
};

/** The page GET's headers, when they are a browser's (`VANGO_BENCH_BROWSER=1`). */
export const PAGE_HEADERS = process.env.VANGO_BENCH_BROWSER === "1" ? BROWSER_HEADERS : undefined;

/** A page GET's answer: its body, its first `Set-Cookie` as `name=value`, its status. */
export interface PageAnswer {
  readonly body: string;
  readonly cookie: string | undefined;
  readonly status: number | undefined;
}

/** GETs `path`, with a browser's headers when `PAGE_HEADERS` are set. */
export function getPage(port: number, path: string): Promise<PageAnswer> {
  return new Promise((resolve, reject) => {
    const opts = { host: "127.0.0.1", port, path, method: "GET", agent: false };
    const req = request(
      PAGE_HEADERS === undefined ? opts : { ...opts, headers: PAGE_HEADERS },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => {
          const cookie = res.headers["set-cookie"]?.[0]?.split(";")[0];
          resolve({ body, cookie, status: res.statusCode });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** GETs `path` and extracts the session cookie and the boot data. */
export async function fetchBoot(port: number, path = "/"): Promise<Boot> {
  const { body, cookie, status } = await getPage(port, path);
  const m = /id="vango-boot">(.*?)<\/script>/.exec(body);
  if (!m || !cookie) throw new Error(`bad page (HTTP ${status})`);
  const boot = JSON.parse(m[1]!) as { token: string; csrf: string };
  return { cookie, token: boot.token, csrf: boot.csrf };
}

export class LoadSession {
  /**
   * As the browser client (default `ACK_MS`): the first unacked Patches frame starts a
   * timer of this many ms, which then acks the highest seq received. 0 acks every frame
   * at once (what the client did before acks were coalesced).
   */
  static ackDelayMs = ACK_MS;
  readonly ws: WebSocket;
  /** Round-trip times (ms) of completed events sent at or after {@link recordFrom}. */
  readonly rtts: number[] = [];
  /** Send stamps (`performance.now()`) of the recorded events, parallel to {@link rtts}. */
  readonly sentStamps: number[] = [];
  /** `performance.now()` before which events are warm-up and not recorded. */
  recordFrom = 0;
  bytesIn = 0;
  bytesOut = 0;
  #cseq = 0;
  #sentAt = new Map<number, number>();
  #onReply: ((status: string) => void) | undefined;
  #ackDue = 0;
  #ackTimer: NodeJS.Timeout | undefined = undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("error", () => {});
    ws.on("message", (data: Buffer) => {
      this.bytesIn += data.byteLength;
      const f = decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (f.type === FrameType.HandshakeReply) {
        this.#onReply?.(f.status);
      } else if (f.type === FrameType.Patches) {
        const t0 = this.#sentAt.get(f.cseq);
        if (t0 !== undefined) {
          if (t0 >= this.recordFrom) {
            this.rtts.push(performance.now() - t0);
            this.sentStamps.push(t0);
          }
          this.#sentAt.delete(f.cseq);
        }
        if (LoadSession.ackDelayMs > 0) {
          this.#ackDue = f.seq;
          this.#ackTimer ??= setTimeout(() => this.sendAck(), LoadSession.ackDelayMs);
        } else {
          this.#send(encodeClientFrame({ type: FrameType.Ack, seq: f.seq }));
        }
      }
    });
  }

  /** GET + connect + handshake. */
  static async open(port: number, path = "/"): Promise<LoadSession> {
    const boot = await fetchBoot(port, path);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/_vango/ws`, {
      headers: { cookie: boot.cookie, origin: `http://127.0.0.1:${port}` },
      perMessageDeflate: false,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const s = new LoadSession(ws);
    // A refused handshake (its session evicted or expired) fails the run: the session
    // would answer nothing, and its events would count as lost rather than as load.
    await new Promise<void>((resolve, reject) => {
      s.#onReply = (status) =>
        status === "ok" ? resolve() : reject(new Error(`handshake refused: ${status}`));
      s.#send(
        encodeClientFrame({
          type: FrameType.Handshake,
          version: PROTOCOL_VERSION,
          csrf: boot.csrf,
          resumeToken: boot.token,
          lastSeq: 0,
          viewport: { w: 1280, h: 800 },
          tzOffset: 0,
          features: 3,
        }),
      );
    });
    return s;
  }

  /** Sends a click on `hid` and records its send time. */
  click(hid: number): void {
    const cseq = ++this.#cseq;
    this.#sentAt.set(cseq, performance.now());
    this.#send(
      encodeClientFrame({
        type: FrameType.Event,
        cseq,
        hid,
        event: { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 },
      }),
    );
  }

  /** Sends the coalesced ack, if one is due. */
  sendAck(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    const seq = this.#ackDue;
    this.#ackDue = 0;
    if (seq > 0) this.#send(encodeClientFrame({ type: FrameType.Ack, seq }));
  }

  /** Events sent but not answered yet. */
  get inFlight(): number {
    return this.#sentAt.size;
  }

  close(): void {
    clearTimeout(this.#ackTimer);
    this.ws.terminate();
  }

  #send(bytes: Uint8Array): void {
    this.bytesOut += bytes.byteLength;
    this.ws.send(bytes);
  }
}

/** Opens `n` sessions, `parallel` at a time (with `open`, another server's sessions). */
export async function openMany<S = LoadSession>(
  port: number,
  n: number,
  parallel = 50,
  open: (port: number) => Promise<S> = (p) => LoadSession.open(p) as Promise<S>,
): Promise<S[]> {
  const out: S[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      out.push(await open(port));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
