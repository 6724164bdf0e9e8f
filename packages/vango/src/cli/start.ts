/**
 * `vango start`: runs `vango build`'s output with plain `node` in production mode
 * (`NODE_ENV=production`): `VANGO_SECRET` is required, cookies are Secure, devMode is
 * off, logs are JSON lines. The browser client is the prebuilt one in `dist/client/`,
 * served with the brotli and gzip forms `build` wrote, not compressed again, and so are
 * the form recovery script and the hook chunks: `start` loads no bundler.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { brotliDecompress, gunzip } from "node:zlib";
import { CHUNK_PATH_PREFIX } from "../protocol/dom-attrs.ts";
import type { RouteTable } from "../routing/route-table.ts";
import {
  type ClientBundle,
  type PrebuiltTools,
  prebuiltClientBuilder,
} from "../server/http/client-asset.ts";
import type { AppSetup } from "./app-setup.ts";
import { CLIENT_DIR, type ClientManifest, type PrebuiltFile, SERVER_FILE } from "./build.ts";
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

/** What `build` prebuilt in `dist/client/`: the client and, from a current build, its tools. */
export interface PrebuiltClient {
  readonly client: ClientBundle;
  /** The recovery script and hook chunks; empty for a build by an older `vango`. */
  readonly tools: PrebuiltTools;
}

/**
 * `build`'s client, form recovery script and hook chunks from `dist/client/`, read and
 * checked before the server listens: their URLs are cached for a year (`immutable`), so
 * bytes that do not match the manifest's hashes (a half-copied or hand-edited `dist/`)
 * must stop `start`, not be served. The brotli and gzip files are checked by
 * decompressing them, far cheaper than compressing again. `appRoot` resolves the hook
 * folder the chunks were built from.
 * @example const { client, tools } = await loadPrebuiltClient("/srv/app/dist");
 */
export async function loadPrebuiltClient(
  dist: string,
  appRoot: string = dirname(dist),
): Promise<PrebuiltClient> {
  const dir = join(dist, CLIENT_DIR);
  const manifestFile = join(dir, "manifest.json");
  const broken = (why: string) =>
    new CliError(CliErrorCode.not_built, `${why}: run \`vango build\` again`);
  const read = async (name: unknown): Promise<Buffer> => {
    if (typeof name !== "string" || name === "" || basename(name) !== name) {
      throw broken(`${manifestFile} names no file in its folder (${JSON.stringify(name)})`);
    }
    try {
      return await readFile(join(dir, name));
    } catch {
      throw broken(`no ${join(dir, name)}`);
    }
  };
  /** One script the manifest names: its bytes match its hash, its compressed forms its bytes. */
  const load = async (f: PrebuiltFile | undefined, what: string): Promise<ClientBundle> => {
    if (typeof f !== "object" || f === null) {
      throw broken(`${manifestFile} has no readable entry for the ${what}`);
    }
    const body = await read(f.file);
    const code = body.toString("utf8");
    if (createHash("sha256").update(code).digest("hex").slice(0, 16) !== f.hash) {
      throw broken(`${join(dir, f.file)} does not match the hash in its manifest`);
    }
    const coded = async (name: string | undefined, decode: (b: Buffer) => Promise<Buffer>) => {
      if (name === undefined) return undefined;
      const bytes = await read(name);
      const plain = await decode(bytes).catch(() => undefined);
      if (plain === undefined || !plain.equals(body)) {
        throw broken(`${join(dir, name)} is not ${f.file} compressed`);
      }
      return bytes;
    };
    const [br, gzip] = await Promise.all([coded(f.br, unbrotli), coded(f.gzip, ungzip)]);
    return { code, hash: f.hash, br, gzip };
  };
  let m: ClientManifest | null;
  try {
    m = JSON.parse(await readFile(manifestFile, "utf8")) as ClientManifest | null;
  } catch {
    m = null;
  }
  if (typeof m !== "object" || m === null) throw broken(`no readable ${manifestFile}`);
  const client = await load(m, "client");
  const recovery = m.recovery === undefined ? undefined : await load(m.recovery, "recovery script");
  return { client, tools: { recovery, chunks: await loadChunks(m.chunks) } };

  async function loadChunks(c: ClientManifest["chunks"]): Promise<PrebuiltTools["chunks"]> {
    if (c === undefined) return undefined;
    if (
      typeof c !== "object" ||
      c === null ||
      (c.clientDir !== null && typeof c.clientDir !== "string") ||
      typeof c.hooks !== "object" ||
      c.hooks === null
    ) {
      throw broken(`${manifestFile} has no readable entry for the hook chunks`);
    }
    const runtime = await load(c.runtime, "hook runtime");
    const hooks = new Map<string, ClientBundle>();
    for (const [name, f] of Object.entries(c.hooks)) {
      const chunk = await load(f, `hook ${name}`);
      // The runtime loads each hook by the URL built into it: a chunk it does not name is
      // from another build.
      if (!runtime.code.includes(`${CHUNK_PATH_PREFIX}${chunk.hash}.js`)) {
        throw broken(`${join(dir, f.file)} is not a chunk of ${join(dir, c.runtime.file)}`);
      }
      hooks.set(name, chunk);
    }
    return {
      clientDir: c.clientDir === null ? undefined : resolve(appRoot, c.clientDir),
      set: { runtime, hooks },
    };
  }
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
    const { client, tools } = await loadPrebuiltClient(dist, root);
    const built = (await import(pathToFileURL(entry).href)) as BuiltServer;
    return await runServer({
      root,
      name: built.name,
      routes: built.routes,
      setup: built.setup,
      publicDir: existsSync(pub) && statSync(pub).isDirectory() ? pub : undefined,
      // The hook folder the chunks were built from: the app's, unless its set-up says otherwise.
      clientDir: tools.chunks?.clientDir,
      port: o.port,
      metricsPort: o.metricsPort,
      host: o.host,
      clientBuilder: prebuiltClientBuilder(client, tools),
    });
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(CliErrorCode.start_failed, (err as Error).message ?? String(err));
  }
}
