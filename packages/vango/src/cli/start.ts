/**
 * `vango start`: runs `vango build`'s output with plain `node` in production mode
 * (`NODE_ENV=production`): `VANGO_SECRET` is required, cookies are Secure, devMode is
 * off, logs are JSON lines. The browser client is the prebuilt one in `dist/client/`,
 * served with the brotli and gzip forms `build` wrote, not compressed again.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { brotliDecompress, gunzip } from "node:zlib";
import type { RouteTable } from "../routing/route-table.ts";
import { type ClientBundle, prebuiltClientBuilder } from "../server/http/client-asset.ts";
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

const unbrotli = promisify(brotliDecompress);
const ungzip = promisify(gunzip);

/**
 * `build`'s client from `dist/client/`, read and checked before the server listens: its
 * URL is cached for a year (`immutable`), so bytes that do not match the manifest's hash
 * (a half-copied or hand-edited `dist/`) must stop `start`, not be served. The brotli and
 * gzip files are checked by decompressing them, far cheaper than compressing again.
 */
export async function loadPrebuiltClient(dist: string): Promise<ClientBundle> {
  const dir = join(dist, CLIENT_DIR);
  const broken = (why: string) =>
    new CliError(CliErrorCode.not_built, `${why}: run \`vango build\` again`);
  const read = async (name: unknown): Promise<Buffer> => {
    if (typeof name !== "string" || name === "" || basename(name) !== name) {
      throw broken(`${join(dir, "manifest.json")} names no client file (${JSON.stringify(name)})`);
    }
    try {
      return await readFile(join(dir, name));
    } catch {
      throw broken(`no ${join(dir, name)}`);
    }
  };
  let m: ClientManifest | null;
  try {
    m = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as ClientManifest | null;
  } catch {
    m = null;
  }
  if (typeof m !== "object" || m === null) {
    throw broken(`no readable ${join(dir, "manifest.json")}`);
  }
  const body = await read(m.file);
  const code = body.toString("utf8");
  if (createHash("sha256").update(code).digest("hex").slice(0, 16) !== m.hash) {
    throw broken(`${join(dir, m.file)} does not match the hash in its manifest`);
  }
  const coded = async (name: string | undefined, decode: (b: Buffer) => Promise<Buffer>) => {
    if (name === undefined) return undefined;
    const bytes = await read(name);
    const plain = await decode(bytes).catch(() => undefined);
    if (plain === undefined || !plain.equals(body)) {
      throw broken(`${join(dir, name)} is not ${m.file} compressed`);
    }
    return bytes;
  };
  const [br, gzip] = await Promise.all([coded(m.br, unbrotli), coded(m.gzip, ungzip)]);
  return { code, hash: m.hash, br, gzip };
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
    const client = await loadPrebuiltClient(dist);
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
      clientBuilder: prebuiltClientBuilder(client),
    });
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(CliErrorCode.start_failed, (err as Error).message ?? String(err));
  }
}
