/**
 * `vango start`: runs `vango build`'s output with plain `node` in production mode
 * (`NODE_ENV=production`): `VANGO_SECRET` is required, cookies are Secure, devMode is
 * off, logs are JSON lines. The browser client is the prebuilt one in `dist/client/`.
 */
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { RouteTable } from "../routing/route-table.ts";
import type { ClientBuilder } from "../server/http/client-asset.ts";
import type { AppSetup } from "./app-setup.ts";
import { CLIENT_DIR, type ClientManifest, SERVER_FILE } from "./build.ts";
import { CliError, CliErrorCode } from "./cli-error.ts";
import { type RunningServer, runServer } from "./run-server.ts";

export interface StartOptions {
  readonly root: string;
  readonly port: number;
  readonly metricsPort: number | false;
  readonly host: string;
}

interface BuiltServer {
  readonly routes: RouteTable;
  readonly setup: AppSetup | undefined;
  readonly name: string;
}

function prebuiltClient(dist: string): ClientBuilder {
  return async () => {
    const dir = join(dist, CLIENT_DIR);
    const m = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as ClientManifest;
    return { code: await readFile(join(dir, m.file), "utf8"), hash: m.hash };
  };
}

/**
 * @example const s = await start({ root: process.cwd(), port: 3000, metricsPort: 9464, host: "0.0.0.0" });
 */
export async function start(o: StartOptions): Promise<RunningServer> {
  const root = resolve(o.root);
  const dist = join(root, "dist");
  const entry = join(dist, SERVER_FILE);
  if (!existsSync(entry)) {
    throw new CliError(CliErrorCode.not_built, `no ${entry}: run \`vango build\` first`);
  }
  process.env.NODE_ENV = "production";
  const pub = join(root, "public");
  try {
    const built = (await import(pathToFileURL(entry).href)) as BuiltServer;
    return await runServer({
      root,
      name: built.name,
      routes: built.routes,
      setup: built.setup,
      publicDir: existsSync(pub) && statSync(pub).isDirectory() ? pub : undefined,
      port: o.port,
      metricsPort: o.metricsPort,
      host: o.host,
      clientBuilder: prebuiltClient(dist),
    });
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(CliErrorCode.start_failed, (err as Error).message ?? String(err));
  }
}
