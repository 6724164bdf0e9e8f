/**
 * Churn (issue 17): `n` counter sessions opened, clicked once and closed, `batch` at a
 * time, against a server with a short resume window (`resumeMs`). The server's heap after
 * forced GCs before the churn and after the resume window has passed (closed sessions
 * detached, then expired or evicted): goal within 2 % of the baseline. Bounded: n ≤
 * 50,000. Not part of `npm test` or `npm run bench`:
 *   node --conditions=source --import tsx packages/vango/bench/load/churn.ts [n] [batch] [resumeMs]
 * With `VANGO_BENCH_SNAPSHOTS=dir`, the server also writes a heap snapshot at the
 * baseline and after settling (`dir/churn-base.heapsnapshot`, `dir/churn-after.heapsnapshot`)
 * and `heap-diff.ts` prints what grew between them and what retains it.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { spawn } from "./run-load.ts";

const [n = 20_000, batch = 500, resumeMs = 5_000] = process.argv.slice(2).map(Number);
const server = spawn("server-process.ts", ["--expose-gc"], {
  ...process.env,
  VANGO_BENCH_RESUME_MS: String(resumeMs),
  // Checkpoints of expired sessions are kept for resume after a restart (10 min by
  // default): here they expire with the resume window, so the store empties too.
  VANGO_BENCH_CHECKPOINT_TTL_MS: String(resumeMs),
});
const { port } = (await server.next()) as { port: number };
const client = spawn("client-process.ts");
await client.next();
const mem = async () => {
  server.proc.send({ cmd: "mem", gc: true });
  return (await server.next()) as { rss: number; heapUsed: number };
};
const mb = (b: number) => (b / 2 ** 20).toFixed(2);
/**
 * Heap after GC once it stops moving: expired checkpoints leave on the store's sweep
 * (every 60 s), so readings 10 s apart until two differ by < 0.5 % (at most 150 s).
 */
const settled = async () => {
  let prev = await mem();
  for (let waited = 0; waited < 150_000; waited += 10_000) {
    await new Promise((r) => setTimeout(r, 10_000));
    const cur = await mem();
    const moved = Math.abs(cur.heapUsed - prev.heapUsed) / prev.heapUsed;
    prev = cur;
    if (moved < 0.005 && waited >= 60_000) break;
  }
  return prev;
};
// Warm-up churn: code compiled, pools and tables at their working size (the manager
// remembers the last 8,192 ended sessions by key; its table takes its lasting size at
// the first one pushed out, so the warm-up goes past that).
client.proc.send({ cmd: "churn", port, n: 10_000, batch, hid: 4 });
await client.next();
const base = await settled();
const snapshots = process.env.VANGO_BENCH_SNAPSHOTS;
const snapshot = async (name: string) => {
  if (snapshots === undefined) return "";
  const file = join(snapshots, `churn-${name}.heapsnapshot`);
  server.proc.send({ cmd: "snapshot", file });
  await server.next();
  return file;
};
const baseFile = await snapshot("base");
const t0 = performance.now();
client.proc.send({ cmd: "churn", port, n, batch, hid: 4 });
const r = (await client.next()) as { opened: number; answered: number; errors: number };
const secs = (performance.now() - t0) / 1000;
const during = await mem();
// Detached sessions expire resumeMs after their socket closed, their checkpoints on the
// store's next sweep.
const after = await settled();
const afterFile = await snapshot("after");
client.proc.send({ cmd: "exit" });
server.proc.send({ cmd: "exit" });
const pct = ((after.heapUsed - base.heapUsed) / base.heapUsed) * 100;
console.log(`
| churn | value | goal |
|---|---:|---|
| sessions opened / clicked and answered / errors | ${r.opened} / ${r.answered} / ${r.errors} (${secs.toFixed(1)} s, ${batch} at a time) | 0 errors |
| server heap: baseline (GC) | ${mb(base.heapUsed)} MB | |
| right after the churn (sessions detached) | ${mb(during.heapUsed)} MB | |
| after the ${resumeMs / 1000} s resume window, expiry and the store's sweep (GC, settled) | ${mb(after.heapUsed)} MB (${pct >= 0 ? "+" : ""}${pct.toFixed(2)} %) | within 2 % |
| heap left per session churned | ${((after.heapUsed - base.heapUsed) / r.opened).toFixed(0)} B | |
| server RSS baseline → after | ${mb(base.rss)} → ${mb(after.rss)} MB | |
`);
if (snapshots !== undefined) {
  const diff = join(import.meta.dirname, "heap-diff.ts");
  execFileSync(process.execPath, ["--import", "tsx", diff, baseFile, afterFile], {
    stdio: "inherit",
  });
}
process.exit(0);
