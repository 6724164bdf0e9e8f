/**
 * Serving the Prometheus text format: on an internal listener bound to loopback
 * (`serveMetrics`, the default) or on the app's main port behind a bearer token
 * (`metricsHandler`). Metrics are never public by default.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { ErrorCode } from "../protocol/errors.ts";
import { sendError } from "../server/core/http-error.ts";
import type { Logger } from "../server/core/logger.ts";
import { createLogger } from "./logger.ts";

export interface ServeMetricsOptions {
  registry: Registry;
  /** Port (default `METRICS_PORT` or 9464; `0` picks a free port). */
  port?: number;
  /** Bind address (default `127.0.0.1`: reachable only from the machine). */
  host?: string;
  /** URL path (default `/metrics`). */
  path?: string;
  /** Where errors of the listening server are logged (default: a pino logger on stdout). */
  logger?: Logger;
}

export interface MetricsServer {
  readonly server: Server;
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  close(): Promise<void>;
}

async function writeMetrics(registry: Registry, req: IncomingMessage, res: ServerResponse) {
  try {
    const body = await registry.metrics();
    res.writeHead(200, {
      "content-type": registry.contentType,
      "cache-control": "no-store",
      "content-length": Buffer.byteLength(body),
    });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch {
    sendError(res, ErrorCode.internal_error);
  }
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** Answers `GET|HEAD <path>`, 404 for other paths, 405 for other methods. */
function serve(registry: Registry, path: string, req: IncomingMessage, res: ServerResponse) {
  if (pathOf(req) !== path) {
    sendError(res, ErrorCode.not_found);
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendError(res, ErrorCode.method_not_allowed, { allow: "GET, HEAD" });
    return;
  }
  void writeMetrics(registry, req, res);
}

/**
 * Starts the internal metrics listener (`GET /metrics` only).
 * @example
 * const m = await serveMetrics({ registry: metrics.registry }); // 127.0.0.1:9464
 * await m.close();
 */
export function serveMetrics(options: ServeMetricsOptions): Promise<MetricsServer> {
  const { registry } = options;
  const path = options.path ?? "/metrics";
  const port = options.port ?? Number(process.env.METRICS_PORT ?? 9464);
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => serve(registry, path, req, res));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      // A listening server still emits 'error' (EMFILE on accept, …): without a
      // listener that would be an uncaught exception.
      const logger = options.logger ?? createLogger({ service: "vango" });
      server.on("error", (err) =>
        logger.error({ err, code: ErrorCode.internal_error, host, port }, "metrics server error"),
      );
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}

export interface MetricsHandlerOptions {
  registry: Registry;
  /** Bearer token scrapers must send; at least 16 characters. */
  token: string;
  /** URL path (default `/metrics`); other paths get 404. */
  path?: string;
}

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

/**
 * A request handler for the main port: `GET /metrics` with `Authorization: Bearer <token>`.
 * Without a token, or with a wrong one, it answers 401 with `WWW-Authenticate`.
 * @example
 * const metricsRoute = metricsHandler({ registry: metrics.registry, token: process.env.METRICS_TOKEN! });
 * if (req.url === "/metrics") return metricsRoute(req, res);
 */
export function metricsHandler(options: MetricsHandlerOptions): RequestListener {
  if (typeof options.token !== "string" || options.token.length < 16) {
    throw new RangeError("metricsHandler: token must be at least 16 characters");
  }
  const { registry } = options;
  const path = options.path ?? "/metrics";
  // Comparing fixed-length digests keeps timingSafeEqual from leaking the token length.
  const expected = digest(options.token);
  return (req, res) => {
    const auth = req.headers.authorization;
    if (auth === undefined || !/^Bearer /i.test(auth)) {
      sendError(res, ErrorCode.unauthorized, { "www-authenticate": 'Bearer realm="metrics"' });
      return;
    }
    if (!timingSafeEqual(digest(auth.slice(7).trim()), expected)) {
      sendError(res, ErrorCode.unauthorized, {
        "www-authenticate": 'Bearer realm="metrics", error="invalid_token"',
      });
      return;
    }
    serve(registry, path, req, res);
  };
}
