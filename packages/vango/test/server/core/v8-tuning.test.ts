/**
 * `createApp` turns off V8's allocation-site pretenuring (v8-tuning.ts) unless
 * `v8Tuning: false`. Observed in a child process through V8's own pretenuring trace:
 * a workload whose allocation sites V8 marks for pretenuring with the default flags
 * gets no pretenuring decision at all once an app was created.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const child = fileURLToPath(new URL("./v8-tuning-child.ts", import.meta.url));

/** The pretenuring trace lines printed after the app was created. */
function traceAfterCreate(arg: "on" | "off"): string[] {
  const r = spawnSync(
    process.execPath,
    [
      "--trace-pretenuring",
      "--trace-pretenuring-statistics",
      "--conditions=source",
      "--import",
      "tsx",
      child,
      arg,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  const out = r.stdout.split("\n");
  const start = out.indexOf("--- app created");
  expect(start).toBeGreaterThanOrEqual(0);
  expect(out).toContain("--- kept 4000000");
  return out.slice(start).filter((l) => l.includes("pretenuring:"));
}

describe("V8 tuning", () => {
  it("with v8Tuning: false, V8 moves the workload's sites towards pretenuring (the control)", () => {
    expect(traceAfterCreate("off").some((l) => /=> (maybe )?tenure/.test(l))).toBe(true);
  });

  it("by default, no pretenuring decision is made after createApp", () => {
    expect(traceAfterCreate("on")).toEqual([]);
  });
});
