/**
 * Node-side: bundles the on-demand chunks with esbuild — the hook runtime, every
 * built-in hook and the app's own hook and island modules (`*.client.ts` under the app's
 * `clientDir`). Each chunk is its own ES2022 IIFE, content-hashed like the core client.
 *
 * How a chunk reaches the page: the core client only knows the runtime's URL (boot data
 * `h`) and injects it once an element with a hook (`data-vh`) or optimistic changes
 * (`data-vo`) is in the DOM. The runtime carries the manifest (hook name → chunk URL),
 * so its hash changes whenever any chunk does; it injects a hook's chunk the first time
 * an element names that hook. A hook chunk's entry imports the module's default export
 * and hands it to `window.__vangoHooks.define(name, hook)`, which the runtime installed.
 */
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { CHUNK_PATH_PREFIX } from "../protocol/dom-attrs.ts";
import type { ClientBuild } from "./build.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
/** `src/client/hooks/` (found from `src/client/` and `dist/client/` alike, as in build.ts). */
export const HOOKS_SRC_DIR = resolve(HERE, "../../src/client/hooks");

/**
 * The built-in hooks: name (as `hook(name)` takes it) → module under `src/client/hooks/`
 * whose default export is the hook. A new built-in is one line here and one module.
 */
export const BUILTIN_HOOKS: Readonly<Record<string, string>> = {
  Sortable: "sortable.ts",
  Tooltip: "tooltip.ts",
  Popover: "popover.ts",
  Dialog: "dialog.ts",
  Dropdown: "dropdown.ts",
  Combobox: "combobox.ts",
  Upload: "upload.ts",
  Viewport: "viewport.ts",
  Accordion: "accordion.ts",
  Prefetch: "prefetch.ts",
};

/** `vango/client` (what app hook modules import) as source: no build of the package needed. */
const CLIENT_API = resolve(HERE, "../../src/client.ts");

/** An app module is a chunk when its name ends like this (`chart.client.ts`). */
const APP_CHUNK = /\.client\.(ts|tsx|js|mjs|jsx)$/;

export interface ChunkSet {
  /** The hook runtime (with the manifest inside). */
  readonly runtime: ClientBuild;
  /** Hook name → its chunk. */
  readonly hooks: ReadonlyMap<string, ClientBuild>;
}

/** Public path of a chunk: content-addressed, so it may be cached forever. */
export function chunkPath(b: ClientBuild): string {
  return `${CHUNK_PATH_PREFIX}${b.hash}.js`;
}

/**
 * The app's chunk modules under `dir`, named as pages name them: the path relative to
 * `dir` with a leading `./` and `/` separators (`./charts/line.client.ts`).
 * @example await appHookFiles("/srv/app/src/client") // { "./chart.client.ts": "/srv/…/chart.client.ts" }
 */
export async function appHookFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && !e.name.startsWith(".")) await walk(p);
      } else if (APP_CHUNK.test(e.name)) {
        out[`./${relative(dir, p).split(sep).join("/")}`] = p;
      }
    }
  };
  await walk(resolve(dir));
  return out;
}

/** Every chunk an app serves: the built-ins, then the app's modules (which may not reuse a built-in name). */
export async function chunkEntries(clientDir: string | undefined): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, file] of Object.entries(BUILTIN_HOOKS)) out[name] = join(HOOKS_SRC_DIR, file);
  if (clientDir !== undefined) Object.assign(out, await appHookFiles(clientDir));
  return out;
}

async function bundle(contents: string, resolveDir: string, minify: boolean): Promise<ClientBuild> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    stdin: { contents, resolveDir, loader: "ts", sourcefile: "vango-chunk.ts" },
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
    jsx: "automatic",
    alias: { "vango/client": CLIENT_API },
  });
  const code = result.outputFiles[0]!.text;
  return { code, hash: createHash("sha256").update(code).digest("hex").slice(0, 16) };
}

/**
 * Builds every hook chunk, then the runtime with their URLs inside.
 * @example
 * const set = await buildChunks({ minify: true, hooks: await chunkEntries(clientDir) });
 * // serve set.runtime at chunkPath(set.runtime); the boot data names that path
 */
export async function buildChunks(opts: {
  minify: boolean;
  /** Hook name → module file (absolute). */
  hooks: Readonly<Record<string, string>>;
}): Promise<ChunkSet> {
  const names = Object.keys(opts.hooks).sort();
  const built = await Promise.all(
    names.map((name) => {
      const file = opts.hooks[name]!;
      const entry =
        `import hook from ${JSON.stringify(file)};\n` +
        `window.__vangoHooks.define(${JSON.stringify(name)}, hook);\n`;
      return bundle(entry, dirname(file), opts.minify);
    }),
  );
  const hooks = new Map<string, ClientBuild>();
  const manifest: Record<string, string> = {};
  names.forEach((name, i) => {
    hooks.set(name, built[i]!);
    manifest[name] = chunkPath(built[i]!);
  });
  const runtime = await bundle(
    `import { startHooks } from ${JSON.stringify(join(HOOKS_SRC_DIR, "runtime.ts"))};\n` +
      `startHooks(document, ${JSON.stringify(manifest)});\n`,
    HOOKS_SRC_DIR,
    opts.minify,
  );
  return { runtime, hooks };
}
