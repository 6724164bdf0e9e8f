/**
 * `vango/server`: the server runtime — `createApp` and the types to configure, mount
 * and extend it.
 */

export {
  type AuditEvent,
  AuditLog,
  type AuditLogOptions,
  type AuditRow,
  type AuditSink,
} from "./auth/audit/audit-log.ts";
export type { AuditRedaction } from "./auth/audit/metadata.ts";
export { AUDIT_MIGRATIONS, runAuditMigrations } from "./auth/audit/migrations.ts";
export { logAuditSink, postgresAuditSink } from "./auth/audit/sinks.ts";
export { Auth, type AuthOptions, createAuth } from "./auth/auth.ts";
export type { AuthPaths } from "./auth/core.ts";
export { AuthError, AuthErrorCode } from "./auth/errors.ts";
export {
  type FamilyStore,
  type RevocationListener,
  type RotateResult,
  Rotation,
} from "./auth/families/family-store.ts";
export {
  MemoryFamilyStore,
  type MemoryFamilyStoreOptions,
} from "./auth/families/memory-family-store.ts";
export {
  type RedisFamilyClient,
  RedisFamilyStore,
  type RedisFamilyStoreOptions,
  type RedisFamilySubscriber,
} from "./auth/families/redis-family-store.ts";
export { KeyRing, keyRingFromEnv, type PublicJwk } from "./auth/keys.ts";
export { DEFAULT_LOGIN_LIMITS, type LoginLimits } from "./auth/login-throttle.ts";
export {
  DEFAULT_SCRYPT,
  hashPassword,
  type ScryptParams,
  verifyPassword,
} from "./auth/password.ts";
export {
  type AuthUser,
  type MemoryUserInput,
  memoryUsers,
  type StoredUser,
  type UserDirectory,
} from "./auth/users.ts";
export type { AppSetup, AppSetupResult } from "./cli/app-setup.ts";
export {
  type AppliedMigration,
  loadMigrations,
  type MigrateOptions,
  type Migration,
  MigrationError,
  type MigrationReport,
  runMigrations,
  type SqlClient,
  type SqlPool,
  type SqlPoolClient,
  type SqlQuery,
  type SqlResult,
} from "./data/migrations.ts";
export { runVangoMigrations, VANGO_MIGRATIONS } from "./data/vango-migrations.ts";
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
  PageEnter,
  PageModule,
  PagePrefetch,
  PrefetchInfo,
  RouteInput,
  RouteTable,
} from "./routing/route-table.ts";
export { type App, createApp, type Listening } from "./server/app.ts";
export {
  type AppOptions,
  DEFAULT_PERSISTENCE,
  DEFAULT_SERVER_LIMITS,
  DEFAULT_TIMEOUTS,
  type PersistenceOptions,
  type ServerLimits,
  type ServerTimeouts,
} from "./server/config/options.ts";
export { ConfigError, type ConfigWarning } from "./server/config/validate.ts";
export { type Logger, silentLogger } from "./server/core/logger.ts";
export type { HttpContext, HttpMiddleware, Middleware, Next } from "./server/core/middleware.ts";
export { requestLocals } from "./server/core/request-locals.ts";
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
export {
  type ResolvedSecret,
  type ResolveSecretOptions,
  resolveSecret,
} from "./server/security/secret.ts";
export type { EventContext, EventMiddleware } from "./server/session/event-context.ts";
export type { SessionCounts } from "./server/session/manager.ts";
export {
  type SessionEntry,
  type SessionStore,
  SessionStoreError,
  type SessionStoreObserver,
  StoreOp,
  StoreOutcome,
} from "./server/session/session-store.ts";
export {
  FileSessionStore,
  type FileSessionStoreOptions,
} from "./server/session/stores/file-store.ts";
export {
  MemorySessionStore,
  type MemorySessionStoreOptions,
} from "./server/session/stores/memory-store.ts";
export {
  PostgresSessionStore,
  type PostgresSessionStoreOptions,
} from "./server/session/stores/postgres-store.ts";
export {
  type RedisSessionClient,
  type RedisSessionPipeline,
  RedisSessionStore,
  type RedisSessionStoreOptions,
} from "./server/session/stores/redis-store.ts";
export {
  ResilientSessionStore,
  type ResilientSessionStoreOptions,
  type SessionStoreStatus,
} from "./server/session/stores/resilient-store.ts";
export type { Bus, BusListener } from "./state/bus.ts";
export { SharedStateError } from "./state/bus-message.ts";
export {
  type AnyStateType,
  DEFAULT_STATE_LIMITS,
  decodeState,
  encodeState,
  StateCodec,
  type StateCodecOptions,
  StateError,
  type StateLimits,
  type StateType,
} from "./state/codec.ts";
export { MemoryBroker, MemoryBus } from "./state/memory-bus.ts";
export {
  NatsBus,
  type NatsBusConnection,
  type NatsBusOptions,
  type NatsBusSubscription,
} from "./state/nats-bus.ts";
export {
  RedisBus,
  type RedisBusClient,
  type RedisBusOptions,
  type RedisBusSubscriber,
} from "./state/redis-bus.ts";
export {
  type BusSettings,
  type BusStatus,
  SharedState,
  type SharedStateConnection,
  type SharedStateObserver,
  type SharedStateOptions,
  sharedState,
} from "./state/shared-state.ts";
