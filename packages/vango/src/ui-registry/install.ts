/**
 * VangoUI in an app: `vango-ui.json` says where components (`dir`) and the stylesheet
 * (`css`) go; `init` writes it with the shared utilities and the theme; `add` copies
 * items with their dependencies; `check` compares every copy with its header and with
 * the registry; `upgrade` rewrites the copies that are untouched and out of date. A file
 * the app changed (or wrote itself) is never overwritten: it is reported instead.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import {
  checksum,
  loadRegistry,
  parseStamped,
  type Registry,
  type RegistryItem,
  resolveItems,
  stamp,
} from "./registry.ts";
import { UiRegistryErrorCode as C, UiRegistryError } from "./registry-error.ts";

/** The app's `vango-ui.json`. */
export interface UiConfig {
  /** Folder of the component files, relative to the app (default `app/components/ui`). */
  readonly dir: string;
  /** Path of the stylesheet, relative to the app (default `public/vango-ui.css`). */
  readonly css: string;
}

export const CONFIG_FILE = "vango-ui.json";
export const DEFAULT_CONFIG: UiConfig = { dir: "app/components/ui", css: "public/vango-ui.css" };

/**
 * What happened to, or is true of, one file:
 * - `added`: written (it was absent); `upgraded`: rewritten with the registry's version;
 * - `current`: untouched and the same as the registry's;
 * - `outdated`: untouched, and the registry has another version (`upgrade` rewrites it);
 * - `modified`: changed since it was copied (kept as is);
 * - `unmanaged`: a file without a VangoUI header where a copy would go (kept as is);
 * - `missing`: an item's file is gone (`add` writes it again).
 */
export type FileStatus =
  | "added"
  | "upgraded"
  | "current"
  | "outdated"
  | "modified"
  | "unmanaged"
  | "missing";

export interface FileReport {
  readonly item: string;
  /** Path relative to the app. */
  readonly path: string;
  readonly status: FileStatus;
}

/** Reads the app's `vango-ui.json` (`ui_not_initialised` without one). */
export function readConfig(appDir: string): UiConfig {
  const file = join(appDir, CONFIG_FILE);
  if (!existsSync(file)) throw new UiRegistryError(C.notInitialised, `${CONFIG_FILE} not found`);
  let raw: Partial<UiConfig>;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UiRegistryError(C.configInvalid, `${CONFIG_FILE} is not JSON`, { cause: e });
  }
  return {
    dir: inside("dir", raw.dir ?? DEFAULT_CONFIG.dir),
    css: inside("css", raw.css ?? DEFAULT_CONFIG.css),
  };
}

function inside(field: string, p: unknown): string {
  if (typeof p !== "string" || p === "" || isAbsolute(p)) {
    throw new UiRegistryError(C.configInvalid, `${field} must be a relative path`);
  }
  const n = normalize(p);
  if (n === ".." || n.startsWith(`..${sep}`)) {
    throw new UiRegistryError(C.configInvalid, `${field} must stay inside the app`);
  }
  return n;
}

/** Where an item's file goes: the stylesheet at `css`, everything else in `dir`. */
function target(config: UiConfig, file: string): string {
  return file.endsWith(".css") ? config.css : join(config.dir, file);
}

/** The state of one file of an item in the app. */
function inspect(
  appDir: string,
  registry: Registry,
  item: RegistryItem,
  file: string,
  path: string,
): FileStatus {
  const abs = join(appDir, path);
  if (!existsSync(abs)) return "missing";
  const parsed = parseStamped(readFileSync(abs, "utf8"));
  if (parsed === undefined || parsed.header.item !== item.name) return "unmanaged";
  if (checksum(parsed.body) !== parsed.header.checksum) return "modified";
  return parsed.body === registry.files.get(file) ? "current" : "outdated";
}

function write(
  appDir: string,
  registry: Registry,
  item: RegistryItem,
  file: string,
  path: string,
): void {
  const abs = join(appDir, path);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, stamp(item.name, registry.version, file, registry.files.get(file)!));
}

/**
 * Writes `vango-ui.json` (unless there is one) and adds `utils` and `theme`.
 * @example initUi(process.cwd(), { dir: "src/ui" });
 */
export function initUi(
  appDir: string,
  config: Partial<UiConfig> = {},
  registry = loadRegistry(),
): FileReport[] {
  const file = join(appDir, CONFIG_FILE);
  if (!existsSync(file)) {
    const chosen = { ...DEFAULT_CONFIG, ...config };
    inside("dir", chosen.dir);
    inside("css", chosen.css);
    writeFileSync(file, `${JSON.stringify(chosen, null, 2)}\n`);
  }
  return addUi(appDir, ["utils", "theme"], registry);
}

/**
 * Copies `names` and everything they need. Absent files are written; files already
 * there are left alone and reported (`current`, `outdated`, `modified`, `unmanaged`).
 */
export function addUi(
  appDir: string,
  names: readonly string[],
  registry = loadRegistry(),
): FileReport[] {
  const config = readConfig(appDir);
  const out: FileReport[] = [];
  for (const item of resolveItems(registry, names)) {
    for (const file of item.files) {
      const path = target(config, file);
      const status = inspect(appDir, registry, item, file, path);
      if (status === "missing") write(appDir, registry, item, file, path);
      out.push({ item: item.name, path, status: status === "missing" ? "added" : status });
    }
  }
  return out;
}

/** The installed items: those with at least one file present under their header. */
function installed(appDir: string, config: UiConfig, registry: Registry): RegistryItem[] {
  return [...registry.items.values()].filter((item) =>
    item.files.some((f) => {
      const abs = join(appDir, target(config, f));
      return existsSync(abs) && parseStamped(readFileSync(abs, "utf8"))?.header.item === item.name;
    }),
  );
}

/** The state of every installed item's files (of `names` only, when given). */
export function checkUi(
  appDir: string,
  names?: readonly string[],
  registry = loadRegistry(),
): FileReport[] {
  const config = readConfig(appDir);
  const items =
    names === undefined ? installed(appDir, config, registry) : resolveItems(registry, names);
  const out: FileReport[] = [];
  for (const item of items) {
    for (const file of item.files) {
      const path = target(config, file);
      out.push({ item: item.name, path, status: inspect(appDir, registry, item, file, path) });
    }
  }
  return out;
}

/**
 * Rewrites the untouched, out-of-date copies (of `names`, default all installed) with
 * the registry's version, and writes missing files; `modified` and `unmanaged` files
 * are reported and kept.
 */
export function upgradeUi(
  appDir: string,
  names?: readonly string[],
  registry = loadRegistry(),
): FileReport[] {
  const config = readConfig(appDir);
  return checkUi(appDir, names, registry).map((r) => {
    if (r.status !== "outdated" && r.status !== "missing") return r;
    const item = registry.items.get(r.item)!;
    const file = item.files.find((f) => target(config, f) === r.path)!;
    write(appDir, registry, item, file, r.path);
    return { ...r, status: r.status === "missing" ? "added" : "upgraded" };
  });
}

/** Every registry item, and whether the app has it (when it is initialised). */
export function listUi(
  appDir: string,
  registry = loadRegistry(),
): { item: RegistryItem; installed: boolean }[] {
  let have: Set<string> = new Set();
  if (existsSync(join(appDir, CONFIG_FILE))) {
    have = new Set(installed(appDir, readConfig(appDir), registry).map((i) => i.name));
  }
  return [...registry.items.values()].map((item) => ({ item, installed: have.has(item.name) }));
}
