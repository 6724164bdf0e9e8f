/**
 * The optional `app/server.ts` of an app the CLI runs: its default export receives the
 * options the CLI assembled (file routes, `public/`, persistence, secret) and returns
 * them changed — or, when the app owns resources (auth, a database pool), an object
 * that also says what to do once the app exists and at shutdown.
 */
import type { App } from "../server/app.ts";
import type { AppOptions } from "../server/config/options.ts";

export interface AppSetupResult {
  readonly options: AppOptions;
  /** Called with the app before it listens (`auth.attach(app)`, readiness checks, …). */
  readonly created?: (app: App) => void | Promise<void>;
  /** Called at shutdown after the app has closed (flush logs, close pools). */
  readonly close?: () => void | Promise<void>;
}

/**
 * @example
 * // app/server.ts
 * import type { AppSetup } from "vango/server";
 * const setup: AppSetup = (options) => ({ ...options, title: "My app" });
 * export default setup;
 */
export type AppSetup = (
  options: AppOptions,
) => AppOptions | AppSetupResult | Promise<AppOptions | AppSetupResult>;

/** The setup's answer in its full form. */
export async function applySetup(
  setup: AppSetup | undefined,
  options: AppOptions,
): Promise<AppSetupResult> {
  if (setup === undefined) return { options };
  const out = await setup(options);
  return "options" in out && !("routes" in out)
    ? (out as AppSetupResult)
    : { options: out as AppOptions };
}
