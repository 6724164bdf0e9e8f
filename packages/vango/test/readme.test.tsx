/**
 * The README's examples, run as written, so the first thing users copy stays true. The
 * first example runs as a user runs it: the package built by its `prepare` script (what
 * `npm install` runs), the code block saved as `counter.tsx` in a fresh project set up
 * as the README says (`"type": "module"`, the JSX settings, `vango` installed as npm
 * links a local folder), and the README's own command — plain Node, no
 * `--conditions=source`, so `vango` resolves to `dist/`.
 *
 * The package is built in a copy of its shipped folders, not in place: rewriting
 * `packages/vango/dist` file by file while another test file runs the built CLI from it
 * (vitest runs files in parallel wherever there are cores for it) fails that file with a
 * half-written module.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { signal } from "vango";
import { PatchOp } from "vango/protocol";
import { mountTest, sparePort } from "vango/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PKG = resolve(import.meta.dirname, "..");
const ROOT = resolve(PKG, "../..");
const README = readFileSync(resolve(ROOT, "README.md"), "utf8");

/**
 * `packages/vango` as npm would link it, in `dir`: its manifest, build config and shipped
 * source folders at the same depth below a copy of the base tsconfig, and the
 * repository's `node_modules` (its dependencies and `tsc`) beside them. Returns the
 * package's folder.
 */
function copyPackage(dir: string): string {
  const pkg = join(dir, "packages", "vango");
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(ROOT, "tsconfig.base.json"), join(dir, "tsconfig.base.json"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  for (const f of ["package.json", "tsconfig.build.json"]) {
    copyFileSync(join(PKG, f), join(pkg, f));
  }
  const manifest = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8")) as {
    files: string[];
  };
  for (const d of manifest.files) {
    if (d !== "dist") cpSync(join(PKG, d), join(pkg, d), { recursive: true });
  }
  return pkg;
}

/** The README's first TSX code block. */
function firstExample(): string {
  const m = /```tsx\n([\s\S]*?)```/.exec(README);
  if (m === null) throw new Error("README has no tsx block");
  return m[1]!;
}

/** The one shell line in the README that runs `counter.tsx`, without its comment. */
function runCommand(): string[] {
  const lines = [...README.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.split("\n"))
    .filter((l) => /\bcounter\.tsx\b/.test(l));
  expect(lines).toHaveLength(1);
  return lines[0]!.replace(/#.*$/, "").trim().split(/\s+/);
}

/** Polls `url` until it answers, the child exits, or the time is up. */
async function firstAnswer(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`example exited ${child.exitCode}:\n${output()}`);
    try {
      return await fetch(url);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`example did not answer in time:\n${output()}`);
}

describe("README", () => {
  let work: string | undefined;
  let project: string | undefined;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "vango-readme-"));
    const pkg = copyPackage(join(work, "repo"));
    // Exactly what `npm install` / `npm ci` runs for the package.
    execFileSync("npm", ["run", "prepare"], { cwd: pkg, stdio: "pipe" });
    const dir = join(work, "app");
    mkdirSync(dir);
    project = dir;
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { jsx: "react-jsx", jsxImportSource: "vango" } }),
    );
    mkdirSync(join(dir, "node_modules"));
    // `npm install <path>/packages/vango` links the folder; tsx comes from the registry.
    symlinkSync(pkg, join(dir, "node_modules", "vango"), "dir");
    const tsx = dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
    symlinkSync(tsx, join(dir, "node_modules", "tsx"), "dir");
    writeFileSync(join(dir, "counter.tsx"), firstExample());
  }, 120_000);
  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("the first example, run with the README's command, serves its page and its client", async () => {
    const [cmd, ...args] = runCommand();
    expect([cmd, ...args]).toEqual(["node", "--import", "tsx", "counter.tsx"]);
    const port = await sparePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
    delete env.NODE_OPTIONS; // nothing may add `--conditions=source` behind the README's back
    const child = spawn(process.execPath, args, { cwd: project!, env });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c;
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c;
    });
    try {
      const page = await firstAnswer(`http://127.0.0.1:${port}/`, child, () => output);
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(html).toContain(">Clicked 0 times</button>");
      // The client is bundled from the shipped sources by the compiled `dist/` code.
      const src = /<script defer src="(\/_vango\/client\.[0-9a-f]+\.js)"/.exec(html)![1]!;
      const client = await fetch(`http://127.0.0.1:${port}${src}`);
      expect(client.status).toBe(200);
      expect(await client.text()).toMatch(/^"use strict";\(\(\)=>\{/);
    } finally {
      child.kill();
    }
  }, 60_000);

  it("the testing example returns the exact patches", async () => {
    function Counter() {
      const count = signal(0);
      return () => (
        <button type="button" onClick={() => count.set(count() + 1)}>
          Clicked {count()} times
        </button>
      );
    }
    const t = mountTest(Counter);
    expect(await t.click("button")).toEqual([
      { op: PatchOp.SetText, parent: 2, index: 0, text: "Clicked 1 times" },
    ]);
    expect(t.html()).toContain("Clicked 1 times");
    t.dispose();
  });
});
