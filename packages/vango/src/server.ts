/**
 * `vango/server`: the server runtime — `createApp` and the types to configure, mount
 * and extend it.
 */

export { MemoryRateLimitStore } from "./middleware/rate-limit-memory.ts";
export { RedisRateLimitStore } from "./middleware/rate-limit-redis.ts";
export type { RateLimitStore } from "./middleware/rate-limit-store.ts";
export {
  type CheckResult,
  createHealth,
  type Health,
  type HealthChecks,
  type HealthOptions,
  type ReadyReport,
  type StartupReport,
} from "./ops/health.ts";
export { childLogger, createLogger, type LogContext, type LoggerOptions } from "./ops/logger.ts";
export { createMetrics, type MetricsOptions, type VangoMetrics } from "./ops/metrics.ts";
export {
  type MetricsHandlerOptions,
  type MetricsServer,
  metricsHandler,
  type ServeMetricsOptions,
  serveMetrics,
} from "./ops/metrics-server.ts";
export { type App, createApp, type Listening } from "./server/app.ts";
export type { ClientBuilder, ClientBundle } from "./server/client-asset.ts";
export type { EventContext, EventMiddleware } from "./server/event-context.ts";
export { type Logger, silentLogger } from "./server/logger.ts";
export type { HttpContext, HttpMiddleware, Middleware, Next } from "./server/middleware.ts";
export type { AppHealthOptions, AppMetricsOptions } from "./server/observability.ts";
export {
  type AppOptions,
  DEFAULT_SERVER_LIMITS,
  DEFAULT_TIMEOUTS,
  type ServerLimits,
  type ServerTimeouts,
} from "./server/options.ts";
export type { RouteDef, RouteInput } from "./server/router-match.ts";
export { formBody } from "./server/security-csrf.ts";
export type {
  CsrfOptions,
  RateLimitOptions,
  RatePolicy,
  SecurityOptions,
} from "./server/security-options.ts";
export type { SessionCounts } from "./server/session-manager.ts";
export { ConfigError, type ConfigWarning } from "./server/startup-validation.ts";
export type { StaticFilesOptions } from "./server/static-files.ts";
