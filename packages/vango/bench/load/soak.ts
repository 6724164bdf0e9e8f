/**
 * Soak (issue 17): `sessions` counter sessions click once a second each for `minutes`,
 * server and two load-client processes apart, all on 127.0.0.1. Reports the server's
 * RSS and heap after forced GCs at the start (after a 30 s warm-up) and at the end (goal:
 * RSS growth < 5 %), an RSS sample every minute (no GC forced), events lost or refused
 * (goal: 0) and the round-trip p99 per minute (goal: stable). Bounded: ≤ 10,000
 * sessions, ≤ 14 minutes. Not part of `npm test` or `npm run bench`:
 *   node --conditions=source --import tsx packages/vango/bench/load/soak.ts [sessions] [minutes]
 */
import { ACK_MS } from "../../src/client/client.ts";
import type { EventsReport } from "./client-process.ts";
import { spawn } from "./run-load.ts";

const [sessionsArg = 10_000, minutesArg = 10] = process.argv.slice(2).map(Number);
const sessions = Math.min(sessionsArg, 10_000);
const minutes = Math.min(minutesArg, 14);
const WARMUP_S = 30;
const procs = 2;

const server = spawn("server-process.ts", ["--expose-gc"]);
const { port } = (await server.next()) as { port: number };
const clients = Array.from({ length: procs }, () => spawn("client-process.ts"));
await Promise.all(clients.map((c) => c.next()));
const per = Math.ceil(sessions / procs);
const t0 = performance.now();
clients.forEach((c, i) => {
  c.proc.send({
    cmd: "events",
    port,
    n: Math.min(per, sessions - i * per),
    rate: 1,
    seconds: minutes * 60,
    warmup: WARMUP_S,
    hid: 4,
    ackMs: ACK_MS,
  });
});
await Promise.all(clients.map((c) => c.next()));
console.log(`${sessions} sessions connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const c of clients) c.proc.send({ cmd: "go" });

const mem = async (gc: boolean) => {
  server.proc.send({ cmd: "mem", gc });
  return (await server.next()) as { rss: number; heapUsed: number };
};
const mb = (b: number) => (b / 2 ** 20).toFixed(1);
await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
const start = await mem(true);
console.log(`start (after warm-up, GC): RSS ${mb(start.rss)} MB, heap ${mb(start.heapUsed)} MB`);
const samples: number[] = [];
const timer = setInterval(async () => {
  const m = await mem(false);
  samples.push(m.rss);
  console.log(`minute ${samples.length}: RSS ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB`);
}, 60_000);
const reports = (await Promise.all(clients.map((c) => c.next()))) as unknown as EventsReport[];
clearInterval(timer);
const end = await mem(true);
for (const c of clients) c.proc.send({ cmd: "exit" });
server.proc.send({ cmd: "exit" });

const sent = reports.reduce((a, r) => a + r.sent, 0);
const lost = reports.reduce((a, r) => a + r.lost, 0);
// p99 of each minute: the worst per-second p99 of the two client processes, then the
// median of that minute's seconds.
const perSecond = reports[0]!.perSecondP99.map((x, i) =>
  Math.max(x, ...reports.slice(1).map((r) => r.perSecondP99[i] ?? 0)),
);
const perMinute: number[] = [];
for (let i = 0; i < perSecond.length; i += 60) {
  const m = perSecond.slice(i, i + 60).sort((a, b) => a - b);
  perMinute.push(m[Math.floor(m.length / 2)] ?? 0);
}
const all = reports.flatMap((r) => r.rtts).sort((a, b) => a - b);
console.log(`
| soak | value | goal |
|---|---:|---|
| sessions × minutes at 1 event/s | ${sessions} × ${minutes} | 10,000 × 10 |
| events sent / recorded / lost | ${sent} / ${all.length} / ${lost} | 0 lost |
| server RSS start → end (after GC) | ${mb(start.rss)} → ${mb(end.rss)} MB (${(((end.rss - start.rss) / start.rss) * 100).toFixed(1)} %) | growth < 5 % |
| server heap start → end (after GC) | ${mb(start.heapUsed)} → ${mb(end.heapUsed)} MB | |
| round trip p50 / p99 over the run | ${all[Math.floor(all.length / 2)]?.toFixed(2)} / ${all[Math.floor(all.length * 0.99)]?.toFixed(2)} ms | |
| p99 per minute (median of per-second p99s) | ${perMinute.map((x) => x.toFixed(1)).join(", ")} ms | stable |
`);
process.exit(0);
