/**
 * `vango build`: the app compiled for plain `node`, into `dist/`:
 *
 * - `server.js` (+ source map): every route module and `app/server.ts` bundled with
 *   esbuild into one ES module that exports the route table — packages stay imports,
 *   resolved from `node_modules` at run time;
 * - `routes.json`: the route manifest (each route's key and source file);
 * - `client/`: the browser client, minified, with its brotli (quality 11) and gzip
 *   (level 9) forms beside it and a `manifest.json` naming the three, so `vango start`
 *   needs neither a bundler nor a compression pass for it; beside it, compressed and named
 *   in the manifest the same way, the form recovery script and the hook chunks (the
 *   runtime, the built-in hooks and the `*.client.ts` modules under `app/client/`), so
 *   `start` does not load esbuild at all.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { scanRoutes } from "../routing/file-routes.ts";
import { compressClient } from "../server/http/client-asset.ts";
import { CliError, CliErrorCode } from "./cli-error.ts";
import { refreshRoutesManifest } from "./gen.ts";
import { project } from "./project.ts";
import { step } from "./term.ts";

/**
 * One prebuilt script in `dist/client/`: its hash and its file, and the files of its
 * brotli and gzip forms (absent from a build by an older `vango`, or for a coding that
 * would not have made the script smaller; `start` then compresses it itself).
 */
export interface PrebuiltFile {
  readonly hash: string;
  readonly file: string;
  readonly br?: string;
  readonly gzip?: string;
}

/**
 * What `start` reads from `dist/client/manifest.json`: the client, and — absent from a
 * build by an older `vango`, whose `start` then builds them on the first page — the
 * form recovery script and the hook chunks.
 */
export interface ClientManifest extends PrebuiltFile {
  readonly recovery?: PrebuiltFile;
  readonly chunks?: {
    /** The app's hook folder the chunks were built from, from the app's root (`null`: none). */
    readonly clientDir: string | null;
    readonly runtime: PrebuiltFile;
    /** Hook name → its chunk. */
    readonly hooks: Readonly<Record<string, PrebuiltFile>>;
  };
}

export const SERVER_FILE = "server.js";
export const CLIENT_DIR = "client";

const posix = (p: string) => p.split("\\").join("/");

/**
 * Writes `code` as `<prefix><hash>.js` into `dir` with its brotli and gzip forms, compressed
 * as the server compresses the client, so `start` serves the same bytes it would have made.
 */
async function writeCompressed(
  dir: string,
  prefix: string,
  built: { code: string; hash: string },
): Promise<PrebuiltFile & { bytes: number }> {
  const file = `${prefix}${built.hash}.js`;
  const body = Buffer.from(built.code);
  const { br, gzip } = await compressClient(body);
  await writeFile(join(dir, file), body);
  if (br !== undefined) await writeFile(join(dir, `${file}.br`), br);
  if (gzip !== undefined) await writeFile(join(dir, `${file}.gz`), gzip);
  return {
    hash: built.hash,
    file,
    ...(br === undefined ? {} : { br: `${file}.br` }),
    ...(gzip === undefined ? {} : { gzip: `${file}.gz` }),
    bytes: (br ?? body).length,
  };
}

/** The manifest's entry for a written file (without its size). */
const entry = ({ bytes: _, ...f }: PrebuiltFile & { bytes: number }): PrebuiltFile => f;

/** The bundle's entry: static imports of every route, so nothing is scanned at start. */
export function entrySource(
  root: string,
  routes: readonly { key: string; file: string }[],
  setupFile: string | undefined,
  name: string,
): string {
  const lines: string[] = [];
  routes.forEach((r, i) => {
    lines.push(`import * as r${i} from ${JSON.stringify(`./${posix(relative(root, r.file))}`)};`);
  });
  if (setupFile !== undefined) {
    lines.push(
      `export { default as setup } from ${JSON.stringify(`./${posix(relative(root, setupFile))}`)};`,
    );
  } else lines.push("export const setup = undefined;");
  lines.push(`export const name = ${JSON.stringify(name)};`);
  lines.push(
    `export const routes = {${routes.map((r, i) => `${JSON.stringify(r.key)}: r${i}`).join(", ")}};`,
  );
  return `${lines.join("\n")}\n`;
}

/**
 * @example await build(process.cwd()); // then `vango start`
 */
export async function build(root: string): Promise<{ routes: number; clientBytes: number }> {
  const p = project(root);
  const routes = await scanRoutes(p.routesDir);
  await refreshRoutesManifest(p.root);
  const esbuild = await import("esbuild");
  await rm(p.distDir, { recursive: true, force: true });
  await mkdir(join(p.distDir, CLIENT_DIR), { recursive: true });
  await step(`compiling ${routes.length} routes`, async () => {
    try {
      await esbuild.build({
        stdin: {
          contents: entrySource(p.root, routes, p.setupFile, p.name),
          resolveDir: p.root,
          sourcefile: "vango-entry.js",
          loader: "js",
        },
        bundle: true,
        packages: "external",
        platform: "node",
        format: "esm",
        target: "node20",
        jsx: "automatic",
        jsxImportSource: "vango",
        sourcemap: "linked",
        outfile: join(p.distDir, SERVER_FILE),
        logLevel: "silent",
      });
    } catch (err) {
      const e = (
        err as {
          errors?: { text: string; location?: { file: string; line: number; column: number } }[];
        }
      ).errors?.[0];
      const where =
        e?.location === undefined
          ? ""
          : ` at ${e.location.file}:${e.location.line}:${e.location.column + 1}`;
      throw new CliError(CliErrorCode.compile_failed, `${e?.text ?? String(err)}${where}`);
    }
    await writeFile(
      join(p.distDir, "routes.json"),
      `${JSON.stringify(
        routes.map((r) => ({ key: r.key, file: posix(relative(p.root, r.file)) })),
        null,
        2,
      )}\n`,
    );
  });
  const dir = join(p.distDir, CLIENT_DIR);
  const client = await step("bundling the browser client", async () => {
    const { buildClient } = await import("../client/build.ts");
    return writeCompressed(dir, "client.", await buildClient({ minify: true }));
  });
  const tools = await step("bundling the form recovery script and hook chunks", async () => {
    const { buildClient, RECOVERY_ENTRY } = await import("../client/build.ts");
    const { buildChunks, chunkEntries } = await import("../client/build-chunks.ts");
    const recovery = await writeCompressed(
      dir,
      "client-recovery.",
      await buildClient({ minify: true, entry: RECOVERY_ENTRY }),
    );
    const set = await buildChunks({ minify: true, hooks: await chunkEntries(p.clientDir) });
    // In the set's (name) order, so the manifest does not depend on which write ends first.
    const hooks: Record<string, PrebuiltFile> = Object.fromEntries(
      await Promise.all(
        [...set.hooks].map(async ([name, b]) => [
          name,
          entry(await writeCompressed(dir, "chunk.", b)),
        ]),
      ),
    );
    const runtime = await writeCompressed(dir, "chunk.", set.runtime);
    const chunks: NonNullable<ClientManifest["chunks"]> = {
      clientDir: p.clientDir === undefined ? null : posix(relative(p.root, p.clientDir)),
      runtime: entry(runtime),
      hooks,
    };
    return { recovery: entry(recovery), chunks };
  });
  const manifest: ClientManifest = { ...entry(client), ...tools };
  await writeFile(join(dir, "manifest.json"), `${JSON.stringify(manifest)}\n`);
  return { routes: routes.length, clientBytes: client.bytes };
}
