/**
 * The demo server: `npm start` → http://127.0.0.1:${PORT:-3000}, Prometheus metrics on
 * http://127.0.0.1:${METRICS_PORT:-9464}/metrics, health at /health/{live,ready,startup}.
 * `VANGO_SECRET` keys CSRF, resume and sign-in tokens, `METRICS_TOKEN` also exposes
 * /metrics on the main port, `REDIS_URL` / `DATABASE_URL` add readiness probes (Redis
 * also holds the rate-limit budgets, sign-ins, revocations and the session checkpoints
 * and carries the chat and the shared counter between instances,
 * so instances sharing it and `VANGO_SECRET` behave as one app — without it sessions
 * are kept in a file snapshot under `VANGO_STATE_DIR`, default `.vango`; Postgres holds
 * the audit log and the todos, migrated at start); `OTEL_EXPORTER_OTLP_ENDPOINT`
 * exports traces (the SDK is set up by `--import ./src/instrument.ts`).
 */
import { tracingEventMiddleware, tracingHttpMiddleware } from "vango/otel";
import { createApp, DEFAULT_TIMEOUTS, serveMetrics } from "vango/server";
import { demoAuth } from "./auth.ts";
import { connectDependencies } from "./dependencies.ts";
import { tracing } from "./instrument.ts";
import { demoOptions } from "./options.tsx";
import { useTodoDatabase } from "./todo-store.ts";

const port = Number(process.env.PORT ?? 3000);
const metricsPort = Number(process.env.METRICS_PORT ?? 9464);
const deps = await connectDependencies(process.env);
const auth = await demoAuth(process.env, deps);
// With DATABASE_URL: the todos' tables (migrations under migrations/, applied once even
// when instances start together) and the todos kept there.
if (deps.pool !== undefined) await useTodoDatabase(deps.pool);

const app = createApp(
  await demoOptions({
    auth,
    app: {
      health: { checks: deps.checks },
      secret: process.env.VANGO_SECRET,
      metricsToken: process.env.METRICS_TOKEN,
      // How long an idle page keeps its view mounted before it is parked (default 30 s).
      ...(process.env.VANGO_PARK_AFTER_MS
        ? { timeouts: { parkAfterMs: Number(process.env.VANGO_PARK_AFTER_MS) } }
        : {}),
      ...(deps.rateLimitStore ? { rateLimit: { store: deps.rateLimitStore } } : {}),
      persistence: {
        ...(deps.sessionStore ? { store: deps.sessionStore } : {}),
        ...(process.env.VANGO_STATE_DIR ? { dir: process.env.VANGO_STATE_DIR } : {}),
      },
      // Global signals, presence and the chat reach the other instances over Redis.
      ...(deps.bus ? { bus: deps.bus } : {}),
      // Tracing first, so its spans cover every other middleware (auth's come after).
      eventMiddleware: [tracingEventMiddleware()],
      httpMiddleware: [tracingHttpMiddleware()],
    },
  }),
);
auth.attach(app);
const listening = await app.listen(port, "127.0.0.1");
const metrics =
  app.metrics === undefined
    ? undefined
    : await serveMetrics({ registry: app.metrics, port: metricsPort, host: "127.0.0.1" });
console.log(
  `Vango demo on http://127.0.0.1:${listening.port}` +
    (metrics === undefined ? "" : `, metrics on http://127.0.0.1:${metrics.port}/metrics`),
);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  // `listening.close()` keeps to `timeouts.shutdownMs`; this bounds the rest (metrics
  // listener, Redis/Postgres clients, span export) so the process never outlives it by much.
  setTimeout(() => {
    console.error(`${signal}: shutdown overran its deadline, exiting`);
    process.exit(1);
  }, DEFAULT_TIMEOUTS.shutdownMs + 3_000).unref();
  // Not ready first, so a load balancer stops sending; then sessions get server_shutdown.
  app.health?.setShuttingDown();
  await listening.close();
  await metrics?.close();
  // Flushes the audit log (bounded) before its database goes.
  await auth.close();
  await deps.close();
  await tracing?.shutdown();
  process.exit(0);
};
process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));
