/**
 * The worst cases of each decode path for inputs up to 64 KiB a server receives take
 * under a millisecond. Asserted on the best of 21 CPU-time batches (the intrinsic cost; parallel test workers
 * on a 2-core CI box inflate every other statistic) plus a generous median bound. `npm
 * test` runs this file on its own after the parallel suite (`test:perf`), so other
 * workers do not skew it.
 *
 * Server frames (the app's own output, decoded by the browser client with the protocol's
 * 100,000-item default) get 2 ms: an array past ~16,380 items lives in V8's large-object
 * space, whose fresh pages alone cost ≥ 0.5 ms on the CI VM (measured); servers cap
 * client collections at 16,000 items (`CLIENT_FRAME_MAX_ITEMS`) for that reason.
 *
 * Not covered: hook payloads made of objects with distinct keys. V8 builds a hidden class
 * per new key set, ~1.2 µs per object on the CI VM (64 KiB of one-key objects: ~10 ms;
 * `JSON.parse` of the same objects costs about as much per object); see the protocol
 * doc's Limits section.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./perf-cases.ts", import.meta.url));

function bound(t: { fromServer: boolean }): number {
  return t.fromServer ? 2 : 1;
}

describe("decode time for inputs ≤ 64 KiB", () => {
  it("each worst-case client frame decodes in < 1 ms, each server frame in < 2 ms", () => {
    // V8 occasionally settles a fresh process on a slow optimisation of one decoder;
    // the intrinsic cost is the best of up to three fresh processes, per input.
    type Timing = { bytes: number; fromServer: boolean; min: number; median: number };
    let best: Record<string, Timing> = {};
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", script], {
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const results = JSON.parse(r.stdout) as Record<string, Timing>;
      expect(Object.keys(results).length).toBe(8);
      for (const [name, t] of Object.entries(results)) {
        const prev = best[name];
        if (prev === undefined || t.min < prev.min) best = { ...best, [name]: t };
      }
      if (Object.values(best).every((t) => t.min < bound(t))) break;
    }
    for (const [name, t] of Object.entries(best)) {
      expect(t.bytes, name).toBeLessThanOrEqual(64 * 1024);
      expect(t.min, `${name}: best ${t.min} ms`).toBeLessThan(bound(t));
      expect(t.median, `${name}: median ${t.median} ms`).toBeLessThan(3 * bound(t));
    }
  }, 360_000);
});
