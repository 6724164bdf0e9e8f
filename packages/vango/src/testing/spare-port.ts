/**
 * `sparePort`: a loopback TCP port that nothing listens on, for a test that starts a
 * server in another process (`PORT=…`) or restarts one where a client expects it.
 *
 * Asking the kernel (`listen(0)`, then closing) is racy in a way that shows: the port
 * comes from the ephemeral range, the same range outgoing connections take their local
 * ports from, so in the second or two before the child process listens, a connection
 * the test makes (a browser, a Redis or Postgres client) can be given it, and the child
 * fails with `EADDRINUSE`. A port below that range is only ever taken by a server that
 * asks for it by number, and the one picked here was free a moment ago; picked at
 * random, so two tests that look at once seldom pick the same one.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";

/** The lowest port picked (clear of the well-known and registered ports servers use). */
const LOWEST = 20_000;
/**
 * Where ephemeral ports start when the system does not say: Linux's default 32768;
 * macOS and Windows start at 49152.
 */
const DEFAULT_EPHEMERAL = { low: 32_768, high: 60_999 };
/** Ports below or above the ephemeral range are used only when there are this many. */
const ENOUGH = 1_000;
const TRIES = 50;

/**
 * A port on `host` that a server can listen on now, outside the range the system gives
 * outgoing connections (where that range leaves no room, the kernel's own pick).
 * @example
 * const port = await sparePort();
 * const app = spawn(process.execPath, ["server.js"], { env: { ...process.env, PORT: String(port) } });
 */
export async function sparePort(host = "127.0.0.1"): Promise<number> {
  ephemeral ??= ephemeralRange();
  const { low, high } = await ephemeral;
  const [from, to] = low - LOWEST >= ENOUGH ? [LOWEST, low] : [high + 1, 65_536];
  if (to - from >= ENOUGH) {
    for (let i = 0; i < TRIES; i++) {
      const port = from + Math.floor(Math.random() * (to - from));
      if ((await listenOn(port, host)) !== undefined) return port;
    }
  }
  const port = await listenOn(0, host);
  if (port === undefined) throw new Error(`sparePort: cannot listen on ${host}`);
  return port;
}

/** The system's ephemeral range, read once per process. */
let ephemeral: Promise<{ low: number; high: number }> | undefined;

/** Linux's `ip_local_port_range`, or the usual defaults elsewhere. */
async function ephemeralRange(): Promise<{ low: number; high: number }> {
  if (process.platform !== "linux") return DEFAULT_EPHEMERAL;
  try {
    const [low, high] = (await readFile("/proc/sys/net/ipv4/ip_local_port_range", "utf8"))
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return { low: low!, high: high! };
  } catch {
    // Not readable here (a sandbox): the defaults.
  }
  return DEFAULT_EPHEMERAL;
}

/** Listens on `port` (0: any) and closes again; the port it had, or `undefined` if it could not. */
function listenOn(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(undefined));
    srv.listen({ port, host, exclusive: true }, () => {
      const got = (srv.address() as { port: number }).port;
      srv.close(() => resolve(got));
    });
  });
}
