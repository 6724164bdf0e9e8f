import { describe, expect, it } from "vitest";
import { createMetrics, EVENT_TYPE_LABELS, metricsOf } from "../../src/observability/metrics.ts";
import { EventType } from "../../src/protocol/constants.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";

async function values(
  m: ReturnType<typeof createMetrics>,
  name: string,
): Promise<{ labels: Record<string, string | number>; value: number; metricName?: string }[]> {
  const metric = m.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  return (await metric.get()).values as {
    labels: Record<string, string | number>;
    value: number;
    metricName?: string;
  }[];
}

describe("createMetrics", () => {
  it("registers exactly the Vango metric set on a private registry", async () => {
    const m = createMetrics({ collectDefault: false });
    const names = (await m.registry.getMetricsAsJSON()).map((x) => `${x.name}:${x.type}`).sort();
    expect(names).toEqual([
      "vango_active_sessions:gauge",
      "vango_audit_dropped_total:counter",
      "vango_audit_queue_length:gauge",
      "vango_audit_written_total:counter",
      "vango_auth_logins_total:counter",
      "vango_auth_refusals_total:counter",
      "vango_bus_messages_total:counter",
      "vango_dependency_up:gauge",
      "vango_detached_sessions:gauge",
      "vango_event_duration_seconds:histogram",
      "vango_events_total:counter",
      "vango_http_request_duration_seconds:histogram",
      "vango_http_requests_total:counter",
      "vango_parked_sessions:gauge",
      "vango_patches_sent_total:counter",
      "vango_reconnects_total:counter",
      "vango_session_checkpoint_duration_seconds:histogram",
      "vango_session_checkpoints_total:counter",
      "vango_session_evictions_total:counter",
      "vango_session_memory_bytes:gauge",
      "vango_session_parks_total:counter",
      "vango_session_restore_duration_seconds:histogram",
      "vango_session_restores_total:counter",
      "vango_session_wake_duration_seconds:histogram",
      "vango_session_wakes_total:counter",
      "vango_websocket_errors_total:counter",
    ]);
    const other = createMetrics({ collectDefault: false });
    expect(other.registry).not.toBe(m.registry);
  });

  it("adds Node default metrics (event-loop lag) to the same registry", async () => {
    const m = createMetrics();
    const text = await m.render();
    expect(text).toContain("# TYPE nodejs_eventloop_lag_seconds gauge");
    expect(text).toContain("# TYPE process_cpu_user_seconds_total counter");
  });

  it("honours the prefix option", async () => {
    const m = createMetrics({ prefix: "app_", collectDefault: false });
    m.patchesSent(3);
    expect(await m.render()).toContain("app_patches_sent_total 3\n");
  });

  it("bounds event types: codes, names, hook names; unknown → other", async () => {
    const m = createMetrics({ collectDefault: false });
    m.eventObserved("click", 0.001);
    m.eventObserved(EventType.Click, 0.003);
    m.eventObserved("hook.chart", 0.002);
    m.eventObserved("<script>", 0.002);
    m.eventObserved(999, 0.002);
    const counts = new Map(
      (await values(m, "vango_events_total")).map((v) => [v.labels.type, v.value]),
    );
    expect([...counts.keys()].sort()).toEqual([...EVENT_TYPE_LABELS, "other"].sort());
    expect(counts.get("click")).toBe(2);
    expect(counts.get("hook")).toBe(1);
    expect(counts.get("other")).toBe(2);
    expect(counts.get("input")).toBe(0);
    const text = await m.render();
    expect(text).toContain('vango_event_duration_seconds_bucket{le="0.0005",type="click"} 0\n');
    expect(text).toContain('vango_event_duration_seconds_bucket{le="0.001",type="click"} 1\n');
    expect(text).toContain('vango_event_duration_seconds_bucket{le="2",type="click"} 2\n');
    expect(text).toContain('vango_event_duration_seconds_count{type="click"} 2\n');
  });

  it("keeps route labels bounded: 1,000 raw paths recorded as unmatched → one series", async () => {
    const m = createMetrics({ collectDefault: false });
    for (let i = 0; i < 1000; i++) m.httpObserved(undefined, "GET", 404, 0.001);
    m.httpObserved("/users/:id", "GET", 200, 0.002);
    const total = await values(m, "vango_http_requests_total");
    expect(total.map((v) => [v.labels.route, v.labels.method, v.labels.status, v.value])).toEqual([
      ["unmatched", "GET", "404", 1000],
      ["/users/:id", "GET", "200", 1],
    ]);
    const buckets = (await values(m, "vango_http_request_duration_seconds")).filter(
      (v) => v.metricName === "vango_http_request_duration_seconds_count",
    );
    expect(buckets).toHaveLength(2);
  });

  it("caps distinct route templates even when a caller passes raw paths", async () => {
    const m = createMetrics({ collectDefault: false, maxRoutes: 10 });
    for (let i = 0; i < 1000; i++) m.httpObserved(`/raw/${i}`, "GET", 200, 0.001);
    const routes = new Set(
      (await values(m, "vango_http_requests_total")).map((v) => v.labels.route),
    );
    expect(routes.size).toBe(11);
    expect(routes.has("other")).toBe(true);
    expect(routes.has("/raw/9")).toBe(true);
    expect(routes.has("/raw/10")).toBe(false);
  });

  it("normalises method and status labels", async () => {
    const m = createMetrics({ collectDefault: false });
    m.httpObserved("/", "BREW", 200, 0.001);
    m.httpObserved("/", undefined, 1234, 0.001);
    m.httpObserved("/", "get", 200, 0.001);
    const total = await values(m, "vango_http_requests_total");
    expect(total.map((v) => [v.labels.method, v.labels.status, v.value])).toEqual([
      ["OTHER", "200", 2],
      ["OTHER", "other", 1],
    ]);
  });

  it("bounds websocket error types to the registry codes", async () => {
    const m = createMetrics({ collectDefault: false });
    m.websocketError(ErrorCode.payload_too_large);
    m.websocketError(ErrorCode.payload_too_large);
    m.websocketError("random junk");
    const v = await values(m, "vango_websocket_errors_total");
    expect(v.map((x) => [x.labels.type, x.value])).toEqual([
      ["payload_too_large", 2],
      ["other", 1],
    ]);
  });

  it("samples session gauges once per scrape from all registered samplers", async () => {
    const m = createMetrics({ collectDefault: false });
    let calls = 0;
    m.sampleSessions(() => {
      calls++;
      return { active: 3, detached: 1, memoryBytes: 1000 };
    });
    const off = m.sampleSessions(() => ({ active: 2, detached: 0, memoryBytes: 500 }));
    const text = await m.render();
    expect(calls).toBe(1);
    expect(text).toContain("vango_active_sessions 5\n");
    expect(text).toContain("vango_detached_sessions 1\n");
    expect(text).toContain("vango_session_memory_bytes 1500\n");
    off();
    await new Promise((r) => setImmediate(r));
    const again = await m.render();
    expect(calls).toBe(2);
    expect(again).toContain("vango_active_sessions 3\n");
  });

  it("records reconnects, patches and dependency state with a bounded name set", async () => {
    const m = createMetrics({ collectDefault: false, maxDependencies: 2 });
    m.reconnected();
    m.patchesSent();
    m.patchesSent(4);
    m.dependencyObserved("redis", true);
    m.dependencyObserved("postgres", false);
    m.dependencyObserved("third", false);
    const text = await m.render();
    expect(text).toContain("vango_reconnects_total 1\n");
    expect(text).toContain("vango_patches_sent_total 5\n");
    expect(text).toContain('vango_dependency_up{name="redis"} 1\n');
    expect(text).toContain('vango_dependency_up{name="postgres"} 0\n');
    expect(text).toContain('vango_dependency_up{name="other"} 0\n');
  });

  it("records logins, auth refusals and the audit log's writes, drops and queue", async () => {
    const m = createMetrics({ collectDefault: false });
    expect(metricsOf(m.registry)).toBe(m);
    expect(metricsOf(undefined)).toBeUndefined();
    m.loginObserved("success");
    m.loginObserved("failure");
    m.loginObserved("failure");
    m.loginObserved("bogus");
    m.authRefused("token_expired");
    for (let i = 0; i < 40; i++) m.authRefused(`made_up_${i}`);
    m.auditWritten(7);
    m.auditDropped("queue_full", 3);
    m.auditDropped("nonsense", 1);
    const stop = m.sampleAuditQueue(() => 5);
    m.sampleAuditQueue(() => 2);
    let text = await m.render();
    expect(text).toContain('vango_auth_logins_total{outcome="success"} 1\n');
    expect(text).toContain('vango_auth_logins_total{outcome="failure"} 2\n');
    expect(text).toContain('vango_auth_logins_total{outcome="throttled"} 0\n');
    expect(text).toContain('vango_auth_logins_total{outcome="other"} 1\n');
    expect(text).toContain('vango_auth_refusals_total{reason="token_expired"} 1\n');
    // At most 32 distinct reasons; the rest count as other.
    expect(text).toContain('vango_auth_refusals_total{reason="other"} 9\n');
    expect(text).toContain("vango_audit_written_total 7\n");
    expect(text).toContain('vango_audit_dropped_total{reason="queue_full"} 3\n');
    expect(text).toContain('vango_audit_dropped_total{reason="write_failed"} 0\n');
    expect(text).toContain('vango_audit_dropped_total{reason="other"} 1\n');
    expect(text).toContain("vango_audit_queue_length 7\n");
    stop();
    text = await m.render();
    expect(text).toContain("vango_audit_queue_length 2\n");
  });
});
