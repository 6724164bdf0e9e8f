/**
 * Where things are in a Vango app, by convention:
 *
 * ```
 * app/routes/      file routes (required)
 * app/server.ts    optional set-up: more `createApp` options, auth, shutdown (see AppSetup)
 * app/client/      the app's client hooks and islands, `*.client.ts` (optional: `clientDir`)
 * public/          static files, served at `/` (optional)
 * dist/            `vango build`'s output
 * .vango/          state: session snapshots and the generated development secret
 * ```
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { CliError, CliErrorCode } from "./cli-error.ts";

export interface Project {
  readonly root: string;
  readonly appDir: string;
  readonly routesDir: string;
  /** `app/server.ts` (or `.tsx`, `.js`) when the app has one. */
  readonly setupFile: string | undefined;
  readonly publicDir: string | undefined;
  /** `app/client/` when the app has one: its `clientDir`, which `build` bundles into hook chunks. */
  readonly clientDir: string | undefined;
  readonly distDir: string;
  readonly name: string;
}

const SETUP_NAMES = ["server.ts", "server.tsx", "server.js"];

/**
 * @example const p = project(process.cwd()); // throws cli_not_an_app without app/routes/
 */
export function project(root: string): Project {
  const abs = resolve(root);
  const appDir = join(abs, "app");
  const routesDir = join(appDir, "routes");
  if (!isDir(routesDir)) {
    throw new CliError(
      CliErrorCode.not_an_app,
      `no app/routes/ folder in ${abs} (run the command in an app made by \`vango create\`)`,
    );
  }
  const setup = SETUP_NAMES.map((n) => join(appDir, n)).find((f) => existsSync(f));
  const pub = join(abs, "public");
  const client = join(appDir, "client");
  return {
    root: abs,
    appDir,
    routesDir,
    setupFile: setup,
    publicDir: isDir(pub) ? pub : undefined,
    clientDir: isDir(client) ? client : undefined,
    distDir: join(abs, "dist"),
    name: abs.split(/[\\/]/).pop() ?? "app",
  };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
