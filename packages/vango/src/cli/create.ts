/**
 * `vango create <dir>`: a new app from a template shipped in the package
 * (`templates/minimal`, and `templates/full` laid over it). `{{name}}` and `{{vango}}` in the files are
 * replaced with the folder's name and the `vango` dependency: by default the package
 * this CLI runs from, as a `file:` path (while `vango` is not on a registry, an app
 * outside this repository depends on its local copy).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError, CliErrorCode } from "./cli-error.ts";

export const TEMPLATES = ["minimal", "full"] as const;
export type Template = (typeof TEMPLATES)[number];

/** The package root: `src/cli/` and `dist/cli/` are both two levels below it. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Files npm would drop or rename when packing are stored under another name. */
const RENAMED: Readonly<Record<string, string>> = { _gitignore: ".gitignore" };

export interface CreateOptions {
  readonly dir: string;
  readonly template: Template;
  /** The `vango` dependency spec (default: `file:` the package this CLI runs from). */
  readonly vango?: string | undefined;
}

/**
 * True when `dir` is a workspace member of the repository this package sits in
 * (`examples/<name>` here): npm links `vango` for it, as for the demo.
 */
export function inWorkspace(dir: string): boolean {
  const repo = resolve(PACKAGE_ROOT, "../..");
  try {
    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as {
      workspaces?: string[];
    };
    const parent = relative(repo, dirname(dir)).split("\\").join("/");
    return (pkg.workspaces ?? []).some((w) => w.endsWith("/*") && w.slice(0, -2) === parent);
  } catch {
    return false;
  }
}

async function copy(from: string, to: string, vars: Record<string, string>): Promise<string[]> {
  const written: string[] = [];
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, RENAMED[e.name] ?? e.name);
    if (e.isDirectory()) {
      written.push(...(await copy(src, dst, vars)));
      continue;
    }
    let text = await readFile(src, "utf8");
    for (const [k, v] of Object.entries(vars)) text = text.split(`{{${k}}}`).join(v);
    await writeFile(dst, text);
    written.push(dst);
  }
  return written;
}

/** The npm package name for a folder name (lower case, URL-safe). */
export function packageName(dir: string): string {
  const n = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return n === "" ? "vango-app" : n;
}

/**
 * @example await create({ dir: "../my-app", template: "minimal" });
 */
export async function create(o: CreateOptions): Promise<{ dir: string; files: string[] }> {
  const dir = resolve(o.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CliError(CliErrorCode.target_exists, `${dir} exists and is not empty`);
  }
  const rel = relative(dir, PACKAGE_ROOT).split("\\").join("/");
  const vars = {
    name: packageName(dir),
    vango: o.vango ?? (inWorkspace(dir) ? "*" : `file:${rel}`),
  };
  // `full` is `minimal` with more files (and some replaced).
  const layers = o.template === "full" ? ["minimal", "full"] : ["minimal"];
  const files = new Set<string>();
  for (const t of layers) {
    for (const f of await copy(join(PACKAGE_ROOT, "templates", t), dir, vars)) files.add(f);
  }
  return { dir, files: [...files].sort() };
}
