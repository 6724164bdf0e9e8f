/**
 * `npm run bench [-- filter]`: runs every `*.bench.ts(x)` in this folder in its own
 * Node process (so one benchmark's garbage and JIT state never skew another), in name
 * order, with `--expose-gc` for the memory measurements.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? "";
const files = readdirSync(here)
  .filter((f) => /\.bench\.tsx?$/.test(f) && f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches "${filter}"`);
  process.exit(1);
}
console.log(
  `# Vango benchmarks — Node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? "cpu"}`,
);
let failed = 0;
for (const f of files) {
  const r = spawnSync(
    process.execPath,
    ["--conditions=source", "--expose-gc", "--import", "tsx", join(here, f)],
    { stdio: "inherit" },
  );
  if (r.status !== 0) {
    console.error(`benchmark ${f} failed with status ${r.status}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
