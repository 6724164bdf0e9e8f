/**
 * `vango/server`: the server runtime — `createApp` and the types to configure, mount
 * and extend it.
 */
export { type App, createApp, type Listening } from "./server/app.ts";
export type { ClientBuilder, ClientBundle } from "./server/client-asset.ts";
export { defaultLogger, type Logger, silentLogger } from "./server/logger.ts";
export type { HttpContext, HttpMiddleware, Middleware, Next } from "./server/middleware.ts";
export {
  type AppOptions,
  DEFAULT_SERVER_LIMITS,
  DEFAULT_TIMEOUTS,
  type ServerLimits,
  type ServerTimeouts,
} from "./server/options.ts";
export type { RouteDef, RouteInput } from "./server/router-match.ts";
export type { EventContext, EventMiddleware } from "./server/session.ts";
export type { SessionCounts } from "./server/session-manager.ts";
