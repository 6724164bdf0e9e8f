import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDACTED, REDACTED_EMAIL } from "../../src/observability/log-sanitize.ts";
import { childLogger, createLogger, type LoggerOptions } from "../../src/observability/logger.ts";

type Line = Record<string, unknown>;

function capture(opts: Partial<LoggerOptions> = {}) {
  const lines: Line[] = [];
  const log = createLogger({
    service: "shop",
    env: "test",
    destination: { write: (s: string) => lines.push(JSON.parse(s) as Line) },
    ...opts,
  });
  return { log, lines };
}

/** A minimal AsyncLocalStorage context manager (the SDK's is not a dependency). */
class AlsContextManager implements ContextManager {
  #als = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#als.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#als.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#als.disable();
    return this;
  }
}

describe("createLogger", () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AlsContextManager());
  });
  afterAll(() => {
    context.disable();
  });

  it("writes JSON lines with ts, level label, msg, service and env", () => {
    const { log, lines } = capture();
    log.info({ status: 200, latency_ms: 4 }, "request done");
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(Object.keys(line).sort()).toEqual(
      ["env", "latency_ms", "level", "msg", "service", "status", "ts"].sort(),
    );
    expect(line).toMatchObject({
      level: "info",
      msg: "request done",
      service: "shop",
      env: "test",
      status: 200,
      latency_ms: 4,
    });
    expect(line.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("adds trace_id and span_id only while a span is active", () => {
    const { log, lines } = capture();
    const span = trace.wrapSpanContext({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: TraceFlags.SAMPLED,
    });
    context.with(trace.setSpan(context.active(), span), () => log.info("inside"));
    log.info("outside");
    expect(lines[0]).toMatchObject({
      trace_id: "0af7651916cd43dd8448eb211c80319c",
      span_id: "b7ad6b7169203331",
    });
    expect(lines[1]).not.toHaveProperty("trace_id");
    expect(lines[1]).not.toHaveProperty("span_id");
  });

  it("redacts secret keys at any depth, in any case and spelling", () => {
    const { log, lines } = capture({ redactKeys: ["ssn"] });
    log.info({
      req: {
        headers: {
          authorization: "Bearer abc.def",
          cookie: "sid=1",
          "set-cookie": ["a=1"],
          "X-CSRF-Token": "t",
          accept: "text/html",
        },
      },
      user: { password: "hunter2", passwords: ["a"], name: "Ann", SSN: "123" },
      deep: { a: { b: { c: { token: "t1", tokens: ["t2"], secret: "s", csrf: "c" } } } },
      resumeToken: "r",
      client_secret: "cs",
      dbPassword: "p",
      token_count: 3,
    });
    const l = lines[0]!;
    expect(l.req).toEqual({
      headers: {
        authorization: REDACTED,
        cookie: REDACTED,
        "set-cookie": REDACTED,
        "X-CSRF-Token": REDACTED,
        accept: "text/html",
      },
    });
    expect(l.user).toEqual({ password: REDACTED, passwords: REDACTED, name: "Ann", SSN: REDACTED });
    expect(l.deep).toEqual({
      a: { b: { c: { token: REDACTED, tokens: REDACTED, secret: REDACTED, csrf: REDACTED } } },
    });
    expect(l.resumeToken).toBe(REDACTED);
    expect(l.client_secret).toBe(REDACTED);
    expect(l.dbPassword).toBe(REDACTED);
    expect(l.token_count).toBe(3);
    expect(JSON.stringify(lines)).not.toMatch(/hunter2|abc\.def|sid=1/);
  });

  it("removes e-mail addresses, bearer credentials and secret URL params from strings", () => {
    const { log, lines } = capture();
    log.warn(
      { note: "contact ann.lee+x@mail.example.co.uk now", url: "/cb?code=1&access_token=xyz&a=2" },
      "login failed for bob@example.com with Bearer eyJhbGci.x.y",
    );
    expect(lines[0]).toMatchObject({
      note: `contact ${REDACTED_EMAIL} now`,
      url: `/cb?code=1&access_token=${REDACTED}&a=2`,
      msg: `login failed for ${REDACTED_EMAIL} with Bearer ${REDACTED}`,
    });
    log.error(new Error("no user carol@example.org"));
    const err = lines[1]!;
    expect(err.msg).toBe(`no user ${REDACTED_EMAIL}`);
    expect(err.err).toMatchObject({ type: "Error", message: `no user ${REDACTED_EMAIL}` });
    expect(JSON.stringify(err)).not.toContain("carol@");
  });

  it("sanitises child bindings and interpolation arguments", () => {
    const { log, lines } = capture();
    const child = childLogger(log, { request_id: "r-1", session_id: undefined, route: "/a/:b" });
    child.child({ user_email: "dan@example.com", apiKey: "k" }).info("hi %s", "eve@example.com");
    const l = lines[0]!;
    expect(l).toMatchObject({
      request_id: "r-1",
      route: "/a/:b",
      user_email: REDACTED_EMAIL,
      apiKey: REDACTED,
      msg: `hi ${REDACTED_EMAIL}`,
    });
    expect(l).not.toHaveProperty("session_id");
  });

  it("truncates long strings and big arrays, survives cycles", () => {
    const { log, lines } = capture({ maxStringLength: 10, maxArrayLength: 3 });
    const cyclic: Record<string, unknown> = { name: "x" };
    cyclic.self = cyclic;
    log.info({ s: "abcdefghijklmnop", list: [1, 2, 3, 4, 5, 6], cyclic });
    expect(lines[0]).toMatchObject({
      s: "abcdefghij…[truncated 6 chars]",
      list: [1, 2, 3, "[…3 more items]"],
      cyclic: { name: "x", self: "[Circular]" },
    });
  });

  it("samples info (and below) but never warn/error", () => {
    const seq = [0.05, 0.5, 0.15, 0.95];
    let i = 0;
    const { log, lines } = capture({
      sampleInfo: 0.2,
      level: "debug",
      random: () => seq[i++ % 4]!,
    });
    for (let n = 0; n < 8; n++) log.info({ n }, "i");
    log.debug({ n: 8 }, "d");
    for (let n = 0; n < 5; n++) log.warn({ n }, "w");
    for (let n = 0; n < 5; n++) log.error({ n }, "e");
    log.fatal("f");
    expect(lines.filter((l) => l.level === "info").map((l) => l.n)).toEqual([0, 2, 4, 6]);
    expect(lines.filter((l) => l.level === "debug").map((l) => l.n)).toEqual([8]);
    expect(lines.filter((l) => l.level === "warn")).toHaveLength(5);
    expect(lines.filter((l) => l.level === "error")).toHaveLength(5);
    expect(lines.filter((l) => l.level === "fatal")).toHaveLength(1);
  });

  it("drops all info at sampleInfo 0 and rejects values outside 0..1", () => {
    const { log, lines } = capture({ sampleInfo: 0 });
    log.info("gone");
    log.warn("kept");
    expect(lines.map((l) => l.msg)).toEqual(["kept"]);
    expect(() => createLogger({ service: "s", sampleInfo: 1.5 })).toThrow(RangeError);
    expect(() => createLogger({ service: "s", sampleInfo: Number.NaN })).toThrow(RangeError);
  });

  it("honours the level", () => {
    const { log, lines } = capture({ level: "warn" });
    log.info("no");
    log.warn("yes");
    expect(lines.map((l) => l.msg)).toEqual(["yes"]);
  });
});
