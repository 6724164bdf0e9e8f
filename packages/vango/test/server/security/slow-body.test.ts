/**
 * Issue 10, defect 13: a request that announces a 10 MB body and sends 100 B held its
 * connection for Node's 300 s request timeout while the CSRF check waited for the form;
 * when the client gave up, the check's stream error became a logged `request failed`
 * and a recorded 500. Raw sockets, so the test controls every byte.
 */
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_TIMEOUTS } from "../../../src/server/config/options.ts";
import { randomToken } from "../../../src/server/core/tokens.ts";
import { Counter } from "../fixtures.tsx";
import { type Captured, captureLogger, type Running, sleep, start } from "../helpers.ts";
import { sample } from "../metrics-text.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const TEN_MB = 10 * 1024 * 1024;

/** Headers of a form POST carrying a well-formed session cookie (so the check reads the body). */
function formPost(path: string, length: number): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    "Content-Type: application/x-www-form-urlencoded\r\n" +
    `Cookie: __Host-vango_sid=${randomToken()}\r\nContent-Length: ${length}\r\n\r\n`
  );
}

interface RawExchange {
  readonly socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with ms from connect to close. */
  readonly closed: Promise<number>;
}

function raw(port: number, bytes: string): RawExchange {
  const t0 = performance.now();
  const socket = connect(port, "127.0.0.1");
  let got = "";
  socket.setEncoding("latin1").on("data", (c: string) => {
    got += c;
  });
  socket.on("error", () => {});
  socket.write(bytes);
  return {
    socket,
    received: () => got,
    closed: once(socket, "close").then(() => performance.now() - t0),
  };
}

const statusLine = (text: string) => text.split("\r\n", 1)[0];
const header = (text: string, name: string) =>
  new RegExp(`^${name}: (.*)$`, "im").exec(text.split("\r\n\r\n", 1)[0]!)?.[1];

function requestLines(logger: Captured) {
  return logger.entries
    .filter((e) => e.msg === "request" || e.msg === "request failed")
    .map((e) => [e.level, (e.obj as { status?: number }).status]);
}

async function statusCount(s: Running, status: number): Promise<number | undefined> {
  const text = await s.app.metrics!.metrics();
  return sample(text, "vango_http_requests_total", `route="/",method="POST",status="${status}"`);
}

describe("a form body that never arrives", () => {
  it("is refused 408 request_timeout after csrf.formTimeoutMs and the connection closed", async () => {
    const logger = captureLogger();
    srv = await start({ routes: { "/": Counter }, logger, csrf: { formTimeoutMs: 300 } });
    const x = raw(srv.port, formPost("/", TEN_MB) + "a".repeat(100));
    const ms = await x.closed;
    expect(statusLine(x.received())).toBe("HTTP/1.1 408 Request Timeout");
    expect(header(x.received(), "x-vango-error")).toBe("request_timeout");
    expect(header(x.received(), "connection")).toBe("close");
    // Before: held for Node's 300 s request timeout.
    expect(ms).toBeGreaterThanOrEqual(280);
    expect(ms).toBeLessThan(2_000);
    expect(requestLines(logger)).toEqual([["info", 408]]);
  });

  it("a client that aborts meanwhile is recorded as 499, not logged as an error, not a 5xx", async () => {
    const logger = captureLogger();
    srv = await start({ routes: { "/": Counter }, logger });
    const x = raw(srv.port, formPost("/", TEN_MB) + "a".repeat(100));
    await sleep(100);
    x.socket.destroy();
    await x.closed;
    const deadline = Date.now() + 2_000;
    while (requestLines(logger).length === 0 && Date.now() < deadline) await sleep(10);
    expect(requestLines(logger)).toEqual([["info", 499]]);
    expect(logger.entries.filter((e) => e.level === "error")).toEqual([]);
    expect(await statusCount(srv, 499)).toBe(1);
    expect(await statusCount(srv, 500)).toBeUndefined();
  });

  it("an oversized form with a lying Content-Length gets 413 and the connection closed, not drained", async () => {
    srv = await start({ routes: { "/": Counter }, csrf: { maxFormBytes: 1024 } });
    const x = raw(srv.port, formPost("/", TEN_MB) + "a".repeat(4096));
    const ms = await x.closed;
    expect(statusLine(x.received())).toBe("HTTP/1.1 413 Payload Too Large");
    expect(header(x.received(), "x-vango-error")).toBe("payload_too_large");
    expect(ms).toBeLessThan(2_000);
  });

  it("a client abort that the app's own code trips over still counts as 499, not 500", async () => {
    const logger = captureLogger();
    srv = await start({
      routes: { "/": Counter },
      logger,
      csrf: false,
      httpMiddleware: [
        async (ctx, next) => {
          if (ctx.req.method !== "POST") return next();
          // An app reading the body itself: the stream errors when the client hangs up.
          for await (const _ of ctx.req) {
          }
          ctx.res.end("read");
        },
      ],
    });
    const x = raw(srv.port, formPost("/", TEN_MB) + "a".repeat(100));
    await sleep(100);
    x.socket.destroy();
    await x.closed;
    const deadline = Date.now() + 2_000;
    while (!requestLines(logger).some(([, s]) => s !== undefined) && Date.now() < deadline) {
      await sleep(10);
    }
    expect(requestLines(logger).filter(([, s]) => s !== undefined)).toEqual([["info", 499]]);
    expect(await statusCount(srv, 500)).toBeUndefined();
  });
});

describe("listen()'s server timeouts", () => {
  it("default to 10 s for headers, 30 s per request, 5 s keep-alive", async () => {
    srv = await start({ routes: { "/": Counter } });
    const l = await srv.app.listen(0);
    try {
      const { server } = l;
      expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout]).toEqual([
        DEFAULT_TIMEOUTS.headersMs,
        DEFAULT_TIMEOUTS.requestMs,
        DEFAULT_TIMEOUTS.keepAliveMs,
      ]);
      expect([10_000, 30_000, 5_000]).toEqual([
        DEFAULT_TIMEOUTS.headersMs,
        DEFAULT_TIMEOUTS.requestMs,
        DEFAULT_TIMEOUTS.keepAliveMs,
      ]);
    } finally {
      await l.close();
    }
  });

  it("close a connection whose headers never finish after timeouts.headersMs", async () => {
    srv = await start({ routes: { "/": Counter }, timeouts: { headersMs: 200, requestMs: 400 } });
    const x = raw(srv.port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    const ms = await x.closed;
    expect(statusLine(x.received())).toBe("HTTP/1.1 408 Request Timeout");
    expect(ms).toBeLessThan(1_500);
  });

  it("close a connection whose body trickles past timeouts.requestMs", async () => {
    srv = await start({
      routes: { "/": Counter },
      csrf: { exemptPaths: ["/"] },
      timeouts: { headersMs: 200, requestMs: 400 },
      httpMiddleware: [
        async (ctx, next) => {
          if (ctx.req.method !== "POST") return next();
          for await (const _ of ctx.req) {
          }
          ctx.res.end("read");
        },
      ],
    });
    const x = raw(srv.port, formPost("/", TEN_MB) + "a".repeat(100));
    const ms = await x.closed;
    expect(ms).toBeGreaterThanOrEqual(380);
    expect(ms).toBeLessThan(1_500);
  });
});
