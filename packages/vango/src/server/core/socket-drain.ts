/**
 * The sockets a graceful shutdown waits for, and its deadline. `server.close()` waits
 * for every connection, upgraded WebSockets included, and a WebSocket gives a peer 30 s
 * to answer a Close frame: one client that stopped reading held a SIGTERM'd process for
 * 30 s. A drain waits for the tracked sockets to close by themselves (closing
 * handshakes, in-flight requests) until the deadline, then destroys the rest.
 */
import type { Duplex } from "node:stream";

/** How often a drain re-checks (and runs its `poll`, e.g. `server.closeIdleConnections()`). */
const TICK_MS = 25;

/**
 * @example
 * const drain = new SocketDrain();
 * server.on("connection", (s) => drain.add(s));
 * const destroyed = await drain.drain(performance.now() + 5_000);
 */
export class SocketDrain {
  readonly #open = new Set<Duplex>();
  /** One listener for every socket (called with the socket as `this`): no closure each. */
  readonly #onClose: (this: Duplex) => void;

  constructor() {
    const open = this.#open;
    this.#onClose = function (this: Duplex) {
      open.delete(this);
    };
  }

  /** Tracks `socket` until it closes. */
  add(socket: Duplex): void {
    if (socket.destroyed) return;
    this.#open.add(socket);
    // `on`, not `once` (a wrapper per socket): a socket closes once.
    socket.on("close", this.#onClose);
  }

  /** Stops tracking `socket` (another drain took it over). */
  delete(socket: Duplex): void {
    if (this.#open.delete(socket)) socket.off("close", this.#onClose);
  }

  /** Sockets still open. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * Resolves once every tracked socket has closed, or at `deadline` (a
   * `performance.now()` time) after destroying those still open; returns how many it
   * destroyed. `poll` runs on each check while it waits.
   */
  async drain(deadline: number, poll?: () => void): Promise<number> {
    while (this.#open.size > 0) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      poll?.();
      if (this.#open.size === 0) break;
      await new Promise((r) => setTimeout(r, Math.min(TICK_MS, left)));
    }
    let n = 0;
    for (const s of this.#open) {
      // Destroyed elsewhere (its 'close' event is still pending) does not count.
      if (s.destroyed) continue;
      s.destroy();
      n++;
    }
    this.#open.clear();
    return n;
  }
}
