/**
 * The code blocks of the guides type-check: each `ts`/`tsx` block is
 * compiled as its own module (as if it sat in `docs/`), with the project's compiler
 * options, against the package's sources; so do the README's page, layout and server
 * entry, as the files they name. The VangoUI guide's blocks are route files of
 * an app (`app/routes/`) that imports its copies of the components from
 * `app/components/ui/` — here, the registry's own files.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const GUIDES = [
  "docs/getting-started.md",
  "docs/components.md",
  "docs/data.md",
  "docs/forms.md",
  "docs/testing.md",
  "docs/deployment.md",
  "docs/hooks.md",
  "docs/uploads.md",
  "docs/streams.md",
  "docs/flash.md",
  "docs/routing.md",
  "docs/state.md",
  "docs/auth.md",
  "docs/observability.md",
  "docs/ui.md",
];

/** Where `vango add` puts the components by default, read from the registry itself. */
const APP_UI = join(ROOT, "app", "components", "ui");
const REGISTRY_UI = join(ROOT, "packages", "vango", "registry", "ui");

/** The registry file for a path under the app's component folder, else the path itself. */
function real(file: string): string {
  const abs = resolve(file);
  return abs.startsWith(APP_UI + sep) ? join(REGISTRY_UI, abs.slice(APP_UI.length + 1)) : abs;
}

interface Block {
  readonly guide: string;
  readonly line: number;
  readonly file: string;
  readonly code: string;
}

/**
 * The README's two-page app with a form ("Pages, navigation and forms"): each block is
 * the file its first line names (`// app/routes/todos.tsx — …`), compiled where it says.
 */
function readmeBlocks(): Block[] {
  const text = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = text.indexOf("## Pages, navigation and forms");
  const end = text.indexOf("\n## ", start + 1);
  const out: Block[] = [];
  for (const m of text
    .slice(start, end)
    .matchAll(/```tsx\n\/\/ ([\w./[\]-]+\.tsx)[^\n]*\n([\s\S]*?)```/g)) {
    // The line of the fence's naming comment, the line before the code (as for guides).
    const line = text.slice(0, start + m.index).split("\n").length + 1;
    out.push({ guide: "README.md", line, file: join(ROOT, m[1]!), code: m[2]! });
  }
  return out;
}

function blocks(): Block[] {
  const out: Block[] = readmeBlocks();
  for (const guide of GUIDES) {
    const text = readFileSync(join(ROOT, guide), "utf8");
    for (const m of text.matchAll(/```(tsx?)\n([\s\S]*?)```/g)) {
      const line = text.slice(0, m.index).split("\n").length;
      const name = `${guide.replace(/[/.]/g, "_")}_${line}.${m[1]}`;
      const dir = guide === "docs/ui.md" ? join(ROOT, "app", "routes") : join(ROOT, "docs");
      out.push({ guide, line, file: join(dir, name), code: m[2]! });
    }
  }
  return out;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  return { ...parsed.options, noEmit: true };
}

describe("guides", () => {
  const all = blocks();

  it("have code blocks to check", () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
    // The README's layout, form page and server entry.
    expect(readmeBlocks().map((b) => b.file.slice(ROOT.length + 1))).toEqual([
      "app/routes/_layout.tsx",
      "app/routes/todos.tsx",
      "main.tsx",
    ]);
  });

  it("every ts/tsx block type-checks", () => {
    const options = compilerOptions();
    const virtual = new Map(all.map((b) => [b.file, b.code]));
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, lang, onError, create) => {
      const code = virtual.get(resolve(file));
      if (code !== undefined) return ts.createSourceFile(file, code, lang, true);
      const path = real(file);
      return path === resolve(file)
        ? getSourceFile(file, lang, onError, create)
        : ts.createSourceFile(file, readFileSync(path, "utf8"), lang, true);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => virtual.has(resolve(file)) || fileExists(real(file));
    const readFile = host.readFile.bind(host);
    host.readFile = (file) => virtual.get(resolve(file)) ?? readFile(real(file));
    // The app's folders exist only here: module resolution looks for them first.
    const directoryExists = host.directoryExists?.bind(host);
    host.directoryExists = (dir) => {
      const abs = resolve(dir);
      if (APP_UI === abs || APP_UI.startsWith(abs + sep) || abs.startsWith(APP_UI + sep))
        return true;
      if (abs === join(ROOT, "app", "routes")) return true;
      return directoryExists?.(real(dir)) ?? true;
    };
    const program = ts.createProgram([...virtual.keys()], options, host);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && virtual.has(resolve(d.file.fileName)))
      .map((d) => {
        const block = all.find((b) => b.file === resolve(d.file!.fileName))!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${block.guide}:${block.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    expect(problems).toEqual([]);
  }, 180_000);
});
