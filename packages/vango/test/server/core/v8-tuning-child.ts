/**
 * Child process of v8-tuning.test.ts: creates an app (`v8Tuning` from argv), prints a
 * marker, then keeps objects from one allocation site alive across many scavenges,
 * the pattern V8's pretenuring reacts to. Run with `--trace-pretenuring`.
 */
import { createApp } from "../../../src/server/app.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";

createApp({
  routes: { "/": () => () => null },
  logger: silentLogger,
  v8Tuning: process.argv[2] !== "off",
});
process.stdout.write("--- app created\n");

function make(i: number): { a: number; b: number[] } {
  return { a: i, b: [i] };
}
const keep: unknown[] = [];
for (let r = 0; r < 40; r++) for (let i = 0; i < 100_000; i++) keep.push(make(i));
process.stdout.write(`--- kept ${keep.length}\n`);
