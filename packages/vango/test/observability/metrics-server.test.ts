import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createMetrics } from "../../src/observability/metrics.ts";
import { metricsHandler, serveMetrics } from "../../src/observability/metrics-server.ts";
import { ERRORS, ErrorCode } from "../../src/protocol/errors.ts";

const PROM_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe("serveMetrics", () => {
  it("serves GET /metrics on loopback with the Prometheus content type", async () => {
    const metrics = createMetrics({ collectDefault: false });
    metrics.patchesSent(7);
    const prev = process.env.METRICS_PORT;
    process.env.METRICS_PORT = "0";
    const s = await serveMetrics({ registry: metrics.registry });
    process.env.METRICS_PORT = prev;
    cleanups.push(() => s.close());
    expect((s.server.address() as AddressInfo).address).toBe("127.0.0.1");
    const res = await fetch(`http://127.0.0.1:${s.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(PROM_CONTENT_TYPE);
    expect(await res.text()).toContain("vango_patches_sent_total 7\n");
    const head = await fetch(`http://127.0.0.1:${s.port}/metrics?x=1`, { method: "HEAD" });
    expect(head.status).toBe(200);
  });

  it("keeps an error listener after listening: a later server error is logged, not thrown", async () => {
    const logged: { obj: object; msg?: string }[] = [];
    const log = (obj: object, msg?: string) => logged.push({ obj, msg });
    const logger = { debug: log, info: log, warn: log, error: log };
    const s = await serveMetrics({ registry: createMetrics().registry, port: 0, logger });
    cleanups.push(() => s.close());
    const err = Object.assign(new Error("accept failed"), { code: "EMFILE" });
    expect(() => s.server.emit("error", err)).not.toThrow();
    expect(logged.map((e) => e.obj)).toEqual([
      { err, code: ErrorCode.internal_error, host: "127.0.0.1", port: 0 },
    ]);
    expect((await fetch(`http://127.0.0.1:${s.port}/metrics`)).status).toBe(200);
  });

  it("refuses other paths (404) and methods (405) with registry codes", async () => {
    const s = await serveMetrics({ registry: createMetrics().registry, port: 0 });
    cleanups.push(() => s.close());
    const notFound = await fetch(`http://127.0.0.1:${s.port}/`);
    expect(notFound.status).toBe(ERRORS.not_found.status);
    expect(((await notFound.json()) as { error: { code: string } }).error.code).toBe(
      ErrorCode.not_found,
    );
    const post = await fetch(`http://127.0.0.1:${s.port}/metrics`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe(
      ErrorCode.method_not_allowed,
    );
  });

  it("rejects when the port is taken", async () => {
    const a = await serveMetrics({ registry: createMetrics().registry, port: 0 });
    cleanups.push(() => a.close());
    await expect(
      serveMetrics({ registry: createMetrics().registry, port: a.port }),
    ).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});

describe("metricsHandler", () => {
  const TOKEN = "s3cret-token-0123456789";

  async function mount(): Promise<string> {
    const metrics = createMetrics({ collectDefault: false });
    metrics.reconnected();
    const handle = metricsHandler({ registry: metrics.registry, token: TOKEN });
    const server: Server = createServer(handle);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  }

  it("answers 401 + WWW-Authenticate without a token", async () => {
    const res = await fetch(await mount());
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      ErrorCode.unauthorized,
    );
  });

  it("answers 401 with error=invalid_token for a wrong or truncated token", async () => {
    const url = await mount();
    for (const token of ["wrong", TOKEN.slice(0, -1), `${TOKEN}x`]) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe(
        'Bearer realm="metrics", error="invalid_token"',
      );
    }
    const basic = await fetch(url, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
  });

  it("serves the metrics with the right bearer token", async () => {
    const res = await fetch(await mount(), { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(PROM_CONTENT_TYPE);
    expect(await res.text()).toContain("vango_reconnects_total 1\n");
  });

  it("refuses to be built with a short token", () => {
    const registry = createMetrics({ collectDefault: false }).registry;
    expect(() => metricsHandler({ registry, token: "" })).toThrow(RangeError);
    expect(() => metricsHandler({ registry, token: "short" })).toThrow(RangeError);
  });
});
