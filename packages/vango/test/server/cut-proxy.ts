/**
 * A TCP proxy on 127.0.0.1 whose link can be cut and restored, for outage tests against
 * the shared Redis (which must never be stopped): `cut()` resets every connection through
 * it and refuses new ones (accepted, then reset at once) until `restore()`; the server
 * behind it keeps its data, and other clients keep talking to it meanwhile.
 */
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";

export interface CutProxy {
  readonly port: number;
  /** Connections ever accepted while the link was up. */
  readonly accepted: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * @example
 * const proxy = await cutProxy(6379);
 * const redis = new Redis({ port: proxy.port });
 * proxy.cut(); // Redis is "down" for this client
 */
export async function cutProxy(target: number): Promise<CutProxy> {
  const open = new Set<Socket>();
  let up = true;
  let accepted = 0;
  const server = createServer((client) => {
    if (!up) {
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = connect(target, "127.0.0.1");
    open.add(client);
    open.add(upstream);
    const drop = (): void => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  const cut = (): void => {
    up = false;
    for (const s of [...open]) s.resetAndDestroy();
    open.clear();
  };
  return {
    port,
    get accepted() {
      return accepted;
    },
    cut,
    restore() {
      up = true;
    },
    async close() {
      cut();
      server.close();
      await once(server, "close");
    },
  };
}
