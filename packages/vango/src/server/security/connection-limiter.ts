/**
 * Caps on concurrent WebSocket connections per IP, per user and in total, checked at
 * upgrade time (before `handleUpgrade`) so a refused client costs one HTTP response.
 * The refusal says which cap was hit: `connection_limited` (429, this client holds too
 * many) or `too_many_connections` (503, the process is full).
 */
import { ErrorCode } from "../../protocol/errors.ts";

export interface ConnectionLimiterOptions {
  /** Concurrent connections per client IP (default 50). */
  perIp?: number;
  /** Concurrent connections per authenticated user (default 20). */
  perUser?: number;
  /** Concurrent connections in this process (default 10,000). */
  global?: number;
}

/** Releases one acquired connection slot; calling it again does nothing. */
export type ReleaseConnection = () => void;

/** Why a slot was refused: a per-client cap (429) or the global cap (503). */
export type ConnectionRefusal =
  | typeof ErrorCode.connection_limited
  | typeof ErrorCode.too_many_connections;

function inc(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
function dec(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}

/**
 * @example
 * const slot = limiter.tryAcquire(ip, userId);
 * if (typeof slot === "string") return refuseUpgrade(socket, slot); // 429 or 503
 * ws.once("close", slot);
 */
export class ConnectionLimiter {
  readonly #perIp: number;
  readonly #perUser: number;
  readonly #global: number;
  readonly #byIp: Map<string, number>;
  readonly #byUser: Map<string, number>;
  #total: number;

  constructor(options: ConnectionLimiterOptions = {}) {
    this.#perIp = options.perIp ?? 50;
    this.#perUser = options.perUser ?? 20;
    this.#global = options.global ?? 10_000;
    for (const v of [this.#perIp, this.#perUser, this.#global]) {
      if (!(v >= 1)) throw new RangeError("ConnectionLimiter: caps must be ≥ 1");
    }
    this.#byIp = new Map();
    this.#byUser = new Map();
    this.#total = 0;
  }

  /** Takes a slot for a connection from `ip` (and `user`), or says why not. */
  tryAcquire(ip: string, user?: string): ReleaseConnection | ConnectionRefusal {
    // Per-client caps first: a client over its own cap is told to slow down (429) even
    // when the process is also full.
    if (
      (this.#byIp.get(ip) ?? 0) >= this.#perIp ||
      (user !== undefined && (this.#byUser.get(user) ?? 0) >= this.#perUser)
    ) {
      return ErrorCode.connection_limited;
    }
    if (this.#total >= this.#global) return ErrorCode.too_many_connections;
    this.#total++;
    inc(this.#byIp, ip);
    if (user !== undefined) inc(this.#byUser, user);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total--;
      dec(this.#byIp, ip);
      if (user !== undefined) dec(this.#byUser, user);
    };
  }

  /** Connections currently held. */
  get total(): number {
    return this.#total;
  }

  /** Connections held by `ip`. */
  countIp(ip: string): number {
    return this.#byIp.get(ip) ?? 0;
  }

  /** Connections held by `user`. */
  countUser(user: string): number {
    return this.#byUser.get(user) ?? 0;
  }
}
