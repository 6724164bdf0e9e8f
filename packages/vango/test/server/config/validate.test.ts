import { describe, expect, it } from "vitest";
import { createMetrics } from "../../../src/observability/metrics.ts";
import { createApp } from "../../../src/server/app.ts";
import type { AppOptions } from "../../../src/server/config/options.ts";
import { resolveTimeouts } from "../../../src/server/config/options.ts";
import { ConfigError, validateOptions } from "../../../src/server/config/validate.ts";
import { MemoryRateLimitStore } from "../../../src/server/security/rate-limit/memory-store.ts";
import { Counter } from "../fixtures.tsx";
import { captureLogger } from "../helpers.ts";

const base = { routes: { "/": Counter }, secret: "0123456789abcdef" } satisfies AppOptions;
const ids = (o: Partial<AppOptions>) => validateOptions({ ...base, ...o }).map((w) => w.id);

function refused(o: Partial<AppOptions>): string | undefined {
  try {
    validateOptions({ ...base, ...o } as AppOptions);
  } catch (err) {
    if (err instanceof ConfigError && err.code === "config_invalid") return err.option;
    throw err;
  }
  return undefined;
}

describe("startup validation: warnings", () => {
  it("a secure configuration has none", () => {
    expect(ids({})).toEqual([]);
  });

  it("warns for every insecure setting", () => {
    expect(ids({ devMode: true })).toEqual(["dev_mode"]);
    // Persisted sessions resolve a secret (VANGO_SECRET or the state dir); without them,
    // tokens would die with the process.
    expect(validateOptions({ routes: {} }).map((w) => w.id)).toEqual([]);
    expect(validateOptions({ routes: {}, persistence: false }).map((w) => w.id)).toEqual([
      "secret_missing",
    ]);
    expect(validateOptions({ routes: {}, devMode: true }).map((w) => w.id)).toEqual(["dev_mode"]);
    expect(ids({ allowedOrigins: ["http://app.test", "http://localhost:3000"] })).toEqual([
      "origin_insecure",
    ]);
    expect(ids({ allowedOrigins: ["*"] })).toEqual(["origin_wildcard"]);
    expect(ids({ cors: { origins: ["http://app.test"] } })).toEqual(["origin_insecure"]);
    expect(ids({ trustProxy: ["0.0.0.0/0"] })).toEqual(["trust_proxy_any"]);
    expect(ids({ rateLimit: false })).toEqual(["rate_limit_disabled"]);
    expect(ids({ rateLimit: { perIp: false, websocket: false } })).toEqual([
      "rate_limit_disabled",
      "rate_limit_disabled",
    ]);
    expect(ids({ csrf: false })).toEqual(["csrf_disabled"]);
    expect(ids({ securityHeaders: false })).toEqual(["headers_disabled"]);
    expect(ids({ connectionLimits: false })).toEqual(["connection_limits_disabled"]);
    expect(ids({ limits: { maxPayload: 8 * 1024 * 1024 } })).toEqual(["limit_huge"]);
    expect(ids({ connectionLimits: { perIp: 5000 } })).toEqual(["limit_huge"]);
    expect(ids({ rateLimit: { perIp: { limit: 10_000, windowMs: 1000 } } })).toEqual([
      "limit_huge",
    ]);
  });

  it("createApp logs each warning once at warn level (devMode loudly)", () => {
    const logger = captureLogger();
    createApp({ routes: { "/": Counter }, devMode: true, rateLimit: false, logger });
    const warns = logger.entries.filter((e) => e.level === "warn");
    expect(warns.map((e) => (e.obj as { config_warning: string }).config_warning)).toEqual([
      "dev_mode",
      "rate_limit_disabled",
    ]);
    expect(warns[0]!.msg).toMatch(/^SECURITY: devMode is ON/);
  });
});

describe("startup validation: refusals (config_invalid)", () => {
  it("refuses nonsensical values, naming the option", () => {
    expect(refused({ secret: "short" })).toBe("secret");
    expect(refused({ limits: { maxPayload: 0 } })).toBe("limits.maxPayload");
    expect(refused({ limits: { maxSessions: -1 } })).toBe("limits.maxSessions");
    expect(refused({ limits: { historyFrames: 1.5 } })).toBe("limits.historyFrames");
    expect(refused({ limits: { maxPayload: 17 * 1024 * 1024 } })).toBe("limits.maxPayload");
    expect(refused({ timeouts: { handshakeMs: 0 } })).toBe("timeouts.handshakeMs");
    expect(refused({ timeouts: { idleMs: -5 } })).toBe("timeouts.idleMs");
    expect(refused({ timeouts: { idleMs: 0 } })).toBeUndefined();
    expect(refused({ allowedOrigins: ["app.test"] })).toBe("allowedOrigins");
    expect(refused({ cors: { origins: ["https://a.test/x"] } })).toBe("cors.origins");
    expect(refused({ trustProxy: true as unknown as number })).toBe("trustProxy");
    expect(refused({ trustProxy: -1 })).toBe("trustProxy");
    expect(refused({ rateLimit: { perIp: { limit: 0, windowMs: 1000 } } })).toBe(
      "rateLimit.perIp.limit",
    );
    expect(refused({ rateLimit: { mutations: { limit: 1, windowMs: 0 } } })).toBe(
      "rateLimit.mutations.windowMs",
    );
    expect(refused({ rateLimit: { perUser: { limit: 1, windowMs: 1 } } })).toBe(
      "rateLimit.perUser",
    );
    expect(refused({ rateLimit: { websocket: { perSecond: 0 } } })).toBe(
      "rateLimit.websocket.perSecond",
    );
    expect(refused({ connectionLimits: { global: 0 } })).toBe("connectionLimits.global");
    expect(refused({ csrf: { maxFormBytes: 0 } })).toBe("csrf.maxFormBytes");
  });

  it("refuses shutdown, server and form-read timeouts that make no sense", () => {
    expect(refused({ timeouts: { shutdownMs: -1 } })).toBe("timeouts.shutdownMs");
    expect(refused({ timeouts: { shutdownMs: 0 } })).toBeUndefined();
    expect(refused({ timeouts: { requestMs: 0 } })).toBe("timeouts.requestMs");
    expect(refused({ timeouts: { keepAliveMs: Number.NaN } })).toBe("timeouts.keepAliveMs");
    // Node refuses a headers timeout longer than the request timeout.
    expect(refused({ timeouts: { headersMs: 40_000 } })).toBe("timeouts.headersMs");
    expect(refused({ timeouts: { headersMs: 40_000, requestMs: 60_000 } })).toBeUndefined();
    expect(refused({ timeouts: { pageStreamMs: 15_000 } })).toBe("timeouts.pageStreamMs");
    expect(refused({ timeouts: { pageStreamMs: 20_000, pendingTtlMs: 30_000 } })).toBeUndefined();
    expect(refused({ timeouts: { pageStreamMs: 0, pageDataMs: 0 } })).toBeUndefined();
    // A short pending TTL alone shortens the default stream window instead of refusing.
    expect(refused({ timeouts: { pendingTtlMs: 30 } })).toBeUndefined();
    expect(resolveTimeouts({ pendingTtlMs: 30 }).pageStreamMs).toBe(15);
    expect(refused({ csrf: { formTimeoutMs: 0 } })).toBe("csrf.formTimeoutMs");
  });

  it("refuses a store breaker that nothing would use or that makes no sense", () => {
    const store = {
      consume: () => Promise.reject(new Error("unused")),
      refund: () => Promise.reject(new Error("unused")),
    };
    expect(
      refused({
        rateLimit: { policies: [{ name: "a", key: "ip", limit: 2, windowMs: 1, cost: 3 }] },
      }),
    ).toBe("rateLimit.policies.a.cost");
    expect(refused({ rateLimit: { breaker: { timeoutMs: 100 } } })).toBe("rateLimit.breaker");
    expect(
      refused({ rateLimit: { store: new MemoryRateLimitStore(), breaker: { resetMs: 1 } } }),
    ).toBe("rateLimit.breaker");
    expect(refused({ rateLimit: { store, breaker: { timeoutMs: 0 } } })).toBe(
      "rateLimit.breaker.timeoutMs",
    );
    expect(refused({ rateLimit: { store, breaker: { failureThreshold: 1.5 } } })).toBe(
      "rateLimit.breaker.failureThreshold",
    );
    expect(refused({ rateLimit: { store, breaker: { resetMs: -1 } } })).toBe(
      "rateLimit.breaker.resetMs",
    );
    expect(refused({ rateLimit: { store, breaker: { timeoutMs: 50, resetMs: 1000 } } })).toBe(
      undefined,
    );
    expect(refused({ health: { checks: { custom: { rate_limit_store: async () => 1 } } } })).toBe(
      "health.checks.custom.rate_limit_store",
    );
  });

  it("refuses routes, trusted proxies, metrics and health options that would fail later", () => {
    expect(refused({ routes: { home: Counter } })).toBe('routes["home"]');
    expect(refused({ routes: { "/a/:": Counter } })).toBe('routes["/a/:"]');
    expect(refused({ routes: { "/a": {} as never } })).toBe('routes["/a"]');
    expect(refused({ trustProxy: ["10.0.0.0/33"] })).toBe("trustProxy");
    expect(refused({ trustProxy: ["example.com"] })).toBe("trustProxy");
    expect(refused({ trustProxy: [1 as unknown as string] })).toBe("trustProxy");
    expect(refused({ trustProxy: "10.0.0.1" as unknown as number })).toBe("trustProxy");
    expect(refused({ trustProxy: ["loopback", "10.0.0.0/8", "::1"] })).toBeUndefined();
    expect(refused({ metricsToken: "short" })).toBe("metricsToken");
    expect(refused({ metricsToken: "x".repeat(16), metrics: false })).toBe("metricsToken");
    expect(refused({ metricsToken: "x".repeat(16) })).toBeUndefined();
    expect(refused({ metrics: { prefix: "bad-prefix" } })).toBe("metrics.prefix");
    expect(refused({ metrics: { maxRoutes: 0 } })).toBe("metrics.maxRoutes");
    expect(refused({ metrics: { maxDependencies: 1.5 } })).toBe("metrics.maxDependencies");
    expect(refused({ metrics: { sessionBaseBytes: -1 } })).toBe("metrics.sessionBaseBytes");
    const shared = createMetrics({ collectDefault: true }).registry;
    expect(refused({ metrics: { registry: shared } })).toBe("metrics.registry");
    expect(refused({ metrics: { registry: shared, prefix: "app_vango_" } })).toBe(
      "metrics.collectDefault",
    );
    expect(
      refused({ metrics: { registry: shared, prefix: "app_vango_", collectDefault: false } }),
    ).toBeUndefined();
    expect(refused({ health: { checks: { custom: { redis: async () => 1 } } } })).toBe(
      "health.checks.custom.redis",
    );
    expect(refused({ health: { timeoutMs: 0 } })).toBe("health.timeoutMs");
    expect(refused({ health: { basePath: "health" } })).toBe("health.basePath");
    expect(refused({ health: { basePath: "/health/" } })).toBe("health.basePath");
    expect(refused({ health: { basePath: "/_ops/health" } })).toBeUndefined();
  });

  it("createApp refuses them with ConfigError before building anything (no RangeError/TypeError)", () => {
    const bad: Partial<AppOptions>[] = [
      { metricsToken: "short" },
      { metricsToken: "x".repeat(16), metrics: false },
      { routes: { home: Counter } },
      { health: { checks: { custom: { postgres: async () => 1 } } } },
      { trustProxy: ["10.0.0.0/99"] },
      { metrics: { prefix: "1bad" } },
    ];
    for (const o of bad) {
      const logger = captureLogger();
      let thrown: unknown;
      try {
        createApp({ ...base, logger, ...o });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).code).toBe("config_invalid");
      expect(logger.entries.map((e) => [e.level, (e.obj as { code: string }).code])).toEqual([
        ["error", "config_invalid"],
      ]);
    }
  });

  it("createApp throws the coded error and logs it", () => {
    const logger = captureLogger();
    let thrown: unknown;
    try {
      createApp({ routes: {}, secret: "x", logger });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).code).toBe("config_invalid");
    expect(logger.entries.map((e) => [e.level, (e.obj as { code: string }).code])).toEqual([
      ["error", "config_invalid"],
    ]);
  });
});
