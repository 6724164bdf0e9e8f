/**
 * The one assembly of an app from its options. `createApp` serves what it builds over
 * node:http and WebSockets; `mountTest` drives the same parts over an in-memory socket. Wiring
 * done twice drifts (the test harness once mounted pages without the session scope, so
 * `useClientInfo()` was empty under test), so both go through {@link assembleApp}.
 *
 * Order matters: options are validated first (a `ConfigError` before anything is
 * built), then the logger's warnings, then the parts.
 */
import { randomBytes } from "node:crypto";
import { appLogger, Observability } from "../observability/app-observability.ts";
import type { ErrorCode } from "../protocol/errors.ts";
import { CLIENT_FRAME_MAX_ITEMS, resolveLimits } from "../protocol/limits.ts";
import { Redirect } from "../routing/control.ts";
import type { PageInit, RequestInfo } from "../routing/page-info.ts";
import { type AppPages, PageView } from "../routing/page-view.ts";
import { PrefetchGate } from "../routing/prefetch.ts";
import type { CompiledPage } from "../routing/route-table.ts";
import { Router } from "../routing/router.ts";
import { StateCodec } from "../state/codec.ts";
import { busSettings, type SharedState, sharedState } from "../state/shared-state.ts";
import { appSecret } from "./config/app-secret.ts";
import {
  type AppOptions,
  DEFAULT_PERSISTENCE,
  resolveServerLimits,
  resolveTimeouts,
  type ServerLimits,
  type ServerTimeouts,
} from "./config/options.ts";
import { type ConfigWarning, validateAndLog } from "./config/validate.ts";
import { ConfigError } from "./core/errors.ts";
import type { Logger } from "./core/logger.ts";
import { compose, type HttpContext, type HttpMiddleware } from "./core/middleware.ts";
import { applyV8Tuning, V8_TUNING_FLAGS } from "./core/v8-tuning.ts";
import { createMovedAway, createResume } from "./resume.ts";
import { CsrfSigner } from "./security/csrf.ts";
import { RATE_LIMIT_STORE } from "./security/rate-limit/store-circuit.ts";
import { ResumeTokens } from "./security/resume-token.ts";
import { createSecurity, type Security } from "./security/security.ts";
import type { EventContext, EventMiddleware } from "./session/event-context.ts";
import { type OpenFacts, SessionManager } from "./session/manager.ts";
import { Persistence } from "./session/persistence.ts";
import type { Session } from "./session/session.ts";
import { deferredStore } from "./session/session-store.ts";
import { FileSessionStore } from "./session/stores/file-store.ts";
import { ResilientSessionStore } from "./session/stores/resilient-store.ts";
import type { Connection, ConnectionHost } from "./ws/connection.ts";

/** Origin of URLs of sessions opened without a request (tests, `mountTest`). */
const LOCAL_ORIGIN = "http://localhost";
const NO_REQUEST: RequestInfo = Object.freeze({
  method: "GET",
  headers: Object.freeze({}),
  cookies: new Map<string, string>(),
  locals: new Map<symbol, unknown>(),
});

/**
 * The innermost event step with the `_middleware` event middleware of the page the
 * session shows (composed once per page).
 */
function routedEvents(
  inner: (ctx: EventContext) => void | Promise<void>,
): (ctx: EventContext) => void | Promise<void> {
  const chains = new WeakMap<CompiledPage, (ctx: EventContext) => void | Promise<void>>();
  return (ctx) => {
    const page = (ctx.session.root as Partial<PageView>).state?.entry.peek().page;
    if (page === undefined || page.eventMiddleware.length === 0) return inner(ctx);
    let run = chains.get(page);
    if (run === undefined) {
      run = compose(page.eventMiddleware, inner);
      chains.set(page, run);
    }
    return run(ctx);
  };
}

/** The readiness check name of the session store. */
const SESSION_STORE = "session_store";

/**
 * Connects the process's shared state (`globalSignal`, `presence`, `broadcast`) to the
 * app's `bus`, reporting to the app's logger and metrics; readiness watches it as `bus`
 * (`degraded` while it is down: sessions keep working on this instance).
 */
function connectBus(
  options: AppOptions,
  logger: Logger,
  observability: Observability,
): SharedState | undefined {
  if (options.bus === undefined) return undefined;
  const hub = sharedState();
  try {
    hub.connect({ ...busSettings(options.bus), logger, observer: observability.metrics });
  } catch (e) {
    // A second app in one process with its own bus: the shared state is process-wide.
    throw new ConfigError("bus", (e as Error).message);
  }
  observability.health?.watch("bus", hub);
  return hub;
}

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
  /** The process's shared state when the app connected it to its `bus` (`close()` leaves it). */
  readonly sharedState: SharedState | undefined;
  readonly csrf: CsrfSigner;
  /** Where checkpoints go (`undefined` with `persistence: false`). */
  readonly persistence: Persistence | undefined;
  /** What every WebSocket connection of the app shares. */
  readonly connectionHost: ConnectionHost;
  /** The app's HTTP middleware chain around `inner` (recomposed by {@link useHttp}). */
  readonly runHttp: (ctx: HttpContext) => Promise<void>;
  /**
   * Creates a pending session bound to cookie `sid` and mounts the page for `page` (a
   * path, or the page request) in it, as a page GET does. Returns the refusal's code when
   * admission says no (`server_busy`, `too_many_connections`), or the `Redirect` a page
   * threw during setup (the session is then gone).
   */
  openSession(
    page: PageInit | string,
    sid: string,
    facts?: OpenFacts,
  ): Session | ErrorCode | Redirect;
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
  const shared = connectBus(options, logger, observability);
  const limits = resolveServerLimits(options.limits);
  const timeouts = resolveTimeouts(options.timeouts);
  const eventMws: EventMiddleware[] = [...(options.eventMiddleware ?? [])];
  const httpMws: HttpMiddleware[] = [...(options.httpMiddleware ?? [])];
  const eventInner = routedEvents(observability.eventInner());
  const sessions = new SessionManager(limits, timeouts, logger, eventInner);
  sessions.devMode = devMode;
  observability.sampleSessions(sessions);
  const persist = options.persistence === false ? undefined : (options.persistence ?? {});
  const stateDir = persist?.dir ?? DEFAULT_PERSISTENCE.dir;
  // One secret for CSRF and resume tokens: given, VANGO_SECRET, or kept in the state dir.
  const secret = appSecret(options) ?? randomBytes(32);
  const csrf = new CsrfSigner(secret);
  const tokens = new ResumeTokens(secret);
  sessions.issue = (sid, path) => tokens.issue(sid, path);
  const router = new Router(options.routes);
  const pages: AppPages = {
    title: options.title,
    prefetchGate: new PrefetchGate(),
    rebuildWait: { dataMs: timeouts.pageDataMs, moreMs: timeouts.resumeDataMs },
  };
  let persistence: Persistence | undefined;
  if (persist !== undefined) {
    const store = new ResilientSessionStore({
      store: persist.store ?? deferredStore(FileSessionStore.open({ dir: stateDir })),
    });
    persistence = new Persistence({
      store,
      codec: new StateCodec({ types: persist.types ?? [] }),
      checkpointMs: persist.checkpointMs ?? DEFAULT_PERSISTENCE.checkpointMs,
      ttlMs: persist.ttlMs ?? DEFAULT_PERSISTENCE.ttlMs,
      logger,
    });
    persistence.metrics = observability.metrics;
    sessions.persistence = persistence;
    persistence.keepAlive(() => sessions.live());
    observability.health?.watch(SESSION_STORE, store);
  }
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
    resume:
      persistence === undefined
        ? undefined
        : createResume({
            sessions,
            persistence,
            tokens,
            router,
            app: pages,
            csrf,
            logger,
            upgradeLocals: options.upgradeLocals,
            userOf: options.userOf,
          }),
    // The default file store serves one process (one per directory): no other instance
    // can resume its sessions, so a reconnect skips the store read.
    movedAway:
      persistence === undefined || persist?.store === undefined
        ? undefined
        : createMovedAway(persistence),
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
    sharedState: shared,
    csrf,
    persistence,
    connectionHost,
    runHttp: httpInner,
    openSession(page, sid, facts) {
      const init: PageInit =
        typeof page === "string" ? { url: new URL(page, LOCAL_ORIGIN), request: NO_REQUEST } : page;
      const session = sessions.create(sid, "/", facts?.ip, init.url.pathname + init.url.search);
      if (typeof session === "string") return session;
      session.userId = facts?.userId;
      session.requestId = facts?.requestId;
      let opened: PageView | Redirect;
      try {
        opened = PageView.open({
          session,
          router,
          app: pages,
          url: init.url,
          request: init.request,
          csrf: csrf.sign(sid),
          actionData: init.actionData,
          persist: persistence !== undefined,
          ...(init.restore === undefined ? {} : { restore: init.restore }),
        });
      } catch (err) {
        session.dispose();
        throw err;
      }
      if (opened instanceof Redirect) {
        session.dispose();
        return opened;
      }
      session.setRoot(opened);
      session.route = opened.state.entry.peek().pattern;
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
