/**
 * Request ids and logs: `X-Request-Id` honoured or generated and echoed on every
 * response; one JSON line per request with the brief's fields (trace ids when a span is
 * active); the page GET's id carried into the session's event logs; secrets redacted.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.ts";
import { tracingHttpMiddleware } from "../../src/otel.ts";
import { FrameType } from "../../src/protocol/constants.ts";
import { registerTestSdk, type TestSdk } from "../observability/tracing/tracing-sdk.ts";
import { Counter, Thrower } from "./fixtures.tsx";
import { captureLogger, type Running, sleep, start, TestSocket } from "./helpers.ts";

let srv: Running | undefined;
let sdk: TestSdk | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
  await sdk?.stop();
  sdk = undefined;
});

type Line = Record<string, unknown>;

/** A production logger (createLogger) writing JSON lines into memory. */
function jsonLogger(level: "debug" | "info" = "info") {
  const lines: Line[] = [];
  const logger = createLogger({
    service: "shop",
    env: "staging",
    level,
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as Line) },
  });
  return { logger, lines };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const requests = (lines: Line[]) => lines.filter((l) => l.msg === "request");

describe("request ids", () => {
  it("honours a valid X-Request-Id, replaces an invalid one, and echoes it everywhere", async () => {
    srv = await start({ routes: { "/": Counter } });
    const ok = await fetch(srv.base + "/", { headers: { "x-request-id": "req-42.a_b" } });
    expect(ok.headers.get("x-request-id")).toBe("req-42.a_b");
    const bad = await fetch(srv.base + "/", { headers: { "x-request-id": "evil\tid" } });
    expect(bad.headers.get("x-request-id")).toMatch(UUID);
    const none = await fetch(srv.base + "/missing");
    expect(none.status).toBe(404);
    expect(none.headers.get("x-request-id")).toMatch(UUID);
    const health = await fetch(srv.base + "/health/live", {
      headers: { "x-request-id": "probe-1" },
    });
    expect(health.headers.get("x-request-id")).toBe("probe-1");
  });
});

describe("request logs", () => {
  it("writes one JSON line per request with the brief's fields", async () => {
    const { logger, lines } = jsonLogger();
    srv = await start({ routes: { "/items/:id": Counter }, logger });
    await fetch(srv.base + "/items/7?x=1", { headers: { "x-request-id": "abc-1" } });
    await fetch(srv.base + "/nothing-here");
    const [page, missing] = requests(lines);
    expect(Object.keys(page!).sort()).toEqual(
      [
        "env",
        "headers",
        "latency_ms",
        "level",
        "method",
        "msg",
        "path",
        "request_id",
        "route",
        "service",
        "session_id",
        "status",
        "ts",
      ].sort(),
    );
    expect(page).toMatchObject({
      level: "info",
      service: "shop",
      env: "staging",
      request_id: "abc-1",
      route: "/items/:id",
      method: "GET",
      path: "/items/7",
      status: 200,
      msg: "request",
    });
    expect(typeof page!.latency_ms).toBe("number");
    expect(page!.session_id).toMatch(/^[0-9a-f]{6}-1$/);
    expect(missing).toMatchObject({ route: "unmatched", status: 404, path: "/nothing-here" });
    expect(missing!.session_id).toBeUndefined();
    // Health probes are not logged at info.
    await fetch(srv.base + "/health/ready");
    expect(requests(lines)).toHaveLength(2);
  });

  it("carries the trace and span id of the request span", async () => {
    sdk = registerTestSdk();
    const { logger, lines } = jsonLogger();
    srv = await start({
      routes: { "/": Counter },
      logger,
      httpMiddleware: [tracingHttpMiddleware()],
    });
    await fetch(srv.base + "/");
    const span = sdk.byName("GET /");
    const [line] = requests(lines);
    expect(line!.trace_id).toBe(span.spanContext().traceId);
    expect(line!.span_id).toBe(span.spanContext().spanId);
  });

  it("redacts cookies and authorization (own logger and a plain custom logger)", async () => {
    const { logger, lines } = jsonLogger();
    srv = await start({ routes: { "/": Counter }, logger });
    const secret = {
      cookie: "sid=SECRET-COOKIE-VALUE",
      authorization: "Bearer SECRET-TOKEN-VALUE",
    };
    await fetch(srv.base + "/", { headers: secret });
    const [line] = requests(lines);
    expect((line!.headers as Line).cookie).toBe("[REDACTED]");
    expect((line!.headers as Line).authorization).toBe("[REDACTED]");
    expect(JSON.stringify(lines)).not.toMatch(/SECRET-(COOKIE|TOKEN)-VALUE/);
    await srv.close();

    const plain = captureLogger();
    srv = await start({ routes: { "/": Counter }, logger: plain });
    await fetch(srv.base + "/", { headers: secret });
    const entry = plain.entries.find((e) => e.msg === "request")!;
    expect((entry.obj as { headers: Line }).headers.cookie).toBe("[REDACTED]");
    expect((entry.obj as { headers: Line }).headers.authorization).toBe("[REDACTED]");
    expect(JSON.stringify(plain.entries)).not.toMatch(/SECRET-(COOKIE|TOKEN)-VALUE/);
  });
});

describe("the page request id follows the session", () => {
  it("into debug event lines and handler error logs", async () => {
    const { logger, lines } = jsonLogger("debug");
    srv = await start({ routes: { "/": Thrower }, logger });
    const res = await fetch(srv.base + "/", { headers: { "x-request-id": "page-req-9" } });
    const html = await res.text();
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const boot = JSON.parse(/id="vango-boot">(.*?)<\/script>/.exec(html)![1]!) as {
      token: string;
      csrf: string;
    };
    const page = {
      status: 200,
      html,
      cookie,
      token: boot.token,
      csrf: boot.csrf,
      headers: res.headers,
    };
    const s = await TestSocket.open(srv.port, cookie);
    await s.attach(page);
    s.click(5);
    expect((await s.next()).type).toBe(FrameType.Patches);
    s.click(4);
    // The signal written before the throw renders, and the handler_error is reported.
    const after = [(await s.next()).type, (await s.next()).type].sort((a, b) => a - b);
    expect(after).toEqual([FrameType.Patches, FrameType.Error].sort((a, b) => a - b));
    await sleep(10);
    const sessionId = requests(lines)[0]!.session_id;
    const events = lines.filter((l) => l.msg === "event");
    expect(events.map((e) => [e.request_id, e.session_id, e.event, e.hid, e.ok])).toEqual([
      ["page-req-9", sessionId, "click", 5, true],
      ["page-req-9", sessionId, "click", 4, false],
    ]);
    const failed = lines.find((l) => l.msg === "event handler failed")!;
    expect(failed).toMatchObject({
      level: "error",
      request_id: "page-req-9",
      session_id: sessionId,
    });
    s.close();
  });
});
