/**
 * Every decode of an input up to 64 KiB takes under a millisecond. Asserted on the best
 * of 21 CPU-time batches (the intrinsic cost; parallel test workers on a 2-core CI box
 * inflate every other statistic) plus a generous median bound.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./perf-cases.ts", import.meta.url));

describe("decode time for inputs ≤ 64 KiB", () => {
  it("each worst-case input decodes in a median < 1 ms", () => {
    const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", script], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as Record<
      string,
      { bytes: number; min: number; median: number }
    >;
    expect(Object.keys(results).length).toBe(7);
    for (const [name, { bytes, min, median }] of Object.entries(results)) {
      expect(bytes, name).toBeLessThanOrEqual(64 * 1024);
      expect(min, `${name}: best ${min} ms`).toBeLessThan(1);
      expect(median, `${name}: median ${median} ms`).toBeLessThan(3);
    }
  }, 120_000);
});
