/**
 * The VangoUI registry: the component sources shipped in `registry/ui/` with their
 * manifest, dependency resolution, and the header stamped on every copied file — the
 * registry's version and a SHA-256 of the file as shipped, so a later check can tell
 * an untouched copy (its body still hashes to the header) from one the app changed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { UiRegistryErrorCode as C, UiRegistryError } from "./registry-error.ts";

/** One installable item: its files (beside the manifest) and the items it imports. */
export interface RegistryItem {
  readonly name: string;
  readonly description: string;
  readonly files: readonly string[];
  readonly dependencies: readonly string[];
}

export interface Registry {
  /** The version stamped on copies: the `vango` package's. */
  readonly version: string;
  readonly items: ReadonlyMap<string, RegistryItem>;
  /** File name → content as shipped. */
  readonly files: ReadonlyMap<string, string>;
}

/** Where the registry lives: `registry/ui/` beside `src/` (and `dist/`) in the package. */
export const REGISTRY_DIR = fileURLToPath(new URL("../../registry/ui/", import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL("../../package.json", import.meta.url));

let cached: Registry | undefined;

/** Reads the registry shipped with this package (once). */
export function loadRegistry(dir = REGISTRY_DIR): Registry {
  if (dir === REGISTRY_DIR && cached !== undefined) return cached;
  let manifest: { items?: Record<string, Partial<RegistryItem>> };
  let version: string;
  try {
    manifest = JSON.parse(readFileSync(`${dir}registry.json`, "utf8"));
    version = (JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version: string }).version;
  } catch (e) {
    throw new UiRegistryError(C.registryInvalid, "registry.json unreadable", { cause: e });
  }
  const items = new Map<string, RegistryItem>();
  const files = new Map<string, string>();
  for (const [name, raw] of Object.entries(manifest.items ?? {})) {
    const item: RegistryItem = {
      name,
      description: raw.description ?? "",
      files: raw.files ?? [],
      dependencies: raw.dependencies ?? [],
    };
    items.set(name, item);
    for (const f of item.files) {
      try {
        files.set(f, readFileSync(`${dir}${f}`, "utf8"));
      } catch (e) {
        throw new UiRegistryError(C.registryInvalid, `${name}: missing ${f}`, { cause: e });
      }
    }
  }
  for (const item of items.values()) {
    for (const d of item.dependencies) {
      if (!items.has(d)) throw new UiRegistryError(C.registryInvalid, `${item.name} needs ${d}`);
    }
  }
  const registry: Registry = { version, items, files };
  if (dir === REGISTRY_DIR) cached = registry;
  return registry;
}

/**
 * The items to install for `names`: each with everything it needs, dependencies first,
 * each once.
 * @example resolveItems(loadRegistry(), ["data-table"]).map((i) => i.name);
 * // ["utils", "button", "label", "field", "input", "skeleton", "data-table"]
 */
export function resolveItems(registry: Registry, names: readonly string[]): RegistryItem[] {
  const out: RegistryItem[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (name: string, from: string | undefined) => {
    if (done.has(name)) return;
    const item = registry.items.get(name);
    if (item === undefined) {
      throw new UiRegistryError(
        from === undefined ? C.unknownComponent : C.registryInvalid,
        from === undefined ? JSON.stringify(name) : `${from} needs ${name}`,
      );
    }
    if (visiting.has(name)) throw new UiRegistryError(C.registryInvalid, `cycle at ${name}`);
    visiting.add(name);
    for (const d of item.dependencies) visit(d, name);
    visiting.delete(name);
    done.add(name);
    out.push(item);
  };
  for (const n of names) visit(n, undefined);
  return out;
}

/** `sha256-<base64>` of a file's body. */
export function checksum(body: string): string {
  return `sha256-${createHash("sha256").update(body, "utf8").digest("base64")}`;
}

/** What a copy's header says. */
export interface FileHeader {
  readonly item: string;
  readonly version: string;
  readonly checksum: string;
}

const MARK = "vango-ui";
const HEADER =
  /^(?:\/\/|\/\*) vango-ui (\S+) (\S+) (sha256-[A-Za-z0-9+/=]+)(?: \*\/)?\n(?:(?:\/\/|\/\*).*\n)?/;

/**
 * The file as copied into an app: two comment lines (item, version, checksum of the
 * body; what the app may do with it), then the body as shipped.
 */
export function stamp(item: string, version: string, file: string, body: string): string {
  const sum = checksum(body);
  const note =
    "Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.";
  return file.endsWith(".css")
    ? `/* ${MARK} ${item} ${version} ${sum} */\n/* ${note} */\n${body}`
    : `// ${MARK} ${item} ${version} ${sum}\n// ${note}\n${body}`;
}

/** Splits a copy into its header and body; `undefined` when it has no VangoUI header. */
export function parseStamped(text: string): { header: FileHeader; body: string } | undefined {
  const m = HEADER.exec(text);
  if (m === null) return undefined;
  return {
    header: { item: m[1]!, version: m[2]!, checksum: m[3]! },
    body: text.slice(m[0].length),
  };
}
