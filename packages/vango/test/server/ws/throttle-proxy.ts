/**
 * A slow link for tests: a TCP proxy on 127.0.0.1 that forwards each direction at
 * `bytesPerSecond`, with backpressure (it stops reading a side while 64 KiB wait for
 * the other), so the sender's buffers fill as they would behind a real slow link. A
 * reset on one side resets the other at once (in-flight data is lost, as with a TCP RST
 * crossing a network); a normal end is forwarded after the data before it.
 *
 * A paused socket learns of a reset only when it reads or writes, and reading means
 * first taking the hundreds of KB its kernel buffer holds (tens of seconds at a few
 * KB/s, far more than a real link keeps in flight). So while a source is paused the
 * proxy writes an empty buffer to it every tick: a reset then fails that write at once.
 */
import { createServer, type Server, Socket } from "node:net";

/** Pacing tick: 10 ms keeps a 2 MB/s link smooth (20 KB per tick). */
const TICK_MS = 10;
/** Bytes a direction holds before it stops reading its source. */
const HOLD_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

export interface ThrottleProxy {
  readonly port: number;
  /** Accepted connections, in order, with the first bytes each one sent. */
  readonly connections: { readonly head: string }[];
  /** Connections whose first request was a WebSocket upgrade to `path`. */
  upgrades(path: string): number;
  close(): Promise<void>;
}

/**
 * @example
 * const proxy = await throttleProxy(app.port, 2_000_000);
 * const ws = new WebSocket(`ws://127.0.0.1:${proxy.port}/_vango/ws`);
 */
export async function throttleProxy(
  target: number,
  bytesPerSecond: number,
): Promise<ThrottleProxy> {
  const sockets = new Set<Socket>();
  const connections: { head: string }[] = [];
  const server: Server = createServer((client) => {
    const entry = { head: "" };
    connections.push(entry);
    client.once("data", (b: Buffer) => {
      entry.head = b.subarray(0, 200).toString("latin1");
    });
    const upstream = new Socket();
    upstream.connect(target, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    }
    pipeThrottled(client, upstream, bytesPerSecond);
    pipeThrottled(upstream, client, bytesPerSecond);
  });
  server.listen(0, "127.0.0.1");
  await new Promise<void>((r) => server.once("listening", r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    connections,
    upgrades: (path) => connections.filter((c) => c.head.startsWith(`GET ${path}`)).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function pipeThrottled(from: Socket, to: Socket, bytesPerSecond: number): void {
  const chunks: Buffer[] = [];
  let held = 0;
  let ended = false;
  const perTick = Math.max(1, Math.round((bytesPerSecond * TICK_MS) / 1000));
  let credit = 0;
  const timer = setInterval(() => {
    credit = Math.min(credit + perTick, perTick * 2);
    while (credit > 0 && chunks.length > 0 && !to.destroyed && !to.writableNeedDrain) {
      const c = chunks[0]!;
      const n = Math.min(c.length, credit);
      to.write(c.subarray(0, n));
      if (n === c.length) chunks.shift();
      else chunks[0] = c.subarray(n);
      held -= n;
      credit -= n;
    }
    if (from.isPaused()) {
      if (held < HOLD_BYTES) from.resume();
      else if (!from.destroyed) from.write(EMPTY);
    }
    if (ended && chunks.length === 0) {
      clearInterval(timer);
      to.end();
    }
  }, TICK_MS);
  from.on("data", (b: Buffer) => {
    chunks.push(b);
    held += b.length;
    if (held >= HOLD_BYTES) from.pause();
  });
  from.on("end", () => {
    ended = true;
  });
  from.on("error", () => {});
  from.on("close", (hadError) => {
    if (!hadError && ended) return;
    // Reset (or a close without a FIN): the other side is reset too, its data lost.
    clearInterval(timer);
    chunks.length = 0;
    if (!to.destroyed) to.resetAndDestroy();
  });
  to.on("close", () => {
    clearInterval(timer);
    chunks.length = 0;
  });
}
