/**
 * The code blocks of the guides type-check: each `ts`/`tsx` block is
 * compiled as its own module (as if it sat in `docs/`), with the project's compiler
 * options, against the package's sources.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
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
];

interface Block {
  readonly guide: string;
  readonly line: number;
  readonly file: string;
  readonly code: string;
}

function blocks(): Block[] {
  const out: Block[] = [];
  for (const guide of GUIDES) {
    const text = readFileSync(join(ROOT, guide), "utf8");
    for (const m of text.matchAll(/```(tsx?)\n([\s\S]*?)```/g)) {
      const line = text.slice(0, m.index).split("\n").length;
      const name = `${guide.replace(/[/.]/g, "_")}_${line}.${m[1]}`;
      out.push({ guide, line, file: join(ROOT, "docs", name), code: m[2]! });
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
  });

  it("every ts/tsx block type-checks", () => {
    const options = compilerOptions();
    const virtual = new Map(all.map((b) => [b.file, b.code]));
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, lang, onError, create) => {
      const code = virtual.get(resolve(file));
      return code !== undefined
        ? ts.createSourceFile(file, code, lang, true)
        : getSourceFile(file, lang, onError, create);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => virtual.has(resolve(file)) || fileExists(file);
    const readFile = host.readFile.bind(host);
    host.readFile = (file) => virtual.get(resolve(file)) ?? readFile(file);
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
