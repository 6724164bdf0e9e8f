/**
 * The load client as a child process (so its CPU and heap never count as the server's).
 * Driven over IPC by `session.bench.ts` / `run-load.ts`:
 *   { cmd: "idle", port, n }   → opens n sessions, replies "ready"
 *   { cmd: "pages", port, n }  → n page GETs only (pending sessions)
 *   { cmd: "events", port, n, rate, seconds, warmup, hid, ackMs }
 *       → opens n sessions, replies "connected", waits for { cmd: "go" }, clicks `rate`/s
 *       per session for `warmup + seconds`, and replies with the round trips of the
 *       events sent after the warm-up, its CPU, event-loop delay and send lag
 *   { cmd: "churn", port, n, batch, hid } → opens n sessions `batch` at a time, clicks each
 *       once, waits for its patch and closes the socket; replies { ok: "churn", opened,
 *       answered, errors }
 *   { cmd: "exit" }
 * Every run is bounded: sessions ≤ 10,000 at once (churn: ≤ 50,000 in all, ≤ 1,000 at
 * once), seconds ≤ 900.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { PhxLoadSession } from "./phx-client.ts";
import { fetchBoot, LoadSession, openMany } from "./protocol-client.ts";

/** `VANGO_BENCH_PEER=liveviewjs`: speak to the LiveViewJS peer instead. */
const PEER = process.env.VANGO_BENCH_PEER === "liveviewjs";
const openSessions = (port: number, n: number): Promise<(LoadSession | PhxLoadSession)[]> =>
  PEER ? openMany(port, n, 50, (p) => PhxLoadSession.open(p)) : openMany(port, n);

type Cmd =
  | { cmd: "idle"; port: number; n: number }
  | { cmd: "pages"; port: number; n: number }
  | {
      cmd: "events";
      port: number;
      n: number;
      rate: number;
      seconds: number;
      warmup: number;
      hid: number;
      /** Ack window in ms, as the browser client's `ACK_MS` (0: ack every frame). */
      ackMs: number;
    }
  | { cmd: "churn"; port: number; n: number; batch: number; hid: number }
  | { cmd: "go" }
  | { cmd: "exit" };

/** What one client process reports for an `events` run. */
export interface EventsReport {
  readonly ok: "events";
  readonly sent: number;
  /** Round trips (ms) of the recorded (post-warm-up) events, unsorted. */
  readonly rtts: number[];
  /** Recorded events still unanswered at the end. */
  readonly lost: number;
  readonly seconds: number;
  /** Client CPU, fraction of one core, over the recorded window. */
  readonly cpu: number;
  readonly eldP50: number;
  readonly eldP99: number;
  readonly eldMax: number;
  /** How late (ms) the pacing timer sent events after they were due: p99 and max. */
  readonly lagP99: number;
  readonly lagMax: number;
  /** Round-trip p99 (ms) of the events sent in each second of the recorded window. */
  readonly perSecondP99: number[];
}

let open: (LoadSession | PhxLoadSession)[] = [];
let go: (() => void) | undefined;
const send = (m: unknown) => process.send?.(m);

async function events(m: Extract<Cmd, { cmd: "events" }>): Promise<EventsReport> {
  const n = Math.min(m.n, 10_000);
  // Load runs are short; the soak (load/soak.ts) runs up to 15 minutes.
  const total = Math.min(m.seconds + m.warmup, 900);
  open = await openSessions(m.port, n);
  await new Promise<void>((resolve) => {
    go = resolve;
    send({ ok: "connected", n: open.length });
  });
  const eld = monitorEventLoopDelay({ resolution: 1 });
  const lags: number[] = [];
  let sent = 0;
  const t0 = performance.now();
  const recordFrom = t0 + m.warmup * 1000;
  for (const s of open) s.recordFrom = recordFrom;
  let cpu0 = process.cpuUsage();
  let recording = false;
  // One timer for all sessions (not one per session): each 5 ms tick sends the events
  // due so far, round-robin, so every session clicks `rate` times a second, evenly.
  // A session's send time is stamped when it is really sent, so pacing lag never counts
  // as server latency; it is reported apart (`lag`).
  const perMs = (n * m.rate) / 1000;
  LoadSession.ackDelayMs = m.ackMs;
  const end = t0 + total * 1000;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      if (!recording && now >= recordFrom) {
        recording = true;
        cpu0 = process.cpuUsage();
        eld.enable();
      }
      const due = Math.floor((Math.min(now, end) - t0) * perMs);
      if (recording && due > sent) lags.push(now - (t0 + sent / perMs));
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
  const measured = (performance.now() - recordFrom) / 1000;
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  const deadline = performance.now() + 5000;
  while (open.some((s) => s.inFlight > 0) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  // Only now: a burst of every session's ack while the last events are in flight would
  // delay their patches behind it, a spike no steady load has.
  for (const s of open) s.sendAck();
  const rtts: number[] = [];
  const buckets: number[][] = [];
  let lost = 0;
  for (const s of open) {
    for (let i = 0; i < s.rtts.length; i++) {
      const r = s.rtts[i]!;
      rtts.push(r);
      const b = Math.floor((s.sentStamps[i]! - recordFrom) / 1000);
      const bucket = buckets[b];
      if (bucket === undefined) buckets[b] = [r];
      else bucket.push(r);
    }
    lost += s.inFlight;
  }
  const perSecondP99 = Array.from(buckets, (b) => {
    const x = (b ?? []).sort((p, q) => p - q);
    return x[Math.floor(x.length * 0.99)] ?? 0;
  });
  lags.sort((a, b) => a - b);
  for (const s of open) s.close();
  open = [];
  return {
    ok: "events",
    sent,
    rtts,
    lost,
    seconds: measured,
    cpu: (cpu.user + cpu.system) / 1e6 / measured,
    eldP50: eld.percentile(50) / 1e6,
    eldP99: eld.percentile(99) / 1e6,
    eldMax: eld.max / 1e6,
    lagP99: lags[Math.floor(lags.length * 0.99)] ?? 0,
    lagMax: lags.at(-1) ?? 0,
    perSecondP99,
  };
}

async function churn(m: Extract<Cmd, { cmd: "churn" }>) {
  const n = Math.min(m.n, 50_000);
  const batch = Math.min(m.batch, 1000);
  let opened = 0;
  let answered = 0;
  let errors = 0;
  for (let done = 0; done < n; done += batch) {
    let batchOpen: (LoadSession | PhxLoadSession)[] = [];
    try {
      batchOpen = await openSessions(m.port, Math.min(batch, n - done));
    } catch {
      errors++;
      continue;
    }
    opened += batchOpen.length;
    for (const s of batchOpen) s.click(m.hid);
    const deadline = performance.now() + 10_000;
    while (batchOpen.some((s) => s.inFlight > 0) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const s of batchOpen) {
      if (s.inFlight === 0) answered++;
      else errors++;
      s.close();
    }
  }
  return { ok: "churn", opened, answered, errors };
}

process.on("message", async (m: Cmd) => {
  try {
    if (m.cmd === "exit") {
      for (const s of open) s.close();
      process.exit(0);
    }
    if (m.cmd === "go") {
      go?.();
      return;
    }
    if (m.cmd === "churn") {
      send(await churn(m));
      return;
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
      open = await openSessions(m.port, n);
      send({ ok: "ready", n: open.length });
      return;
    }
    send(await events(m));
  } catch (err) {
    send({ error: String(err) });
  }
});
send({ ok: "started" });
