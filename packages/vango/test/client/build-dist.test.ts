/**
 * The published package: `dist/` holds the compiled `client/build.js` but no client
 * sources, so the bundler must find the entry in the shipped `src/`. Compiles `build.ts`
 * (and what it imports) with the package's build config into a temp package laid out
 * like the published one, then runs the compiled `buildClient` in plain Node.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { buildClient } from "../../src/client/build.ts";

const PKG = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Emits `src/client/build.ts` and its imports to `<outPkg>/dist` with tsconfig.build.json. */
function compileBuildModule(outPkg: string): readonly string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(PKG, "tsconfig.build.json"),
    { outDir: join(outPkg, "dist"), declaration: false },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (config === undefined) throw new Error("tsconfig.build.json did not parse");
  const program = ts.createProgram([join(PKG, "src/client/build.ts")], config.options);
  const emitted: string[] = [];
  const result = program.emit(undefined, (file, text) => {
    ts.sys.writeFile(file, text);
    emitted.push(file.slice(outPkg.length + 1));
  });
  if (result.emitSkipped) throw new Error("tsc skipped the emit");
  return emitted.sort();
}

describe("buildClient from the compiled package", () => {
  it("finds the entry in the shipped src/ and builds the same bundle", async () => {
    const out = mkdtempSync(join(tmpdir(), "vango-dist-"));
    try {
      symlinkSync(join(PKG, "src"), join(out, "src"), "dir");
      const esbuildPkg = createRequire(import.meta.url).resolve("esbuild/package.json");
      symlinkSync(dirname(dirname(esbuildPkg)), join(out, "node_modules"), "dir");
      const emitted = compileBuildModule(out);
      expect(emitted).toContain("dist/client/build.js");
      expect(existsSync(join(out, "dist/client/main.ts"))).toBe(false);
      expect(existsSync(join(out, "dist/client/main.js"))).toBe(false);

      const built = pathToFileURL(join(out, "dist/client/build.js")).href;
      const script =
        `const { buildClient } = await import(${JSON.stringify(built)});` +
        "const r = await buildClient({ minify: true });" +
        "process.stdout.write(JSON.stringify({ hash: r.hash, size: r.code.length }));";
      const stdout = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
        cwd: out,
        encoding: "utf8",
      });
      const fromSource = await buildClient({ minify: true });
      expect(JSON.parse(stdout)).toEqual({ hash: fromSource.hash, size: fromSource.code.length });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
