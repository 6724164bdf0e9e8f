/**
 * `vango dev`'s front door: it owns `PORT` and forwards every request and WebSocket to
 * the current worker, so a new worker can start on a spare port while the old one still
 * serves, and the switch is one assignment. It also serves the dev overlay's event
 * stream (server-sent events), which outlives every worker, and — while no worker has
 * ever started — a page that shows the problem and reloads when it is fixed.
 */
import { once } from "node:events";
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import { connect, type Socket } from "node:net";
import { escapeText } from "../render/escape.ts";
import { type DevProblem, formatProblem, type OverlayMessage } from "./dev-messages.ts";

/** Where the overlay listens (a path the app's routes cannot have: `_` folders are skipped). */
export const DEV_EVENTS_PATH = "/_vango/dev/events";

/** Comment lines keep idle event streams open through proxies. */
const HEARTBEAT_MS = 15_000;

const WORKER_HOST = "127.0.0.1";

/** Forwards `req` to `port` on loopback; a worker gone mid-switch answers 502. */
export function forward(req: IncomingMessage, res: ServerResponse, port: number): void {
  const up = request(
    { host: WORKER_HOST, port, method: req.method, path: req.url, headers: req.headers },
    (r) => {
      res.writeHead(r.statusCode ?? 502, r.rawHeaders);
      r.pipe(res);
    },
  );
  up.on("error", () => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
    res.end("vango dev: the app restarted during this request; try again\n");
  });
  req.pipe(up);
}

/** Forwards an upgrade (the page's WebSocket) as raw bytes both ways. */
function forwardUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, port: number): void {
  const up = connect(port, WORKER_HOST);
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  }
  up.write(`${lines.join("\r\n")}\r\n\r\n`);
  if (head.length > 0) up.write(head);
  up.pipe(socket).pipe(up);
  const end = () => {
    up.destroy();
    socket.destroy();
  };
  up.on("error", end).on("close", end);
  socket.on("error", end).on("close", end);
}

export class DevProxy {
  /** The worker's port; `undefined` until one has started. */
  target: number | undefined;
  #problem: DevProblem | undefined;
  readonly #streams = new Set<ServerResponse>();
  readonly #server: Server;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor() {
    this.#server = createServer((req, res) => this.#request(req, res));
    this.#server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
      socket.on("error", () => socket.destroy());
      if (this.target === undefined) socket.destroy();
      else forwardUpgrade(req, socket, head, this.target);
    });
  }

  /** @returns the bound port. */
  async listen(port: number, host: string): Promise<number> {
    this.#server.listen(port, host);
    await once(this.#server, "listening");
    this.#heartbeat = setInterval(() => {
      for (const s of this.#streams) s.write(":\n\n");
    }, HEARTBEAT_MS).unref();
    return (this.#server.address() as { port: number }).port;
  }

  /** Shows `problem` in every open page (and in pages opened later, until `ok`). */
  problem(problem: DevProblem): void {
    this.#problem = problem;
    this.#send({ type: "problem", problem });
  }

  /** The current code runs: clears the overlays. */
  ok(): void {
    this.#problem = undefined;
    this.#send({ type: "ok" });
  }

  css(path: string): void {
    this.#send({ type: "css", path });
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const s of this.#streams) s.end();
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, "close");
  }

  #send(m: OverlayMessage): void {
    const data = `data: ${JSON.stringify(m)}\n\n`;
    for (const s of this.#streams) s.write(data);
  }

  #request(req: IncomingMessage, res: ServerResponse): void {
    if (req.url === DEV_EVENTS_PATH) {
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
      });
      res.write(":\n\n");
      if (this.#problem !== undefined) {
        res.write(`data: ${JSON.stringify({ type: "problem", problem: this.#problem })}\n\n`);
      }
      this.#streams.add(res);
      res.on("close", () => this.#streams.delete(res));
      return;
    }
    if (this.target !== undefined) {
      forward(req, res, this.target);
      return;
    }
    // No worker yet: the first start failed (or is under way).
    const text = this.#problem === undefined ? "Starting…" : formatProblem(this.#problem);
    res.writeHead(503, { "content-type": "text/html; charset=utf-8", "retry-after": "1" });
    res.end(
      `<!doctype html><html><head><meta charset="utf-8"><title>vango dev</title></head>` +
        `<body style="font:13px/1.5 ui-monospace,monospace;background:#200;color:#fff;padding:24px">` +
        `<pre id="vango-dev-problem" style="white-space:pre-wrap">${escapeText(text)}</pre>` +
        `<script>new EventSource(${JSON.stringify(DEV_EVENTS_PATH)}).onmessage=function(e){` +
        `if(JSON.parse(e.data).type==="ok")location.reload()}</script></body></html>`,
    );
  }
}
