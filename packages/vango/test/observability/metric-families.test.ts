import { Counter, Histogram, type Metric, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { CounterFamily, HistogramFamily } from "../../src/observability/metric-families.ts";

const BOUNDS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS: [string, number][] = [
  ["a", 0.0005],
  ["a", 0.001],
  ["a", 0.05],
  ["b", 3],
  ["a", 0.2],
  ["b", 0.01],
];

describe("metric families", () => {
  it("render exactly like prom-client's Counter and Histogram", async () => {
    const ref = new Registry();
    const c = new Counter({ name: "x_total", help: "h", labelNames: ["k"], registers: [ref] });
    const h = new Histogram({
      name: "x_seconds",
      help: "h",
      labelNames: ["k"],
      buckets: BOUNDS,
      registers: [ref],
    });
    const mine = new Registry();
    const cf = new CounterFamily("x_total", "h");
    const hf = new HistogramFamily("x_seconds", "h", BOUNDS);
    mine.registerMetric(cf as unknown as Metric);
    mine.registerMetric(hf as unknown as Metric);
    for (const [k, v] of OBSERVATIONS) {
      c.inc({ k });
      h.observe({ k }, v);
      cf.series(k, { k }).value++;
      hf.observe(hf.series(k, { k }), v);
    }
    expect(await mine.metrics()).toBe(await ref.metrics());
    // JSON too, apart from prom-client's always-empty exemplar fields.
    const strip = (ms: Awaited<ReturnType<Registry["getMetricsAsJSON"]>>) =>
      ms.map((m) => ({
        ...m,
        values: m.values.map((v) => ({
          labels: v.labels,
          value: v.value,
          metricName: (v as { metricName?: string }).metricName,
        })),
      }));
    expect(strip(await mine.getMetricsAsJSON())).toEqual(strip(await ref.getMetricsAsJSON()));
  });

  it("ignores NaN, resets to zero and returns the same series per key", async () => {
    const hf = new HistogramFamily("y_seconds", "h", BOUNDS);
    const s = hf.series("a", { k: "a" });
    expect(hf.series("a", { k: "a" })).toBe(s);
    hf.observe(s, Number.NaN);
    hf.observe(s, 0.5);
    expect([s.count, s.sum, [...s.buckets]]).toEqual([1, 0.5, [0, 0, 0, 1, 0]]);
    hf.reset();
    expect([s.count, s.sum, [...s.buckets]]).toEqual([0, 0, [0, 0, 0, 0, 0]]);
    const cf = new CounterFamily("y_total", "h");
    cf.series("a", { k: "a" }).value += 3;
    cf.reset();
    expect((await cf.get()).values).toEqual([{ labels: { k: "a" }, value: 0 }]);
  });
});
