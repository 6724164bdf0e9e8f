/**
 * The source tree's architecture, checked: folders depend on each other without cycles
 * (a folder's files may import each other freely), the browser client depends on the
 * protocol only, the engine's ground floor uses no Node APIs, and the error factory
 * imports nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");

interface SourceFile {
  readonly path: string;
  readonly folder: string;
  readonly imports: readonly string[];
}

function sources(): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) {
        const text = readFileSync(p, "utf8");
        const imports = [...text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]!);
        out.push({ path: relative(SRC, p), folder: relative(SRC, dirname(p)) || ".", imports });
      }
    }
  };
  walk(SRC);
  return out;
}

const files = sources();

function folderOf(file: SourceFile, spec: string): string {
  return relative(SRC, dirname(resolve(SRC, file.folder, spec))) || ".";
}

/** folder → folders it imports from (relative imports only). */
function folderGraph(): Map<string, Map<string, string>> {
  const g = new Map<string, Map<string, string>>();
  for (const f of files) {
    for (const spec of f.imports) {
      if (!spec.startsWith(".")) continue;
      const to = folderOf(f, spec);
      if (to === f.folder) continue;
      if (!g.has(f.folder)) g.set(f.folder, new Map());
      g.get(f.folder)!.set(to, `${f.path} → ${spec}`);
    }
  }
  return g;
}

describe("source layout", () => {
  it("has no import cycle between folders", () => {
    const g = folderGraph();
    const cycles: string[] = [];
    const reaches = (from: string, to: string, seen: Set<string>): boolean => {
      if (from === to) return true;
      if (seen.has(from)) return false;
      seen.add(from);
      for (const next of g.get(from)?.keys() ?? []) if (reaches(next, to, seen)) return true;
      return false;
    };
    for (const [from, tos] of g) {
      for (const [to, where] of tos) {
        if (reaches(to, from, new Set())) cycles.push(`${from} → ${to} (${where})`);
      }
    }
    expect(cycles).toEqual([]);
  });

  it("keeps the browser client on the protocol only", () => {
    const bad = files
      .filter((f) => f.folder === "client" && f.path !== "client/build.ts")
      .flatMap((f) => f.imports.filter((s) => s.startsWith(".")).map((s) => [f, s] as const))
      .filter(([f, s]) => !["client", "protocol", "errors"].includes(folderOf(f, s)))
      .map(([f, s]) => `${f.path} → ${s}`);
    expect(bad).toEqual([]);
  });

  it("uses no Node APIs in the engine's ground floor and the client", () => {
    const floors = ["errors", "reactive", "vdom", "protocol", "client"];
    const bad = files
      // The two bundlers run in Node, beside the code they bundle.
      .filter(
        (f) =>
          floors.includes(f.folder) &&
          f.path !== "client/build.ts" &&
          f.path !== "client/build-chunks.ts",
      )
      .flatMap((f) =>
        f.imports.filter((s) => s.startsWith("node:")).map((s) => `${f.path} → ${s}`),
      );
    expect(bad).toEqual([]);
  });

  it("keeps the error factory free of imports", () => {
    const f = files.find((x) => x.path === "errors/create-error.ts");
    expect(f?.imports).toEqual([]);
  });
});
