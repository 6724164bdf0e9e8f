/**
 * `createApp`: routes → a node:http request handler and upgrade handler (mountable in
 * plain node:http, Express or Fastify), or a standalone server via `listen()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Registry } from "prom-client";
import { appLogger, Observability } from "../observability/app-observability.ts";
import type { Health } from "../observability/health.ts";
import { reportingInner } from "../observability/http-observer.ts";
import { ErrorCode as E } from "../protocol/errors.ts";
import { CLIENT_FRAME_MAX_ITEMS, resolveLimits } from "../protocol/limits.ts";
import { mountRoute } from "../routing/mount-route.ts";
import { Router } from "../routing/router.ts";
import { type AppOptions, resolveServerLimits, resolveTimeouts } from "./config/options.ts";
import { compose, type HttpContext, type HttpMiddleware } from "./core/middleware.ts";
import { applyV8Tuning, V8_TUNING_FLAGS } from "./core/v8-tuning.ts";
import { ClientAsset } from "./http/client-asset.ts";
import { defaultClientBuilder } from "./http/default-client.ts";
import { createHttpHandler, type NextFn, serveRequest } from "./http/handler.ts";
import { STATIC_ROUTE, StaticFiles } from "./http/static-files.ts";
import type { Runtime } from "./runtime.ts";
import { CsrfSigner } from "./security/csrf.ts";
import { createSecurity } from "./security/security.ts";
import { type EventMiddleware, invokeHandler } from "./session/event-context.ts";
import { type SessionCounts, SessionManager } from "./session/manager.ts";
import type { Connection } from "./ws/connection.ts";
import { Heartbeat } from "./ws/heartbeat.ts";
import { createUpgradeHandler } from "./ws/upgrade.ts";

export interface Listening {
  readonly port: number;
  readonly host: string;
  readonly server: Server;
  /** Same as `app.close()` plus closing the listener. */
  close(): Promise<void>;
}

export interface App {
  /** node:http / Express request handler; with `next`, unknown paths fall through. */
  handler(req: IncomingMessage, res: ServerResponse, next?: NextFn): Promise<void>;
  /** node:http `'upgrade'` listener for the WebSocket endpoint. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Starts a node:http server on `host` (default `127.0.0.1`) and `port` (default 3000; 0 = any). */
  listen(port?: number, host?: string): Promise<Listening>;
  /** Graceful shutdown: Close frames (`server_shutdown`), sessions disposed, timers stopped. */
  close(): Promise<void>;
  /** Adds event middleware (outermost first, after those from options). */
  useEvent(mw: EventMiddleware): void;
  /** Adds HTTP middleware (outermost first, after those from options). */
  useHttp(mw: HttpMiddleware): void;
  readonly sessions: { counts(): SessionCounts };
  /** The app's Prometheus registry (`undefined` with `metrics: false`): `serveMetrics({ registry: app.metrics })`. */
  readonly metrics: Registry | undefined;
  /** The health endpoints (`undefined` with `health: false`); `close()` turns readiness to 503. */
  readonly health: Health | undefined;
}

/**
 * @example
 * const app = createApp({ routes: { "/": Counter }, devMode: true });
 * const { port } = await app.listen(3000);
 */
export function createApp(options: AppOptions): App {
  const devMode = options.devMode === true;
  const logger = appLogger(options);
  // Validates the options (throws config_invalid) and logs every insecure one, devMode
  // first; before anything else is built, so no option can fail later with another error.
  const security = createSecurity(options, logger);
  if (options.v8Tuning !== false && applyV8Tuning()) {
    logger.debug({ v8_flags: V8_TUNING_FLAGS }, "V8 tuned for live sessions");
  }
  const obs = new Observability(options, logger);
  const limits = resolveServerLimits(options.limits);
  const timeouts = resolveTimeouts(options.timeouts);
  const eventMws: EventMiddleware[] = [...(options.eventMiddleware ?? [])];
  const httpMws: HttpMiddleware[] = [...(options.httpMiddleware ?? [])];
  const sessions = new SessionManager(limits, timeouts, logger, invokeHandler);
  const minify = options.minifyClient ?? !devMode;
  const rt: Runtime = {
    devMode,
    title: options.title,
    allowedOrigins: options.allowedOrigins ?? [],
    limits,
    timeouts,
    decodeLimits: resolveLimits({
      maxFrameBytes: limits.maxPayload,
      maxItems: CLIENT_FRAME_MAX_ITEMS,
      ...limits.decode,
    }),
    logger,
    router: new Router(options.routes),
    sessions,
    csrf: new CsrfSigner(options.secret),
    client: new ClientAsset(options.clientBuilder ?? (() => defaultClientBuilder(minify))),
    mount: mountRoute,
    handshakeMs: timeouts.handshakeMs,
    connections: new Set<Connection>(),
    runHttp: (ctx: HttpContext) => serveRequest(rt, ctx),
    closing: false,
    head: options.head,
    metrics: obs.metrics,
    wrapTransport: (t) => obs.wrapTransport(t),
  };
  const statics = staticFiles(options.publicDir);
  // Routes win over files; the client bundle path is never looked up on disk.
  const serve = (ctx: HttpContext): Promise<void> =>
    statics === undefined ? serveRequest(rt, ctx) : serveStaticOr(rt, statics, ctx);
  const httpInner = reportingInner(serve);
  const eventInner = obs.eventInner();
  obs.sampleSessions(sessions);
  const recomposeHttp = () => {
    rt.runHttp = compose(httpMws, httpInner);
  };
  const recomposeEvents = () => {
    sessions.runEvent = compose(eventMws, eventInner);
  };
  recomposeHttp();
  recomposeEvents();
  const heartbeat = new Heartbeat(rt.connections, timeouts.heartbeatMs, timeouts.idleMs);
  const handler = obs.wrapHandler(createHttpHandler(rt, security));
  const upgrade = createUpgradeHandler(rt, security);
  let closed: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closed ??= (async () => {
      rt.closing = true;
      obs.close();
      heartbeat.stop();
      security.close();
      for (const s of sessions.all()) s.dispose(E.server_shutdown);
      for (const c of [...rt.connections]) c.closeWith(E.server_shutdown);
      await new Promise<void>((resolve) => upgrade.wss.close(() => resolve()));
    })();
    return closed;
  };

  return {
    handler,
    upgrade,
    close,
    useEvent(mw) {
      eventMws.push(mw);
      recomposeEvents();
    },
    useHttp(mw) {
      httpMws.push(mw);
      recomposeHttp();
    },
    sessions: { counts: () => sessions.counts() },
    metrics: obs.metrics?.registry,
    health: obs.health,
    listen(port = 3000, host = "127.0.0.1") {
      const server = createServer((req, res) => void handler(req, res));
      server.on("upgrade", upgrade);
      return new Promise<Listening>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          // A listening server still emits 'error' (EMFILE on accept, …): without a
          // listener that would be an uncaught exception.
          server.on("error", (err) =>
            logger.error({ err, code: E.internal_error, host, port }, "server error"),
          );
          const addr = server.address();
          const bound = typeof addr === "object" && addr !== null ? addr.port : port;
          resolve({
            port: bound,
            host,
            server,
            close: async () => {
              await close();
              await new Promise<void>((r) => {
                server.close(() => r());
                server.closeAllConnections();
              });
            },
          });
        });
      });
    },
  };
}

function staticFiles(opt: AppOptions["publicDir"]): StaticFiles | undefined {
  if (opt === undefined) return undefined;
  return new StaticFiles(typeof opt === "string" ? { dir: opt } : opt);
}

async function serveStaticOr(rt: Runtime, files: StaticFiles, ctx: HttpContext): Promise<void> {
  const { req, res, path } = ctx;
  if (!rt.client.matches(path) && rt.router.match(path) === undefined) {
    if (await files.serve(req, res, path)) {
      ctx.route = STATIC_ROUTE;
      return;
    }
  }
  return serveRequest(rt, ctx);
}
