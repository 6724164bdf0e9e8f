/**
 * The app's built-in observability, assembled from `createApp` options: the logger
 * (the production pino logger unless one is passed), the per-app metrics (on by
 * default), health endpoints (on by default) and `/metrics` on the main port (only with
 * a token). Tracing stays middleware (`vango/otel`): it needs an SDK the app registers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Level } from "pino";
import { ConfigError } from "../server/core/errors.ts";
import type { Logger } from "../server/core/logger.ts";
import type { Transport } from "../server/core/transport.ts";
import { type EventContext, invokeHandler } from "../server/session/event-context.ts";
import type { SessionManager } from "../server/session/manager.ts";
import { createHealth, type Health, type HealthOptions } from "./health.ts";
import { type InternalRoutes, observeHttp, type RequestHandler } from "./http-observer.ts";
import { createLogger } from "./logger.ts";
import { createMetrics, type MetricsOptions, type VangoMetrics } from "./metrics.ts";
import { metricsHandler } from "./metrics-server.ts";
import { ObservedTransport } from "./observed-transport.ts";

/**
 * Bytes a live session holds besides its resend history, used by
 * `vango_session_memory_bytes`: the server heap growth (after GC) per session of the
 * demo page (examples/demo: 4 cards, a ticking clock), ~63,600 B measured over 2,000
 * sessions; a bare counter page measures ~9,500 B. Apps whose pages differ much from
 * the demo should measure theirs and set `metrics.sessionBaseBytes`.
 */
export const DEFAULT_SESSION_BASE_BYTES = 62 * 1024;

export interface AppMetricsOptions extends MetricsOptions {
  /**
   * Estimated bytes per session besides its history, for `vango_session_memory_bytes`
   * (= sessions × this + bytes of unacknowledged frames held for resume).
   */
  sessionBaseBytes?: number;
}

export interface AppHealthOptions
  extends Pick<
    HealthOptions,
    "checks" | "timeoutMs" | "startupValidate" | "verbose" | "basePath"
  > {}

/** The observability options `createApp` reads. */
export interface ObservabilityOptions {
  readonly service?: string;
  readonly logger?: Logger;
  readonly metrics?: false | AppMetricsOptions;
  readonly metricsToken?: string;
  readonly health?: false | AppHealthOptions;
}

/** Default log level: `LOG_LEVEL`, else `warn` under tests (`NODE_ENV=test`), else `info`. */
function defaultLevel(): Level {
  const env = process.env.LOG_LEVEL;
  if (env === "trace" || env === "debug" || env === "info" || env === "warn") return env;
  if (env === "error" || env === "fatal") return env;
  return process.env.NODE_ENV === "test" ? "warn" : "info";
}

function isDebugEnabled(logger: Logger): boolean {
  const l = logger as { isLevelEnabled?: (level: string) => boolean };
  return typeof l.isLevelEnabled === "function" && l.isLevelEnabled("debug");
}

/**
 * The app's logger: `o.logger`, else the production pino logger.
 * @example const logger = appLogger({ service: "shop" });
 */
export function appLogger(o: ObservabilityOptions): Logger {
  return (
    o.logger ??
    createLogger({
      service: o.service ?? process.env.OTEL_SERVICE_NAME ?? "vango",
      level: defaultLevel(),
    })
  );
}

/** Everything `createApp` wires from the observability options. */
export class Observability {
  readonly logger: Logger;
  readonly metrics: VangoMetrics | undefined;
  readonly health: Health | undefined;
  readonly #ownLogger: boolean;
  readonly #metricsRoute: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  readonly #baseBytes: number;
  #unsample: (() => void) | undefined;

  /** `logger` is {@link appLogger}'s result (built first, so option validation can log). */
  constructor(o: ObservabilityOptions, logger: Logger = appLogger(o)) {
    this.#ownLogger = o.logger === undefined;
    this.logger = logger;
    const m = o.metrics === false ? undefined : (o.metrics ?? {});
    this.metrics = m === undefined ? undefined : createMetrics(m);
    this.#baseBytes = m?.sessionBaseBytes ?? DEFAULT_SESSION_BASE_BYTES;
    this.health =
      o.health === false
        ? undefined
        : createHealth({
            ...o.health,
            ...(this.metrics === undefined ? {} : { metrics: this.metrics }),
          });
    if (o.metricsToken !== undefined && this.metrics === undefined) {
      throw new ConfigError("metricsToken", "needs metrics (metrics: false is set)");
    }
    this.#metricsRoute =
      o.metricsToken === undefined || this.metrics === undefined
        ? undefined
        : metricsHandler({ registry: this.metrics.registry, token: o.metricsToken });
    this.#unsample = undefined;
  }

  /** Feeds the session gauges from `sessions` at scrape time. */
  sampleSessions(sessions: SessionManager): void {
    const base = this.#baseBytes;
    this.#unsample = this.metrics?.sampleSessions(() => sessions.sample(base));
    sessions.metrics = this.metrics;
  }

  /** The app's request handler wrapped with request ids, metrics, logs and internal routes. */
  wrapHandler(inner: RequestHandler): RequestHandler {
    return observeHttp(inner, {
      logger: this.logger,
      metrics: this.metrics,
      redactHeaders: !this.#ownLogger,
      internal: this.#internalRoutes(),
    });
  }

  /**
   * The innermost step of the event chain. Events are timed by the session itself
   * (`vango_event_duration_seconds`: middleware + handler + render, no extra async
   * layer); with the logger at debug (checked once, at startup) this adds one `event`
   * line per event carrying the page request's id.
   */
  eventInner(): (ctx: EventContext) => void | Promise<void> {
    if (!isDebugEnabled(this.logger)) return invokeHandler;
    const logger = this.logger;
    return async (ctx) => {
      const t0 = performance.now();
      let ok = false;
      try {
        await invokeHandler(ctx);
        ok = true;
      } finally {
        logger.debug(
          {
            session_id: ctx.sessionId,
            request_id: ctx.session.requestId,
            route: ctx.route,
            event: ctx.eventName,
            hid: ctx.hid,
            cseq: ctx.cseq,
            patch_count: ctx.patchCount,
            latency_ms: Math.round((performance.now() - t0) * 100) / 100,
            ok,
          },
          "event",
        );
      }
    };
  }

  /** Wraps a WebSocket transport so coded errors and closes are counted. */
  wrapTransport(t: Transport): Transport {
    return this.metrics === undefined ? t : new ObservedTransport(t, this.metrics);
  }

  /** Readiness turns 503 and the session gauges stop sampling (graceful shutdown). */
  close(): void {
    this.health?.setShuttingDown();
    this.#unsample?.();
    this.#unsample = undefined;
  }

  #internalRoutes(): InternalRoutes | undefined {
    const health = this.health;
    const metricsRoute = this.#metricsRoute;
    if (health === undefined && metricsRoute === undefined) return undefined;
    return (req, res) => {
      if (health?.handle(req, res) === true) return true;
      if (metricsRoute === undefined) return false;
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      if ((q === -1 ? url : url.slice(0, q)) !== "/metrics") return false;
      metricsRoute(req, res);
      return true;
    };
  }
}
