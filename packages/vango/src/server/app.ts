/**
 * `createApp`: routes → a node:http request handler and upgrade handler (mountable in
 * plain node:http, Express or Fastify), or a standalone server via `listen()`. The parts
 * come from the one assembly (`assemble.ts`); this module serves them over HTTP and
 * WebSockets and owns the process-facing lifecycle (listen, heartbeat, graceful close).
 *
 * Graceful close has one deadline (`timeouts.shutdownMs`): sockets get their Close
 * frames and in-flight requests their answers until then; whatever is still open at the
 * deadline is destroyed, so a client that stopped reading cannot hold the process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import type { Registry } from "prom-client";
import type { Health } from "../observability/health.ts";
import { reportingInner } from "../observability/http-observer.ts";
import { ErrorCode as E } from "../protocol/errors.ts";
import { assembleApp } from "./assemble.ts";
import type { AppOptions, ServerTimeouts } from "./config/options.ts";
import type { HttpMiddleware, NextFn } from "./core/middleware.ts";
import { SocketDrain } from "./core/socket-drain.ts";
import { ChunkAssets, chunkBuilderFor } from "./http/chunk-assets.ts";
import {
  ClientAsset,
  chunkBuilder,
  DEV_OVERLAY_PREFIX,
  defaultClientBuilder,
  isBundledClient,
  prebuiltTools,
  RECOVERY_PREFIX,
  recoveryBuilder,
} from "./http/client-asset.ts";
import { createHttpHandler, type HttpHost, serveRequest } from "./http/handler.ts";
import { StaticFiles } from "./http/static-files.ts";
import type { EventMiddleware } from "./session/event-context.ts";
import type { SessionCounts } from "./session/manager.ts";
import { Heartbeat } from "./ws/heartbeat.ts";
import { createUpgradeHandler } from "./ws/upgrade.ts";

export interface Listening {
  readonly port: number;
  readonly host: string;
  readonly server: Server;
  /**
   * Stops accepting connections, then `app.close()`; in-flight requests may finish and
   * idle keep-alive connections are closed. Within `timeouts.shutdownMs` overall: then
   * every socket still open is destroyed.
   */
  close(): Promise<void>;
}

export interface App {
  /** node:http / Express request handler; with `next`, unknown paths fall through. */
  handler(req: IncomingMessage, res: ServerResponse, next?: NextFn): Promise<void>;
  /** node:http `'upgrade'` listener for the WebSocket endpoint. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Starts a node:http server on `host` (default `127.0.0.1`) and `port` (default 3000; 0 = any). */
  listen(port?: number, host?: string): Promise<Listening>;
  /**
   * Graceful shutdown: Close frames (`server_shutdown`), sessions disposed, timers
   * stopped; resolves when every WebSocket has closed, or after `timeouts.shutdownMs`
   * with the remaining ones destroyed.
   */
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
  const rt = assembleApp(options);
  const { logger, sessions, observability: obs } = rt;
  const minify = options.minifyClient ?? !rt.devMode;
  const bundled = isBundledClient(options.clientBuilder);
  // `vango start`'s recovery script and hook chunks, built by `vango build`.
  const tools = prebuiltTools(options.clientBuilder);
  let closing = false;
  const httpHost: HttpHost = {
    devMode: rt.devMode,
    logger,
    security: rt.security,
    csrf: rt.csrf,
    router: rt.router,
    client: new ClientAsset(options.clientBuilder ?? defaultClientBuilder(minify)),
    // Only with the bundled client (built here or prebuilt): an app that brings its own
    // builder brings its own tools.
    devOverlay:
      rt.devMode && bundled
        ? new ClientAsset(chunkBuilder("devOverlay", false), DEV_OVERLAY_PREFIX)
        : undefined,
    recovery:
      options.formRecovery !== false && bundled
        ? new ClientAsset(recoveryBuilder(tools, minify), RECOVERY_PREFIX)
        : undefined,
    chunks: bundled
      ? new ChunkAssets(chunkBuilderFor(tools, minify, options.clientDir))
      : undefined,
    statics: staticFiles(options.publicDir),
    title: options.title,
    pageDataMs: rt.timeouts.pageDataMs,
    pageStreamMs: rt.timeouts.pageStreamMs,
    head: options.head,
    get runHttp() {
      return rt.runHttp;
    },
    persistence: rt.persistence,
    closing: () => closing,
    openSession: (match, sid, facts) => rt.openSession(match, sid, facts),
  };
  rt.setHttpInner(reportingInner((ctx) => serveRequest(httpHost, ctx)));
  const connections = rt.connectionHost.connections;
  const heartbeat = new Heartbeat(connections, rt.timeouts.heartbeatMs, rt.timeouts.idleMs);
  const handler = obs.wrapHandler(createHttpHandler(httpHost));
  const wsUpgrade = createUpgradeHandler({
    devMode: rt.devMode,
    logger,
    security: rt.security,
    connectionHost: rt.connectionHost,
    maxPayload: rt.limits.maxPayload,
    metrics: obs.metrics,
    wrapTransport: (t) => obs.wrapTransport(t),
    closing: () => closing,
  });
  // Upgraded sockets, for close() to wait on their closing handshakes (and no longer).
  const upgraded = new SocketDrain();
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    upgraded.add(socket);
    wsUpgrade(req, socket, head);
  };
  let closed: Promise<void> | undefined;

  /** `deadline`: a `performance.now()` time (default: `shutdownMs` from now). */
  const close = (deadline?: number): Promise<void> => {
    closed ??= (async () => {
      const until = deadline ?? performance.now() + rt.timeouts.shutdownMs;
      closing = true;
      obs.close();
      heartbeat.stop();
      rt.security.close();
      const p = rt.persistence;
      if (p !== undefined) {
        // Every session with a page in a browser is saved, within the deadline: its tab
        // reconnects (to this instance restarted, or another) and resumes from it.
        await withDeadline(p.saveAll(sessions.live()), until);
        await withDeadline(p.close(), until);
      }
      for (const s of sessions.all()) s.dispose(E.server_shutdown);
      for (const c of [...connections]) c.closeWith(E.server_shutdown);
      // After the sessions: their presence members have left while the bus still carries it.
      await rt.sharedState?.disconnect();
      const destroyed = await upgraded.drain(until);
      if (destroyed > 0) {
        logger.warn(
          { sockets: destroyed, shutdown_ms: rt.timeouts.shutdownMs },
          "shutdown deadline: WebSockets still closing were destroyed",
        );
      }
    })();
    return closed;
  };

  return {
    handler,
    upgrade,
    close: () => close(),
    useEvent: (mw) => rt.useEvent(mw),
    useHttp: (mw) => rt.useHttp(mw),
    sessions: { counts: () => sessions.counts() },
    metrics: obs.metrics?.registry,
    health: obs.health,
    listen(port = 3000, host = "127.0.0.1") {
      const t = rt.timeouts;
      const server = createServer(
        {
          headersTimeout: t.headersMs,
          requestTimeout: t.requestMs,
          keepAliveTimeout: t.keepAliveMs,
          connectionsCheckingInterval: checkEvery(t),
        },
        (req, res) => void handler(req, res),
      );
      const sockets = new SocketDrain();
      server.on("connection", (s) => sockets.add(s));
      server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        // `close()` drains upgraded sockets itself: one 'close' listener for each, not two
        // (a socket's third grows its listener array to 19 slots, ~140 B of every session).
        sockets.delete(socket);
        upgrade(req, socket, head);
      });
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
              const until = performance.now() + t.shutdownMs;
              // Stop accepting first (node also closes idle keep-alive connections here).
              const stopped = new Promise<void>((r) => server.close(() => r()));
              await close(until);
              // In-flight requests finish; connections that turn idle are closed as they do.
              const destroyed = await sockets.drain(until, () => server.closeIdleConnections());
              if (destroyed > 0) {
                logger.warn(
                  { sockets: destroyed, shutdown_ms: t.shutdownMs },
                  "shutdown deadline: connections still busy were destroyed",
                );
              }
              await stopped;
            },
          });
        });
      });
    },
  };
}

/**
 * Node checks request and header timeouts on an interval (default 30 s, so a 30 s
 * `requestTimeout` fired anywhere between 30 and 60 s): check ten times per shortest
 * timeout, at most once a second. Each check walks the list of active connections.
 */
function checkEvery(t: ServerTimeouts): number {
  return Math.max(10, Math.min(1_000, Math.floor(Math.min(t.headersMs, t.requestMs) / 10)));
}

/** `work`, or nothing once `until` (`performance.now()` ms) has passed. */
function withDeadline(work: Promise<void>, until: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, until - performance.now()));
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function staticFiles(opt: AppOptions["publicDir"]): StaticFiles | undefined {
  if (opt === undefined) return undefined;
  return new StaticFiles(typeof opt === "string" ? { dir: opt } : opt);
}
