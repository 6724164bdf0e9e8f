/**
 * `vango start`'s node flags (`src/cli/node-flags.ts`): which are missing, and the
 * relaunch in real processes — the child has them, signals reach it once through the
 * parent, the parent exits as the child did, and a child whose parent is killed stops.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { missingFlags, START_FLAGS } from "../../src/cli/node-flags.ts";

const FIXTURE = join(import.meta.dirname, "fixtures/relaunching.ts");

describe("missingFlags", () => {
  it("names the flags node was not started with, by name, wherever the user set them", () => {
    expect(missingFlags(START_FLAGS, [], {})).toEqual(["--max-semi-space-size=64"]);
    // A value of the user's own wins, on the command line or in NODE_OPTIONS, - or _.
    expect(missingFlags(START_FLAGS, ["--max-semi-space-size=32"], {})).toEqual([]);
    expect(
      missingFlags(START_FLAGS, [], {
        NODE_OPTIONS: "--enable-source-maps --max_semi_space_size=8",
      }),
    ).toEqual([]);
    // Other flags do not count.
    expect(missingFlags(START_FLAGS, ["--max-old-space-size=512"], {})).toEqual(START_FLAGS);
    // Turned off, and never twice.
    expect(missingFlags(START_FLAGS, [], { VANGO_NODE_FLAGS: "off" })).toEqual([]);
    expect(missingFlags(START_FLAGS, [], { VANGO_RELAUNCHED: "1" })).toEqual([]);
    // A process started for a debugger stays the server; Windows has no process groups.
    expect(missingFlags(START_FLAGS, ["--inspect=9230"], {})).toEqual([]);
    expect(missingFlags(START_FLAGS, [], { NODE_OPTIONS: "--inspect-brk" })).toEqual([]);
    expect(missingFlags(START_FLAGS, [], {}, "win32")).toEqual([]);
    expect(missingFlags(START_FLAGS, [], {}, "darwin")).toEqual(START_FLAGS);
  });
});

interface Started {
  readonly parent: ChildProcess;
  readonly child: { pid: number; execArgv: string[] };
  readonly exit: Promise<[number | null, NodeJS.Signals | null]>;
}

async function startFixture(env: Record<string, string> = {}): Promise<Started> {
  const parent = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exit = once(parent, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  let out = "";
  parent.stdout!.setEncoding("utf8");
  for await (const chunk of parent.stdout!) {
    out += chunk;
    if (out.includes("\n")) break;
  }
  return { parent, child: JSON.parse(out.split("\n")[0]!), exit };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

describe("relaunch", () => {
  it("runs a child with the flags; SIGTERM reaches it through the parent, which exits as it did", async () => {
    const s = await startFixture();
    expect(s.child.pid).not.toBe(s.parent.pid);
    expect(s.child.execArgv).toContain("--max-semi-space-size=64");
    // The parent's own flags are kept (tsx's loader here).
    expect(s.child.execArgv).toContain("tsx");
    s.parent.kill("SIGTERM");
    expect(await s.exit).toEqual([3, null]);
    expect(await gone(s.child.pid)).toBe(true);
  });

  it("a child whose parent was killed outright stops", async () => {
    const s = await startFixture();
    s.parent.kill("SIGKILL");
    await s.exit;
    expect(await gone(s.child.pid)).toBe(true);
  });

  it("VANGO_NODE_FLAGS=off runs in the process node started", async () => {
    const s = await startFixture({ VANGO_NODE_FLAGS: "off" });
    expect(s.child.pid).toBe(s.parent.pid);
    expect(s.child.execArgv).not.toContain("--max-semi-space-size=64");
    s.parent.kill("SIGTERM");
    expect(await s.exit).toEqual([3, null]);
  });
});
