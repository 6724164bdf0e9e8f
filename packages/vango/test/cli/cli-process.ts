/**
 * Runs the built `vango` bin (`dist/cli/bin.js`, as an installed package runs it) as a
 * real process, and apps made by `vango create` in temporary folders outside the
 * repository, installed with npm from its cache where it can (`--prefer-offline`).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

export const BIN = resolve(import.meta.dirname, "../../dist/cli/bin.js");

const run = promisify(execFile);

/** A folder under the OS temp dir (never inside the repository). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `vango <args>` in `cwd`, to completion. */
export async function vango(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Ran> {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** `npm <args>` in `cwd` (throws with its output when it fails). */
export const npm = (args: string[], cwd: string): Promise<string> => npmEnv(args, cwd, {});

export async function npmEnv(
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<string> {
  try {
    const r = await run("npm", args, { cwd, env: { ...process.env, NO_COLOR: "1", ...env } });
    return r.stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(" ")} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

/**
 * Installs an app, from npm's cache where it can. Not `--offline`: the repo's `npm ci`
 * caches the tarballs of the app's packages but not their registry metadata, which
 * `npm install` needs to resolve them, so on a clean machine an offline install fails
 * with ENOTCACHED.
 */
export const install = (cwd: string) =>
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], cwd);

export interface Running {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | string>;
  /** Waits until the output has `text` (or the process exits, or 60 s pass). */
  waitFor(text: string | RegExp, from?: number): Promise<void>;
  kill(): void;
}

/** `vango <args>` left running (dev, start). */
export function spawnVango(args: string[], cwd: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  const exited = new Promise<number | string>((ok) => {
    child.once("exit", (code, signal) => ok(code ?? signal ?? -1));
  });
  return {
    child,
    output: () => out,
    exited,
    async waitFor(text, from = 0) {
      const deadline = Date.now() + 60_000;
      const has = () => {
        const s = out.slice(from);
        return typeof text === "string" ? s.includes(text) : text.test(s);
      };
      while (!has()) {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`no ${String(text)} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
