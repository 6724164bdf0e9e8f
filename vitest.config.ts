import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  oxc: { jsx: { runtime: "automatic", importSource: "vango" } },
  test: {
    include: ["packages/*/test/**/*.test.{ts,tsx}", "examples/*/test/**/*.test.{ts,tsx}"],
    passWithNoTests: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // expect.poll waits 1 s by default: thin for a browser's round trip while another
    // test file holds the other core.
    expect: { poll: { timeout: 5_000 } },
    pool: "forks",
    // vitest's default, one file per core but one, is one at a time on two cores; most
    // files wait on sockets, child processes and timers, so two at once halve CI there.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ["default", "./vitest-summary.ts"],
  },
});
