/**
 * The Node flags `vango start` runs the server with. V8 reads its heap sizes once, as the
 * process starts (`v8.setFlagsFromString` later changes nothing), so `start` runs itself
 * again with them in a child process, unless the process has them already (on node's
 * command line or in `NODE_OPTIONS`) or `VANGO_NODE_FLAGS=off`.
 *
 * `--max-semi-space-size=64` (MiB; Node 20's default grows to 16): each render's objects
 * live until the session's next event, a few hundred milliseconds, so with thousands of
 * sessions a small young generation fills before they die and every scavenge copies
 * them. In the load benchmark (2,000 sessions × 5 events/s) it cut the server's GC time
 * from ~21 to ~7 ms a second, for ~75 MB more peak RSS (BENCHMARKS.md); the young
 * generation grows to that size only under such a load.
 *
 * The parent stays as a thin supervisor: the child runs in its own process group, so a
 * terminal's Ctrl-C reaches it once, through the parent, which forwards SIGINT, SIGTERM
 * and SIGHUP and exits as the child did. A child whose parent is gone (killed with
 * SIGKILL) shuts down gracefully rather than running on unwatched.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";

/** What `start` adds to node's flags. */
export const START_FLAGS: readonly string[] = ["--max-semi-space-size=64"];

/** Set in the child's environment: it is the relaunched server (never relaunched again). */
export const RELAUNCHED_ENV = "VANGO_RELAUNCHED";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The flag's name: `--max-semi-space-size=64` → `--max-semi-space-size` (`_` as `-`). */
function flagName(flag: string): string {
  return flag.split("=", 1)[0]!.replaceAll("_", "-");
}

/**
 * The flags of `wanted` this process lacks: those whose name is neither in `execArgv`
 * nor in `NODE_OPTIONS` (a flag the user set wins). None when `env` turns them off
 * (`VANGO_NODE_FLAGS=off`), in the relaunched child, in a process started for a
 * debugger (`--inspect…`: it must stay the server), and on Windows (no process groups
 * to hand a console's Ctrl-C over cleanly).
 * @example missingFlags(START_FLAGS, process.execArgv, process.env) // ["--max-semi-space-size=64"]
 */
export function missingFlags(
  wanted: readonly string[],
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string[] {
  if (env.VANGO_NODE_FLAGS === "off" || env[RELAUNCHED_ENV] === "1") return [];
  if (platform === "win32") return [];
  const have = new Set(
    [...execArgv, ...(env.NODE_OPTIONS ?? "").split(/\s+/)]
      .filter((a) => a.startsWith("--"))
      .map(flagName),
  );
  if ([...have].some((f) => f.startsWith("--inspect"))) return [];
  return wanted.filter((f) => !have.has(flagName(f)));
}

/**
 * Runs this command again with `flags` added to node's, as a child that inherits stdio
 * and the environment; resolves with the exit code the parent should end with (the
 * child's, or 128 + its signal's number).
 */
export function relaunch(flags: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    env: { ...process.env, [RELAUNCHED_ENV]: "1" },
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    detached: true,
  });
  const forward = (signal: NodeJS.Signals) => () => {
    child.kill(signal);
  };
  const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)));
    });
  });
}

/**
 * In the relaunched child: `stop` once the parent is gone (its IPC channel closed), so a
 * supervisor killed outright does not leave the server running on its own. The channel
 * does not keep the process alive.
 */
export function stopWithParent(stop: (reason: string) => void): void {
  if (process.env[RELAUNCHED_ENV] !== "1" || process.channel === undefined) return;
  process.channel.unref();
  process.once("disconnect", () => stop("parent exited"));
}
