/**
 * The audit log against a sink under the test's control: batches, the timer, the
 * bounded queue, retries then drops, an open circuit spending no attempts, sampling,
 * drops counted and logged (not one line per drop), and close() with a deadline.
 */
import { describe, expect, it } from "vitest";
import { AuditLog, type AuditRow, type AuditSink } from "../../../src/auth/audit/audit-log.ts";
import { createMetrics } from "../../../src/observability/metrics.ts";
import { captureLogger, until } from "../../server/helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class FakeSink implements AuditSink {
  readonly batches: AuditRow[][] = [];
  down = false;
  delayMs = 0;
  calls = 0;
  async write(rows: readonly AuditRow[]): Promise<void> {
    this.calls++;
    if (this.delayMs > 0) await sleep(this.delayMs);
    if (this.down) throw new Error("ECONNREFUSED");
    this.batches.push([...rows]);
  }
  get rows(): AuditRow[] {
    return this.batches.flat();
  }
}

async function dropped(m: ReturnType<typeof createMetrics>): Promise<Record<string, number>> {
  const v = await m.registry.getSingleMetric("vango_audit_dropped_total")!.get();
  return Object.fromEntries(v.values.map((x) => [String(x.labels.reason), x.value]));
}

describe("AuditLog", () => {
  it("writes full batches at once and the rest on the timer, with every column", async () => {
    const sink = new FakeSink();
    const log = new AuditLog({ sink, batchSize: 3, flushMs: 50 });
    const metrics = createMetrics({ collectDefault: false });
    log.bind({ metrics });
    for (let i = 0; i < 4; i++) {
      log.record({
        action: "todo.delete",
        target: `t${i}`,
        requestId: "r1",
        sessionId: "s1",
        userId: "u1",
        ip: "127.0.0.1",
        userAgent: "UA",
        metadata: { i, password: "x" },
      });
    }
    await sleep(10);
    expect(sink.batches.map((b) => b.length)).toEqual([3]);
    await sleep(80);
    expect(sink.batches.map((b) => b.length)).toEqual([3, 1]);
    expect(sink.rows[0]).toMatchObject({
      action: "todo.delete",
      target: "t0",
      requestId: "r1",
      traceId: null,
      sessionId: "s1",
      userId: "u1",
      ip: "127.0.0.1",
      userAgent: "UA",
      metadata: '{"i":0,"password":"[REDACTED]"}',
    });
    expect(sink.rows[0]!.ts).toBeInstanceOf(Date);
    expect(await metrics.render()).toContain("vango_audit_written_total 4\n");
    await log.close();
  });

  it("drops past the bound while the sink is down, retries, then drops after maxAttempts", async () => {
    const sink = new FakeSink();
    sink.down = true;
    const logger = captureLogger();
    const metrics = createMetrics({ collectDefault: false });
    const log = new AuditLog({
      sink,
      maxQueue: 5,
      batchSize: 5,
      flushMs: 20,
      maxAttempts: 2,
      breaker: { failureThreshold: 100, timeoutMs: 1000 },
      logger,
    });
    log.bind({ metrics });
    const t0 = performance.now();
    for (let i = 0; i < 12; i++) log.record({ action: "x", target: String(i) });
    // record() never waits, whatever the sink does (a bound below the sink's 1 s deadline,
    // and above a busy machine's stalls).
    expect(performance.now() - t0).toBeLessThan(500);
    expect(log.queued).toBe(5);
    // Two attempts, flushMs apart: waited for, as a stall of the machine delays the timers.
    await until(
      async () => ((await dropped(metrics)).write_failed ?? 0) >= 5,
      5_000,
      "two attempts",
    );
    expect(await dropped(metrics)).toMatchObject({ queue_full: 7, write_failed: 5 });
    // One warning for the burst, not one per event.
    const warns = logger.entries.filter((e) => e.msg === "audit events dropped");
    expect(warns.length).toBe(1);
    sink.down = false;
    log.record({ action: "x", target: "after" });
    await log.flush();
    expect(sink.rows.map((r) => r.target)).toEqual(["after"]);
    await log.close();
  });

  it("spends no attempts while the circuit is open, and writes everything once it closes", async () => {
    const sink = new FakeSink();
    sink.down = true;
    const log = new AuditLog({
      sink,
      batchSize: 10,
      flushMs: 10,
      maxAttempts: 2,
      breaker: { failureThreshold: 1, resetMs: 200, timeoutMs: 1000 },
    });
    for (let i = 0; i < 3; i++) log.record({ action: "a", target: String(i) });
    await sleep(50); // one failed write (attempt 1), circuit open
    expect(sink.calls).toBe(1);
    expect(log.status()).toMatchObject({ status: "degraded", state: "open" });
    sink.down = false;
    await sleep(400);
    expect(sink.rows.map((r) => r.target)).toEqual(["0", "1", "2"]);
    expect(log.status()).toMatchObject({ status: "ok" });
    await log.close();
  });

  it("samples per action; 0 keeps none, unlisted actions are all kept", async () => {
    const sink = new FakeSink();
    const log = new AuditLog({ sink, sample: { noisy: 0.25, never: 0 }, flushMs: 5 });
    for (let i = 0; i < 2000; i++) log.record({ action: "noisy" });
    for (let i = 0; i < 10; i++) log.record({ action: "never" });
    for (let i = 0; i < 10; i++) log.record({ action: "login.failure" });
    await log.close();
    const by = (a: string) => sink.rows.filter((r) => r.action === a).length;
    expect(by("noisy")).toBeGreaterThan(350);
    expect(by("noisy")).toBeLessThan(650);
    expect([by("never"), by("login.failure")]).toEqual([0, 10]);
    expect(() => log.record({ action: "bad action!" })).toThrow(RangeError);
    expect(() => new AuditLog({ sink, sample: { x: 2 } })).toThrow(RangeError);
  });

  it("close() writes what it can before the deadline and drops the rest as shutdown", async () => {
    const sink = new FakeSink();
    sink.delayMs = 300;
    const metrics = createMetrics({ collectDefault: false });
    const log = new AuditLog({ sink, batchSize: 2, flushMs: 1000 });
    log.bind({ metrics });
    for (let i = 0; i < 6; i++) log.record({ action: "a" });
    await log.close(450);
    expect((await dropped(metrics)).shutdown).toBeGreaterThanOrEqual(2);
    log.record({ action: "late" });
    expect((await dropped(metrics)).shutdown).toBeGreaterThanOrEqual(3);
  });
});
