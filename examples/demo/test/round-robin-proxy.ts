/**
 * A small round-robin TCP proxy without stickiness, for tests of several instances: each
 * new connection goes to the next backend in turn, whatever the previous connections of
 * the same browser did. A backend that refuses the connection (restarting) is skipped for
 * that connection, as a load balancer's health check would; when every backend refuses,
 * the client's socket is closed.
 */
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";

export interface RoundRobinProxy {
  readonly port: number;
  /** How many connections each backend received, by index. */
  readonly counts: number[];
  close(): Promise<void>;
}

/**
 * @example const proxy = await roundRobinProxy([3001, 3002]); page.goto(`http://127.0.0.1:${proxy.port}/`);
 */
export async function roundRobinProxy(backends: readonly number[]): Promise<RoundRobinProxy> {
  let next = 0;
  const counts = backends.map(() => 0);
  const open = new Set<Socket>();
  const track = (s: Socket): void => {
    open.add(s);
    s.once("close", () => open.delete(s));
  };

  const server = createServer((client) => {
    track(client);
    client.pause();
    client.on("error", () => client.destroy());
    const attempt = (tries: number): void => {
      if (tries === backends.length) {
        client.destroy();
        return;
      }
      const i = next++ % backends.length;
      const upstream = connect(backends[i]!, "127.0.0.1");
      track(upstream);
      let connected = false;
      upstream.on("error", () => {
        upstream.destroy();
        // Refused before it connected: that backend is down, try the next one.
        if (connected) client.destroy();
        else attempt(tries + 1);
      });
      upstream.once("connect", () => {
        connected = true;
        counts[i]!++;
        if (client.destroyed) {
          upstream.destroy();
          return;
        }
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as { port: number }).port,
    counts,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
