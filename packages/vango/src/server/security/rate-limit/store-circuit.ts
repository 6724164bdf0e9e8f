/**
 * The rate-limit store's circuit as the app runs it: the {@link CircuitBreaker} the HTTP
 * limiter calls the store through, its log lines (one per state change, never one per
 * request) and the view readiness takes of it.
 *
 * Readiness: an open circuit makes the `rate_limit_store` check `degraded` when the
 * limiter fails open — the instance still serves every request, and since the store is
 * shared, failing readiness would take every instance out of the load balancer at once
 * for an outage the app rides through — and `fail` (503) when it fails closed, since
 * the instance then refuses every request.
 */
import {
  BreakerState,
  type BreakerTransition,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from "../../core/circuit-breaker.ts";
import type { Logger } from "../../core/logger.ts";

/** Name of the dependency in logs and of its readiness check. */
export const RATE_LIMIT_STORE = "rate_limit_store";

/** A dependency's state as readiness reports it (fits `Health.watch`). */
export interface WatchedStatus {
  /** `ok`; `degraded`: down, but requests are still served; `fail`: down and needed. */
  readonly status: "ok" | "degraded" | "fail";
  /** The circuit's state: `closed`, `open` or `half_open`. */
  readonly state: string;
  readonly error?: string;
}

/** What `createSecurity` exposes of the store's circuit. */
export interface StoreCircuit {
  readonly breaker: CircuitBreaker;
  /** The state for readiness (the `rate_limit_store` check). */
  status(): WatchedStatus;
}

/**
 * @example
 * const circuit = storeCircuit(options.breaker, true, logger);
 * httpRateLimit({ store, policies, breaker: circuit.breaker });
 */
export function storeCircuit(
  options: CircuitBreakerOptions | undefined,
  failOpen: boolean,
  logger: Logger,
): StoreCircuit {
  const breaker = new CircuitBreaker(options, (t) => logTransition(logger, t, failOpen));
  const down: WatchedStatus["status"] = failOpen ? "degraded" : "fail";
  return {
    breaker,
    status() {
      const state = breaker.state;
      if (state === BreakerState.Closed) return { status: "ok", state };
      return { status: down, state, error: "circuit_open" };
    },
  };
}

function logTransition(logger: Logger, t: BreakerTransition, failOpen: boolean): void {
  const fields: Record<string, unknown> = {
    dependency: RATE_LIMIT_STORE,
    circuit: t.to,
    from: t.from,
    cause: t.cause,
  };
  if (t.to === BreakerState.Closed) {
    fields.down_ms = t.downMs;
    logger.info(fields, "rate-limit store recovered: circuit closed");
    return;
  }
  if (t.from === BreakerState.Closed) {
    // The one line of the outage that carries the error (and its stack).
    if (t.error !== undefined) fields.err = t.error;
    fields.fail_open = failOpen;
    logger.warn(
      fields,
      failOpen
        ? "rate-limit store unavailable: circuit open, requests pass unlimited"
        : "rate-limit store unavailable: circuit open, requests refused",
    );
    return;
  }
  // Probes every `resetMs` while the outage lasts: debug, or they would flood the log.
  logger.debug(fields, "rate-limit store circuit");
}
