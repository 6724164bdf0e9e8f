/**
 * One interval per app (not one timer per socket): every `heartbeatMs` it terminates
 * connections that stayed silent since the previous sweep (no message, no pong), pings
 * the others, and closes connections idle (no client event) beyond `idleMs`.
 *
 * A sweep that comes late — the process itself stalled: a long synchronous handler, a
 * paused VM, a laptop waking from sleep — judges no one. Node runs due timers before it
 * reads the sockets, so the pongs and events that arrived during the stall are still
 * unread then: every connection would look silent, and all of them would be dropped and
 * reconnect at once. It pings them and leaves the verdict to the next sweep (one late
 * sweep in a row is let off: a process that stalls at every sweep still drops the dead).
 * The upload idle and handshake timers only wait for one read of the sockets
 * (`setImmediate`); a sweep gives a whole interval, because after a paused VM or a sleep
 * the peers' pongs may still be on their way (TCP retransmits them), not yet unread.
 */
import { ErrorCode as E } from "../../protocol/errors.ts";
import type { Connection } from "./connection.ts";

/** A sweep this many intervals after the previous one is late. */
const LATE = 1.5;

export class Heartbeat {
  readonly #connections: Set<Connection>;
  readonly #intervalMs: number;
  readonly #idleMs: number;
  readonly #timer: NodeJS.Timeout;
  #lastSweep: number;
  /** The previous sweep was late and judged no one. */
  #excused: boolean;

  /** @example const hb = new Heartbeat(connections, 25_000, 900_000); hb.stop(); */
  constructor(connections: Set<Connection>, intervalMs: number, idleMs: number) {
    this.#connections = connections;
    this.#intervalMs = intervalMs;
    this.#idleMs = idleMs;
    this.#lastSweep = performance.now();
    this.#excused = false;
    this.#timer = setInterval(() => this.sweep(), intervalMs);
    this.#timer.unref();
  }

  /** One sweep (exposed for tests). */
  sweep(): void {
    const now = performance.now();
    const excuse = !this.#excused && now - this.#lastSweep > LATE * this.#intervalMs;
    this.#lastSweep = now;
    this.#excused = excuse;
    for (const c of [...this.#connections]) {
      if (!excuse) {
        if (!c.alive) {
          c.terminate();
          continue;
        }
        const s = c.session;
        if (this.#idleMs > 0 && s !== undefined && now - s.lastEventAt > this.#idleMs) {
          c.closeWith(E.idle_timeout);
          continue;
        }
      }
      c.alive = false;
      c.transport.ping();
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
