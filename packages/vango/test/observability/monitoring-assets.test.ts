/**
 * deploy/monitoring/ is checked, not trusted: the alert rules pass `promtool check rules`
 * and their unit tests, every dashboard query parses in Prometheus 2.42, and every metric
 * name in the dashboard and the alerts is one that `createMetrics()` registers.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createMetrics } from "../../src/observability/metrics.ts";

const DIR = resolve(import.meta.dirname, "../../../../deploy/monitoring");
const tmp = mkdtempSync(join(tmpdir(), "vango-monitoring-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function promtool(args: string[], cwd = DIR): { status: number | null; out: string } {
  const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  if (r.error !== undefined) {
    throw new Error(
      `promtool is required for these tests (Debian: apt-get install prometheus): ${r.error.message}`,
    );
  }
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
  templating: { list: { name: string; type: string; definition?: string }[] };
}
const dashboard = JSON.parse(
  readFileSync(join(DIR, "grafana-dashboard.json"), "utf8"),
) as Dashboard;
const alertsYaml = readFileSync(join(DIR, "alerts.yml"), "utf8");
const alertTestsYaml = readFileSync(join(DIR, "alerts.test.yml"), "utf8");

/** Grafana variables replaced by values Prometheus accepts. */
function concrete(expr: string): string {
  return expr.replaceAll("$__rate_interval", "5m").replace(/\$\{?(job|instance)\}?/g, ".*");
}

/** Every `expr:` of the rules file (inline or `|` block scalar), keyed by alert name. */
function alertExprs(yaml: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = yaml.split("\n");
  let alert = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const a = /^\s*- alert:\s*(\S+)/.exec(line);
    if (a) alert = a[1]!;
    const e = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!e) continue;
    if (e[2] !== "|" && e[2] !== ">") {
      out.set(alert, e[2]!);
      continue;
    }
    const indent = e[1]!.length;
    const body: string[] = [];
    while (i + 1 < lines.length) {
      const next = lines[i + 1]!;
      if (next.trim() !== "" && next.length - next.trimStart().length <= indent) break;
      body.push(next.trim());
      i++;
    }
    out.set(alert, body.join(" ").trim());
  }
  return out;
}

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "offset",
  "bool",
  "inf",
  "nan",
]);

/** Metric names referenced by a PromQL expression. */
function metricNames(expr: string): string[] {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const m of s.matchAll(/\b[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = s.slice(m.index + m[0].length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}

async function exportedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of await createMetrics().registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === "histogram") {
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(m.name + suffix);
    }
    if (String(m.type) === "summary")
      for (const suffix of ["_sum", "_count"]) names.add(m.name + suffix);
  }
  return names;
}

const dashboardExprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
const variableSelectors = dashboard.templating.list
  .filter((v) => v.type === "query")
  .map((v) => /^label_values\((.*),\s*\w+\)$/.exec(v.definition ?? "")?.[1] ?? "<unparsed>");

describe("alert rules", () => {
  it("pass promtool check rules", () => {
    const r = promtool(["check", "rules", "alerts.yml"]);
    expect(r.out).toContain("SUCCESS: 7 rules found");
    expect(r.status).toBe(0);
  });

  it("pass their promtool unit tests", () => {
    const r = promtool(["test", "rules", "alerts.test.yml"]);
    expect(r.out).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("define the required alerts, each tested firing and not firing", () => {
    const names = [...alertExprs(alertsYaml).keys()].sort();
    expect(names).toEqual([
      "VangoAuditEventsDropped",
      "VangoDependencyDown",
      "VangoEventLatencyP95High",
      "VangoEventLoopLag",
      "VangoHigh5xxRate",
      "VangoLoginFailuresHigh",
      "VangoSessionDrop",
    ]);
    const cases = [...alertTestsYaml.matchAll(/alertname:\s*(\w+)\s*\n\s*exp_alerts:(\s*\[\])?/g)];
    for (const name of names) {
      const mine = cases.filter((c) => c[1] === name);
      expect(
        mine.some((c) => c[2] !== undefined),
        `${name} never tested as not firing`,
      ).toBe(true);
      expect(
        mine.some((c) => c[2] === undefined),
        `${name} never tested as firing`,
      ).toBe(true);
    }
  });
});

describe("grafana dashboard", () => {
  it("has a panel for every required view", () => {
    const titles = dashboard.panels.map((p) => p.title);
    expect(titles).toEqual([
      "Sessions: active / detached / parked",
      "Event rate by type",
      "Event latency p50 / p95 / p99",
      "Patch frames sent",
      "Session memory (estimated)",
      "WebSocket errors by type",
      "Reconnects (resumed sessions)",
      "HTTP requests per second by route",
      "HTTP 5xx rate (share of responses)",
      "HTTP p95 latency by route",
      "Event-loop lag",
      "Dependencies up",
      "Session checkpoints, restores, parks and wakes",
      "Session store p95 latency",
      "Logins by outcome",
      "Auth refusals by reason",
      "Audit events: written / dropped / queued",
      "Shared-state bus messages",
    ]);
  });

  it("every query parses in promtool (as recording rules)", () => {
    const exprs = [...dashboardExprs, ...variableSelectors].map(concrete);
    const rules = exprs
      .map(
        (e, i) =>
          `      - record: vango_dashboard:check_${i}\n        expr: ${JSON.stringify(e)}\n`,
      )
      .join("");
    const file = join(tmp, "dashboard-rules.yml");
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}`);
    const r = promtool(["check", "rules", file], tmp);
    expect(r.out).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(r.status).toBe(0);
  });

  it("a broken query is caught by the same check", () => {
    const file = join(tmp, "broken-rules.yml");
    writeFileSync(
      file,
      `groups:\n  - name: b\n    rules:\n      - record: x:y\n        expr: "sum(rate(vango_events_total[5m])"\n`,
    );
    expect(promtool(["check", "rules", file], tmp).status).not.toBe(0);
  });
});

describe("metric names", () => {
  it("the extractor finds names, not functions, labels or keywords", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{status=~"5..", x="by"}[5m]))) / on() b and c offset 10m',
      ).sort(),
    ).toEqual(["a_bucket", "b", "c"]);
  });

  it("every metric in the dashboard and the alerts is exported by createMetrics()", async () => {
    const exported = await exportedNames();
    const used = new Set<string>();
    for (const e of [...dashboardExprs, ...variableSelectors, ...alertExprs(alertsYaml).values()]) {
      for (const n of metricNames(e)) used.add(n);
    }
    expect(used.size).toBeGreaterThan(10);
    const unknown = [...used].filter((n) => !exported.has(n));
    expect(unknown).toEqual([]);
  });

  it("every Vango metric appears on the dashboard", async () => {
    const vango = [...(await exportedNames())].filter(
      (n) => n.startsWith("vango_") && !/_(sum|count)$/.test(n),
    );
    const shown = new Set(dashboardExprs.flatMap(metricNames));
    const missing = vango.filter(
      (n) => !shown.has(n) && !(n.endsWith("_seconds") && shown.has(`${n}_bucket`)),
    );
    expect(missing).toEqual([]);
  });
});
