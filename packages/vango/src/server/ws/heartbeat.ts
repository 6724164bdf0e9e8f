/**
 * One interval per app (not one timer per socket): every `heartbeatMs` it terminates
 * connections that stayed silent since the previous sweep (no message, no pong), pings
 * the others, and closes connections idle (no client event) beyond `idleMs`.
 */
import { ErrorCode as E } from "../../protocol/errors.ts";
import type { Connection } from "./connection.ts";

export class Heartbeat {
  readonly #connections: Set<Connection>;
  readonly #idleMs: number;
  readonly #timer: NodeJS.Timeout;

  /** @example const hb = new Heartbeat(connections, 25_000, 900_000); hb.stop(); */
  constructor(connections: Set<Connection>, intervalMs: number, idleMs: number) {
    this.#connections = connections;
    this.#idleMs = idleMs;
    this.#timer = setInterval(() => this.sweep(), intervalMs);
    this.#timer.unref();
  }

  /** One sweep (exposed for tests). */
  sweep(): void {
    const now = performance.now();
    for (const c of [...this.#connections]) {
      if (!c.alive) {
        c.terminate();
        continue;
      }
      const s = c.session;
      if (this.#idleMs > 0 && s !== undefined && now - s.lastEventAt > this.#idleMs) {
        c.closeWith(E.idle_timeout);
        continue;
      }
      c.alive = false;
      c.transport.ping();
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
