/**
 * `vango/server`: the server runtime — `createApp` and the types to configure, mount
 * and extend it.
 */

export type { AppHealthOptions, AppMetricsOptions } from "./observability/app-observability.ts";
export {
  type CheckResult,
  createHealth,
  type Health,
  type HealthChecks,
  type HealthOptions,
  type ReadyReport,
  type StartupReport,
} from "./observability/health.ts";
export {
  childLogger,
  createLogger,
  type LogContext,
  type LoggerOptions,
} from "./observability/logger.ts";
export { createMetrics, type MetricsOptions, type VangoMetrics } from "./observability/metrics.ts";
export {
  type MetricsHandlerOptions,
  type MetricsServer,
  metricsHandler,
  type ServeMetricsOptions,
  serveMetrics,
} from "./observability/metrics-server.ts";
export { fileRoutes } from "./routing/file-routes.ts";
export type {
  LayoutInput,
  MiddlewareModule,
  PageModule,
  RouteInput,
  RouteTable,
} from "./routing/route-table.ts";
export { type App, createApp, type Listening } from "./server/app.ts";
export {
  type AppOptions,
  DEFAULT_SERVER_LIMITS,
  DEFAULT_TIMEOUTS,
  type ServerLimits,
  type ServerTimeouts,
} from "./server/config/options.ts";
export { ConfigError, type ConfigWarning } from "./server/config/validate.ts";
export { type Logger, silentLogger } from "./server/core/logger.ts";
export type { HttpContext, HttpMiddleware, Middleware, Next } from "./server/core/middleware.ts";
export type { ClientBuilder, ClientBundle } from "./server/http/client-asset.ts";
export type { StaticFilesOptions } from "./server/http/static-files.ts";
export { formBody } from "./server/security/csrf.ts";
export type {
  CsrfOptions,
  RateLimitOptions,
  RatePolicy,
  SecurityOptions,
} from "./server/security/options.ts";
export { MemoryRateLimitStore } from "./server/security/rate-limit/memory-store.ts";
export { RedisRateLimitStore } from "./server/security/rate-limit/redis-store.ts";
export type { RateLimitStore } from "./server/security/rate-limit/store.ts";
export type { EventContext, EventMiddleware } from "./server/session/event-context.ts";
export type { SessionCounts } from "./server/session/manager.ts";
