/**
 * The load client as a child process (so its CPU and heap never count as the server's).
 * Driven over IPC by `session.bench.ts`:
 *   { cmd: "idle", port, n }                       → opens n sessions, replies "ready"
 *   { cmd: "pages", port, n }                      → n page GETs only (pending sessions)
 *   { cmd: "events", port, n, rate, seconds, hid } → opens n sessions, replies "connected",
 *       then clicks `rate`/s per session and replies { sent, done, p50, p99, max, clientCpu }
 *   { cmd: "exit" }
 * Every run is bounded: sessions ≤ 10,000, seconds ≤ 60.
 */
import { fetchBoot, type LoadSession, openMany, percentile } from "./protocol-client.ts";

type Cmd =
  | { cmd: "idle"; port: number; n: number }
  | { cmd: "pages"; port: number; n: number }
  | { cmd: "events"; port: number; n: number; rate: number; seconds: number; hid: number }
  | { cmd: "exit" };

let open: LoadSession[] = [];
const send = (m: unknown) => process.send?.(m);

process.on("message", async (m: Cmd) => {
  try {
    if (m.cmd === "exit") {
      for (const s of open) s.close();
      process.exit(0);
    }
    const n = Math.min(m.n, 10_000);
    if (m.cmd === "pages") {
      for (let i = 0; i < n; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => fetchBoot(m.port)));
      }
      send({ ok: "ready", n });
      return;
    }
    if (m.cmd === "idle") {
      open = await openMany(m.port, n);
      send({ ok: "ready", n: open.length });
      return;
    }
    const seconds = Math.min(m.seconds, 60);
    open = await openMany(m.port, n);
    send({ ok: "connected", n: open.length });
    let sent = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // One timer for all sessions (not one per session): each 5 ms tick sends the events
    // due so far, round-robin, so every session clicks `rate` times a second, evenly.
    const perMs = (n * m.rate) / 1000;
    const end = t0 + seconds * 1000;
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const now = performance.now();
        const due = Math.floor((Math.min(now, end) - t0) * perMs);
        while (sent < due) {
          open[sent % n]!.click(m.hid);
          sent++;
        }
        if (now >= end) {
          clearInterval(tick);
          resolve();
        }
      }, 5);
    });
    const deadline = performance.now() + 5000;
    while (open.some((s) => s.inFlight > 0) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const all = open.flatMap((s) => s.rtts).sort((a, b) => a - b);
    send({
      ok: "events",
      sent,
      done: all.length,
      seconds: elapsed,
      p50: percentile(all, 50),
      p99: percentile(all, 99),
      max: all.at(-1) ?? Number.NaN,
      clientCpu: (cpu.user + cpu.system) / 1e6 / elapsed,
    });
    for (const s of open) s.close();
    open = [];
  } catch (err) {
    send({ error: String(err) });
  }
});
send({ ok: "started" });
