/**
 * Integration with a real Prometheus server (Debian `prometheus`): the app's internal
 * metrics listener is scraped every second, and the series the runtime recorded for a
 * page GET and a WebSocket click come back from Prometheus' HTTP query API.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MetricsServer, serveMetrics } from "../../src/observability/metrics-server.ts";
import { FrameType } from "../../src/protocol/constants.ts";
import { sparePort } from "../../src/testing/spare-port.ts";
import { Counter } from "./fixtures.tsx";
import { getPage, type Running, sleep, start, TestSocket } from "./helpers.ts";

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

let srv: Running;
let metrics: MetricsServer;
let prom: ChildProcess | undefined;
let promPort = 0;
let dir = "";
let promLog = "";

/** The executable `name` found on `PATH` (like promtool in monitoring-assets), or a clear failure. */
function onPath(name: string): string {
  for (const d of (process.env.PATH ?? "").split(delimiter)) {
    if (d === "") continue;
    const file = join(d, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    `${name} is required for this test and was not found on PATH (Debian: apt-get install prometheus)`,
  );
}

async function query(q: string): Promise<Series[]> {
  const res = await fetch(
    `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`,
  );
  const body = (await res.json()) as { status: string; data: { result: Series[] } };
  return body.status === "success" ? body.data.result : [];
}

/** Polls Prometheus until `accept` holds for the query's result (bounded). */
async function poll(q: string, accept: (r: Series[]) => boolean, ms = 25_000): Promise<Series[]> {
  const end = Date.now() + ms;
  let last: Series[] = [];
  while (Date.now() < end) {
    try {
      last = await query(q);
      if (accept(last)) return last;
    } catch {
      // Prometheus still starting.
    }
    await sleep(250);
  }
  throw new Error(`no expected result for ${q}: ${JSON.stringify(last)}\n${promLog.slice(-2000)}`);
}

beforeAll(async () => {
  srv = await start({ routes: { "/": Counter } });
  metrics = await serveMetrics({ registry: srv.app.metrics!, port: 0, host: "127.0.0.1" });
  dir = mkdtempSync(join(tmpdir(), "vango-prom-"));
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: vango",
      "    static_configs:",
      `      - targets: ["127.0.0.1:${metrics.port}"]`,
      "",
    ].join("\n"),
  );
  promPort = await sparePort();
  prom = spawn(
    onPath("prometheus"),
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  prom.stdout!.on("data", (d: Buffer) => {
    promLog += d.toString();
  });
  prom.stderr!.on("data", (d: Buffer) => {
    promLog += d.toString();
  });
}, 30_000);

afterAll(async () => {
  if (prom !== undefined && prom.exitCode === null) {
    const exited = new Promise((r) => prom!.once("exit", r));
    prom.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    if (prom.exitCode === null) prom.kill("SIGKILL");
  }
  await metrics?.close();
  await srv?.close();
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe("a real Prometheus scraping the app", () => {
  it("gets the recorded event, patch, session and HTTP series", async () => {
    const page = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, page.cookie);
    await s.attach(page);
    for (let i = 0; i < 2; i++) {
      s.click(4);
      expect((await s.next()).type).toBe(FrameType.Patches);
    }

    const up = await poll("up", (r) => r.some((x) => x.value[1] === "1"));
    expect(up[0]!.metric).toMatchObject({ job: "vango", instance: `127.0.0.1:${metrics.port}` });
    const clicks = await poll('vango_events_total{type="click"}', (r) => r[0]?.value[1] === "2");
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.metric).toEqual({
      __name__: "vango_events_total",
      instance: `127.0.0.1:${metrics.port}`,
      job: "vango",
      type: "click",
    });
    const all = await query("vango_events_total");
    expect(all.map((x) => x.metric.type).sort()).toContain("hook");
    expect(all.filter((x) => x.value[1] !== "0").map((x) => x.metric.type)).toEqual(["click"]);
    expect((await query("vango_patches_sent_total"))[0]!.value[1]).toBe("2");
    expect((await query("vango_active_sessions"))[0]!.value[1]).toBe("1");
    const http = await query("vango_http_requests_total");
    expect(http.map((x) => [x.metric.route, x.metric.method, x.metric.status, x.value[1]])).toEqual(
      [["/", "GET", "200", "1"]],
    );
    const count = await query('vango_event_duration_seconds_count{type="click"}');
    expect(count[0]!.value[1]).toBe("2");
    s.close();
  }, 40_000);
});
