/**
 * The runtime records every metric of the architecture brief: a session driven through
 * page GET, connect, clicks, disconnect, resume and protocol errors leaves exact values
 * in the app's registry. Route labels stay bounded; /metrics is never public by default.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FrameType } from "../../src/protocol/constants.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import { Counter } from "./fixtures.tsx";
import { getPage, type Running, start, TestSocket, until } from "./helpers.ts";
import { sample } from "./metrics-text.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const scrape = (r: Running) => r.app.metrics!.metrics();

describe("runtime metrics", () => {
  it("records sessions, events, patches, memory, reconnects, WS errors and HTTP requests", async () => {
    srv = await start({ routes: { "/": Counter }, metrics: { sessionBaseBytes: 1000 } });
    const r = srv;
    const page = await getPage(r.base);
    let m = await scrape(r);
    expect(sample(m, "vango_active_sessions")).toBe(0);
    expect(sample(m, "vango_detached_sessions")).toBe(0);
    // A pending session counts for memory (its view is mounted), not as active.
    expect(sample(m, "vango_session_memory_bytes")).toBe(1000);

    const s = await TestSocket.open(r.port, page.cookie);
    await s.attach(page);
    for (let i = 0; i < 3; i++) {
      s.click(4);
      expect((await s.next()).type).toBe(FrameType.Patches);
    }
    const held = s.raw.slice(1).reduce((n, f) => n + f.byteLength, 0);
    m = await scrape(r);
    expect(sample(m, "vango_active_sessions")).toBe(1);
    expect(sample(m, "vango_events_total", 'type="click"')).toBe(3);
    expect(sample(m, "vango_events_total", 'type="input"')).toBe(0);
    expect(sample(m, "vango_event_duration_seconds_count", 'type="click"')).toBe(3);
    expect(sample(m, "vango_event_duration_seconds_bucket", 'le="+Inf",type="click"')).toBe(3);
    expect(sample(m, "vango_patches_sent_total")).toBe(3);
    // Unacknowledged frames are held for resume: base + their exact bytes.
    expect(sample(m, "vango_session_memory_bytes")).toBe(1000 + held);

    s.send({ type: FrameType.Ack, seq: 3 });
    s.close();
    await until(() => r.app.sessions.counts().detached === 1);
    m = await scrape(r);
    expect(sample(m, "vango_active_sessions")).toBe(0);
    expect(sample(m, "vango_detached_sessions")).toBe(1);
    expect(sample(m, "vango_session_memory_bytes")).toBe(1000);
    expect(sample(m, "vango_reconnects_total")).toBe(0);

    const again = await TestSocket.open(r.port, page.cookie);
    expect((await again.attach(page, 3)).resumed).toBe(true);
    again.click(4, 4);
    expect((await again.next()).type).toBe(FrameType.Patches);
    m = await scrape(r);
    expect(sample(m, "vango_reconnects_total")).toBe(1);
    expect(sample(m, "vango_active_sessions")).toBe(1);
    expect(sample(m, "vango_detached_sessions")).toBe(0);
    expect(sample(m, "vango_events_total", 'type="click"')).toBe(4);
    expect(sample(m, "vango_patches_sent_total")).toBe(4);

    // Protocol errors: a text message (fatal frame_malformed: error frame + close count
    // once) and a handshake for an unknown session (refused with a coded close).
    const bad = await TestSocket.open(r.port, page.cookie);
    bad.ws.send("not binary");
    await bad.whenClosed();
    const stale = await TestSocket.open(r.port, page.cookie);
    stale.handshake("x".repeat(24), page.csrf);
    await stale.whenClosed();
    m = await scrape(r);
    expect(sample(m, "vango_websocket_errors_total", `type="${ErrorCode.frame_malformed}"`)).toBe(
      1,
    );
    expect(sample(m, "vango_websocket_errors_total", `type="${ErrorCode.session_not_found}"`)).toBe(
      1,
    );

    // HTTP: the page GET above, one 404; internal endpoints are not counted.
    await fetch(`${r.base}/nope/1`);
    await fetch(`${r.base}/health/live`);
    m = await scrape(r);
    expect(sample(m, "vango_http_requests_total", 'route="/",method="GET",status="200"')).toBe(1);
    expect(
      sample(m, "vango_http_requests_total", 'route="unmatched",method="GET",status="404"'),
    ).toBe(1);
    expect(sample(m, "vango_http_request_duration_seconds_count", 'route="/",method="GET"')).toBe(
      1,
    );
    expect(m).not.toContain("/health/live");
    expect(sample(m, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    again.close();
  });

  it("counts a message over maxPayload (closed by ws before any frame) once", async () => {
    srv = await start({ routes: { "/": Counter }, limits: { maxPayload: 1024 } });
    const page = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, page.cookie);
    await s.attach(page);
    s.ws.send(new Uint8Array(4096));
    await s.whenClosed();
    const m = await scrape(srv);
    expect(sample(m, "vango_websocket_errors_total", `type="${ErrorCode.payload_too_large}"`)).toBe(
      1,
    );
    expect(m.match(/^vango_websocket_errors_total\{/gm)).toHaveLength(1);
  });

  it("labels the client bundle with its fixed route", async () => {
    srv = await start({ routes: { "/": Counter } });
    const page = await getPage(srv.base);
    const src = /<script defer src="([^"]+)"/.exec(page.html)![1]!;
    expect((await fetch(srv.base + src)).status).toBe(200);
    const m = await scrape(srv);
    expect(
      sample(m, "vango_http_requests_total", 'route="/_vango/client",method="GET",status="200"'),
    ).toBe(1);
  });

  it("keeps route labels bounded: 1,000 distinct unmatched paths make one series", async () => {
    // Without the per-IP HTTP rate limit: every one of the 1,000 requests must reach routing.
    srv = await start({ routes: { "/users/:id": Counter }, rateLimit: false });
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) => fetch(`${srv!.base}/random/${i + k}?q=${i}`)),
      );
    }
    await fetch(`${srv.base}/users/1`);
    await fetch(`${srv.base}/users/2`);
    const m = await scrape(srv);
    const series = m.split("\n").filter((l) => l.startsWith("vango_http_requests_total{"));
    expect(series.sort()).toEqual([
      'vango_http_requests_total{route="/users/:id",method="GET",status="200"} 2',
      'vango_http_requests_total{route="unmatched",method="GET",status="404"} 1000',
    ]);
    expect(m).not.toContain("/random/");
  });

  it("never serves /metrics on the main port without a token", async () => {
    srv = await start({ routes: { "/": Counter } });
    const res = await fetch(`${srv.base}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("vango_");
  });

  it("serves /metrics on the main port behind the bearer token", async () => {
    const token = "s3cret-metrics-token-0123";
    srv = await start({ routes: { "/": Counter }, metricsToken: token });
    const none = await fetch(`${srv.base}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    const wrong = await fetch(`${srv.base}/metrics`, {
      headers: { authorization: "Bearer wrong-token-000000000" },
    });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${srv.base}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/plain");
    expect(sample(await ok.text(), "vango_active_sessions")).toBe(0);
  });

  it("metrics: false registers nothing and exposes no registry", async () => {
    srv = await start({ routes: { "/": Counter }, metrics: false });
    expect(srv.app.metrics).toBeUndefined();
    expect((await getPage(srv.base)).status).toBe(200);
  });
});
