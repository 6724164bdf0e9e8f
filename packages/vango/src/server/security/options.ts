/**
 * The security and limits options of `createApp` and their defaults. Every default is
 * on without configuration; `devMode` relaxes only what breaks plain-http local
 * development (the origin check and the `Secure`/`__Host-` cookie attributes).
 */
import type { IncomingMessage } from "node:http";
import type { CircuitBreakerOptions } from "../core/circuit-breaker.ts";
import type { TrustProxy } from "./client-ip.ts";
import type { ConnectionLimiterOptions } from "./connection-limiter.ts";
import type { CorsOptions } from "./cors.ts";
import type { HttpRateLimitPolicy } from "./rate-limit/http-rate-limit.ts";
import type { RateLimitStore } from "./rate-limit/store.ts";
import type { EventBudgetOptions } from "./rate-limit/ws-event-budget.ts";
import type { SecurityHeadersOptions } from "./security-headers.ts";

/** A budget of `limit` requests per `windowMs` (burst up to `limit`). */
export interface RatePolicy {
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimitOptions {
  /** Where budgets live (default: one in-memory store per app; pass a Redis store to share). */
  readonly store?: RateLimitStore;
  /** Every request, per client IP (default 600 / 60 s); `false` disables it. */
  readonly perIp?: RatePolicy | false;
  /** POST/PUT/PATCH/DELETE, per client IP, on top of `perIp` (default 60 / 60 s). */
  readonly mutations?: RatePolicy | false;
  /** Every request, per user from `userOf` (default off; anonymous requests skip it). */
  readonly perUser?: RatePolicy | false;
  /** More policies (per route via `match`, per user via `key: "user"`). */
  readonly policies?: readonly HttpRateLimitPolicy[];
  /**
   * Let requests through when the store fails, misses its deadline or its circuit is
   * open (default true); `false` refuses them as `rate_limited`.
   */
  readonly failOpen?: boolean;
  /**
   * Deadline and circuit breaker around calls to a `store` you pass (default
   * `{ timeoutMs: 200, failureThreshold: 5, resetMs: 5000 }`). The default in-memory
   * store needs none.
   */
  readonly breaker?: CircuitBreakerOptions;
  /**
   * WebSocket events per session (default 30/s sustained, bursts of 60, closed after 60
   * refusals within one second); `false` disables it.
   */
  readonly websocket?: EventBudgetOptions | false;
}

export interface CsrfOptions {
  /** Path prefixes whose unsafe requests skip the HTTP CSRF check (webhooks). */
  readonly exemptPaths?: readonly string[];
  /** Largest urlencoded body read to find a `_csrf` field (default 64 KiB). */
  readonly maxFormBytes?: number;
  /**
   * Ms such a body may take to arrive (default 10 s), else 408 `request_timeout` and the
   * connection is closed. Holds wherever the handler is mounted, whatever the server's
   * own request timeout.
   */
  readonly formTimeoutMs?: number;
}

/** The security fields of `AppOptions`. */
export interface SecurityOptions {
  /**
   * Which proxies' `X-Forwarded-For` (and `X-Forwarded-Proto`) to believe: a hop count
   * or a list of proxy addresses/CIDRs. Default `false`: the socket address is the client.
   */
  readonly trustProxy?: TrustProxy;
  /** The authenticated user of a request, for per-user rate limits and socket caps. */
  readonly userOf?: (req: IncomingMessage) => string | undefined;
  /** Response security headers (CSP with nonce, HSTS on https, …); `false` disables them. */
  readonly securityHeaders?: SecurityHeadersOptions | false;
  /** CORS allow-list for cross-origin HTTP callers (default: none allowed). */
  readonly cors?: CorsOptions;
  /** Double-submit CSRF check of unsafe HTTP methods; `false` disables it. */
  readonly csrf?: CsrfOptions | false;
  /** HTTP and WebSocket rate limits; `false` disables all of them. */
  readonly rateLimit?: RateLimitOptions | false;
  /** Concurrent WebSocket caps checked at upgrade; `false` disables them. */
  readonly connectionLimits?: ConnectionLimiterOptions | false;
}

export const DEFAULT_RATE_LIMITS = Object.freeze({
  perIp: Object.freeze({ limit: 600, windowMs: 60_000 }),
  mutations: Object.freeze({ limit: 60, windowMs: 60_000 }),
  websocket: Object.freeze({ perSecond: 30, burst: 60, closeAfter: 60 }),
});

export const DEFAULT_CONNECTION_LIMITS: Readonly<Required<ConnectionLimiterOptions>> =
  Object.freeze({ perIp: 50, perUser: 20, global: 10_000 });

export const DEFAULT_MAX_FORM_BYTES = 64 * 1024;

/** A 64 KiB form arrives in well under a second on any working link; 10 s is generous. */
export const DEFAULT_FORM_TIMEOUT_MS = 10_000;
