/**
 * The server the CLI runs, for `vango dev`'s worker and for `vango start` alike: the
 * app's routes and `public/`, sessions kept in `VANGO_STATE_DIR` (default `.vango` in
 * the app), the secret from `VANGO_SECRET`, the hooks in `app/client/`, the app's own
 * `app/server.ts` set-up, the page on `PORT` and Prometheus metrics on the internal
 * `METRICS_PORT`.
 */
import { join } from "node:path";
import { serveMetrics } from "../observability/metrics-server.ts";
import type { RouteTable } from "../routing/route-table.ts";
import { type App, createApp } from "../server/app.ts";
import type { AppOptions } from "../server/config/options.ts";
import type { Logger } from "../server/core/logger.ts";
import type { ClientBuilder } from "../server/http/client-asset.ts";
import { h } from "../vdom/create-element.ts";
import { type AppSetup, applySetup } from "./app-setup.ts";
import { CliError, CliErrorCode } from "./cli-error.ts";

export interface RunServerOptions {
  readonly root: string;
  readonly name: string;
  readonly routes: RouteTable;
  readonly setup?: AppSetup | undefined;
  readonly publicDir?: string | undefined;
  /** The app's hooks and islands (`app/client/`): `createApp`'s `clientDir`. */
  readonly clientDir?: string | undefined;
  /** `vango dev`: devMode, and where the dev overlay hears about edits and compile errors. */
  readonly dev?: { readonly eventsUrl: string } | undefined;
  readonly port: number;
  /** `false`: no metrics listener. */
  readonly metricsPort: number | false;
  readonly host?: string;
  readonly logger?: Logger | undefined;
  /** A prebuilt browser client (`vango build`'s), so production does not build or compress it. */
  readonly clientBuilder?: ClientBuilder | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface RunningServer {
  readonly app: App;
  readonly port: number;
  readonly metricsPort: number | undefined;
  /** Graceful: checkpoints every session, closes sockets, then the app's own `close`. */
  close(): Promise<void>;
}

/** `<meta name="vango-dev">`: the dev overlay opens the CLI's event stream at its URL. */
export const DEV_META = "vango-dev";

/**
 * @example const s = await runServer({ root, name, routes, port: 3000, metricsPort: 9464 });
 */
export async function runServer(o: RunServerOptions): Promise<RunningServer> {
  const env = o.env ?? process.env;
  const base: AppOptions = {
    routes: o.routes,
    title: o.name,
    service: o.name,
    devMode: o.dev !== undefined,
    persistence: { dir: env.VANGO_STATE_DIR || join(o.root, ".vango") },
    ...(env.VANGO_SECRET ? { secret: env.VANGO_SECRET } : {}),
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    ...(o.publicDir === undefined ? {} : { publicDir: o.publicDir }),
    ...(o.clientDir === undefined ? {} : { clientDir: o.clientDir }),
    ...(o.logger === undefined ? {} : { logger: o.logger }),
    ...(o.clientBuilder === undefined ? {} : { clientBuilder: o.clientBuilder }),
  };
  const set = await applySetup(o.setup, base);
  let options = set.options;
  if (o.dev !== undefined) {
    // After the set-up, so an app's own `head` keeps the overlay's channel.
    const meta = h("meta", { name: DEV_META, content: o.dev.eventsUrl });
    options = { ...options, devMode: true, head: [options.head, meta] };
  }
  if (env.NODE_ENV === "production" && options.devMode === true) {
    // devMode turns off the origin check and Secure cookies: never in production.
    throw new CliError(CliErrorCode.start_failed, "devMode is on in production mode");
  }
  const app = createApp(options);
  await set.created?.(app);
  const host = o.host ?? "127.0.0.1";
  const listening = await app.listen(o.port, host);
  const metrics =
    app.metrics === undefined || o.metricsPort === false
      ? undefined
      : await serveMetrics({
          registry: app.metrics,
          port: o.metricsPort,
          host,
          logger: options.logger,
        });
  return {
    app,
    port: listening.port,
    metricsPort: metrics?.port,
    async close() {
      app.health?.setShuttingDown();
      await listening.close();
      await metrics?.close();
      await set.close?.();
    },
  };
}
