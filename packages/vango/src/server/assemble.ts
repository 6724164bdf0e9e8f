/**
 * The one assembly of an app from its options. `createApp` serves what it builds over
 * node:http and `ws`; `mountTest` drives the same parts over an in-memory socket. Wiring
 * done twice drifts (the test harness once mounted pages without the session scope, so
 * `useClientInfo()` was empty under test), so both go through {@link assembleApp}.
 *
 * Order matters: options are validated first (a `ConfigError` before anything is
 * built), then the logger's warnings, then the parts.
 */
import { appLogger, Observability } from "../observability/app-observability.ts";
import type { ErrorCode } from "../protocol/errors.ts";
import { CLIENT_FRAME_MAX_ITEMS, resolveLimits } from "../protocol/limits.ts";
import { mountRoute } from "../routing/mount-route.ts";
import { type RouteMatch, Router } from "../routing/router.ts";
import {
  type AppOptions,
  resolveServerLimits,
  resolveTimeouts,
  type ServerLimits,
  type ServerTimeouts,
} from "./config/options.ts";
import { type ConfigWarning, validateAndLog } from "./config/validate.ts";
import type { Logger } from "./core/logger.ts";
import { compose, type HttpContext, type HttpMiddleware } from "./core/middleware.ts";
import { applyV8Tuning, V8_TUNING_FLAGS } from "./core/v8-tuning.ts";
import { CsrfSigner } from "./security/csrf.ts";
import { RATE_LIMIT_STORE } from "./security/rate-limit/store-circuit.ts";
import { createSecurity, type Security } from "./security/security.ts";
import type { EventMiddleware } from "./session/event-context.ts";
import { type OpenFacts, SessionManager } from "./session/manager.ts";
import type { Session } from "./session/session.ts";
import type { Connection, ConnectionHost } from "./ws/connection.ts";

/** What the assembly builds; `createApp` and `mountTest` use these parts only. */
export interface AppRuntime {
  readonly devMode: boolean;
  readonly logger: Logger;
  readonly limits: ServerLimits;
  readonly timeouts: ServerTimeouts;
  readonly warnings: readonly ConfigWarning[];
  readonly security: Security;
  readonly observability: Observability;
  readonly router: Router;
  readonly sessions: SessionManager;
  readonly csrf: CsrfSigner;
  /** What every WebSocket connection of the app shares. */
  readonly connectionHost: ConnectionHost;
  /** The app's HTTP middleware chain around `inner` (recomposed by {@link useHttp}). */
  readonly runHttp: (ctx: HttpContext) => Promise<void>;
  /**
   * Creates a pending session bound to cookie `sid` and mounts `match`'s page in it, as a
   * page GET does; the refusal's code when admission says no (`server_busy`,
   * `too_many_connections`).
   */
  openSession(match: RouteMatch, sid: string, facts?: OpenFacts): Session | ErrorCode;
  /** Sets the innermost HTTP step (the app's own answering of requests). */
  setHttpInner(inner: (ctx: HttpContext) => Promise<void>): void;
  useEvent(mw: EventMiddleware): void;
  useHttp(mw: HttpMiddleware): void;
}

/**
 * @example
 * const rt = assembleApp({ routes: { "/": Home }, logger: silentLogger });
 * const session = rt.openSession(rt.router.match("/")!, sid);
 */
export function assembleApp(options: AppOptions): AppRuntime {
  const logger = appLogger(options);
  // Validates every option (throws config_invalid) and logs the insecure ones, before
  // anything is built, so no option can fail later with another error.
  const warnings = validateAndLog(options, logger);
  const devMode = options.devMode === true;
  const security = createSecurity(options, logger);
  if (options.v8Tuning !== false && applyV8Tuning()) {
    logger.debug({ v8_flags: V8_TUNING_FLAGS }, "V8 tuned for live sessions");
  }
  const observability = new Observability(options, logger);
  // Readiness reports the rate-limit store's circuit instead of probing the store.
  if (security.rateLimitStore !== undefined) {
    observability.health?.watch(RATE_LIMIT_STORE, security.rateLimitStore);
  }
  const limits = resolveServerLimits(options.limits);
  const timeouts = resolveTimeouts(options.timeouts);
  const eventMws: EventMiddleware[] = [...(options.eventMiddleware ?? [])];
  const httpMws: HttpMiddleware[] = [...(options.httpMiddleware ?? [])];
  const eventInner = observability.eventInner();
  const sessions = new SessionManager(limits, timeouts, logger, eventInner);
  sessions.devMode = devMode;
  observability.sampleSessions(sessions);
  const csrf = new CsrfSigner(options.secret);
  const router = new Router(options.routes);
  const connectionHost: ConnectionHost = {
    sessions,
    csrf,
    decodeLimits: resolveLimits({
      maxFrameBytes: limits.maxPayload,
      maxItems: CLIENT_FRAME_MAX_ITEMS,
      ...limits.decode,
    }),
    logger,
    handshakeMs: timeouts.handshakeMs,
    connections: new Set<Connection>(),
    budget: security.wsBudget,
  };
  let httpInner: (ctx: HttpContext) => Promise<void> = async () => {};
  const rt: AppRuntime = {
    devMode,
    logger,
    limits,
    timeouts,
    warnings,
    security,
    observability,
    router,
    sessions,
    csrf,
    connectionHost,
    runHttp: httpInner,
    openSession(match, sid, facts) {
      const session = sessions.create(sid, match.route.pattern, facts?.ip);
      if (typeof session === "string") return session;
      session.userId = facts?.userId;
      session.requestId = facts?.requestId;
      try {
        session.setRoot(mountRoute(match, session));
      } catch (err) {
        session.dispose();
        throw err;
      }
      return session;
    },
    setHttpInner(inner) {
      httpInner = inner;
      recomposeHttp();
    },
    useEvent(mw) {
      eventMws.push(mw);
      recomposeEvents();
    },
    useHttp(mw) {
      httpMws.push(mw);
      recomposeHttp();
    },
  };
  const recomposeHttp = (): void => {
    (rt as { runHttp: AppRuntime["runHttp"] }).runHttp = compose(httpMws, httpInner);
  };
  const recomposeEvents = (): void => {
    sessions.runEvent = compose(eventMws, eventInner);
  };
  recomposeHttp();
  recomposeEvents();
  return rt;
}
