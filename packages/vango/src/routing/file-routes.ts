/**
 * File routes: `app/routes/**` scanned once at start-up (and by the CLI) into the same
 * route table `createApp({ routes })` takes. A file's path is its route:
 *
 * - `index.tsx` → the folder's path; `about.tsx` → `/about`
 * - `items/[id].tsx` → `/items/:id`; `docs/[...slug].tsx` → `/docs/*slug`
 * - `_layout`, `_middleware`, `_404`, `_error` → the subtree's layout, middleware and
 *   not-found / error pages
 *
 * Other names starting with `_` or `.`, tests (`*.test.*`, `*.spec.*`) and declaration
 * files are skipped, so helpers can live beside their pages. Each route file is
 * imported: its module (default export and `title`, `head`, `params`, `action`, …) is the
 * table's value.
 */
import { readdir } from "node:fs/promises";
import { extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConfigError } from "../server/core/errors.ts";
import type { RouteInput, RouteTable } from "./route-table.ts";

const EXTENSIONS = new Set([".tsx", ".ts", ".jsx", ".js", ".mjs"]);
const SPECIAL = new Set(["_layout", "_middleware", "_404", "_error"]);

/** One route file found by {@link scanRoutes}. */
export interface RouteFile {
  /** The table key (`/items/:id`, `/admin/_layout`). */
  readonly key: string;
  /** Absolute path of the file. */
  readonly file: string;
}

/**
 * The route files under `dir` with their keys, sorted by key (no import).
 * @example await scanRoutes("app/routes") // [{ key: "/", file: "…/index.tsx" }, …]
 */
export async function scanRoutes(dir: string | URL): Promise<RouteFile[]> {
  const root = typeof dir === "string" ? dir : fileURLToPath(dir);
  const out: RouteFile[] = [];
  const seen = new Map<string, string>();
  const walk = async (folder: string, segments: string[]): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (err) {
      throw new ConfigError("routes", `cannot read ${folder}: ${(err as Error).message}`);
    }
    for (const e of entries) {
      const name = e.name;
      if (name.startsWith(".")) continue;
      if (e.isDirectory()) {
        if (name.startsWith("_") || name === "node_modules") continue;
        await walk(join(folder, name), [...segments, segmentOf(name)]);
        continue;
      }
      const ext = extname(name);
      if (!EXTENSIONS.has(ext) || name.endsWith(".d.ts")) continue;
      const base = name.slice(0, -ext.length);
      // `name.test.tsx`, `name.css.ts`…: not routes (`[...rest]` has dots of its own).
      if (/\.(test|spec)$/.test(base) || (base.includes(".") && !base.startsWith("[..."))) continue;
      if (base.startsWith("_") && !SPECIAL.has(base)) continue;
      const parts =
        base === "index" ? segments : [...segments, SPECIAL.has(base) ? base : segmentOf(base)];
      const key = `/${parts.join("/")}`;
      const file = join(folder, name);
      const clash = seen.get(key);
      if (clash !== undefined)
        throw new ConfigError(`routes[${JSON.stringify(key)}]`, `both ${clash} and ${file}`);
      seen.set(key, file);
      out.push({ key, file });
    }
  };
  await walk(root, []);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Scans `dir` and imports every route file: the route table for `createApp`.
 * @example
 * const app = createApp({ routes: await fileRoutes(new URL("./routes", import.meta.url)) });
 */
export async function fileRoutes(dir: string | URL): Promise<RouteTable> {
  const files = await scanRoutes(dir);
  const table: Record<string, RouteInput> = {};
  await Promise.all(
    files.map(async ({ key, file }) => {
      table[key] = (await import(pathToFileURL(file).href)) as RouteInput;
    }),
  );
  return table;
}

/** A folder or file name as a route segment (`[id]` → `:id`, `[...rest]` → `*rest`). */
function segmentOf(name: string): string {
  if (name.startsWith("[...") && name.endsWith("]")) return `*${name.slice(4, -1)}`;
  if (name.startsWith("[") && name.endsWith("]")) return `:${name.slice(1, -1)}`;
  return name;
}
