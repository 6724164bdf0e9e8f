/**
 * Startup checks for the options that are handed to other modules (router, trusted
 * proxy list, metrics, health, the metrics route). Those modules throw their own
 * `RangeError`/`TypeError` when called directly; through `createApp` the same mistakes
 * must surface as one {@link ConfigError} (`config_invalid`) naming the option, before
 * anything is built.
 */

import { RouteTree } from "../../routing/route-table.ts";
import { busSettings, checkBusSettings } from "../../state/shared-state.ts";
import { ConfigError } from "../core/errors.ts";
import { compileTrustList } from "../security/client-ip.ts";
import type { AppOptions } from "./options.ts";

/** prom-client's metric-name grammar, for `metrics.prefix`. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** A metric `collectDefaultMetrics` always registers (to spot a second registration). */
const DEFAULT_METRIC = "process_cpu_user_seconds_total";
/** Names of the built-in readiness checks (`rate_limit_store`: the store's circuit; `bus`: shared state's). */
const RESERVED_CHECKS: ReadonlySet<string> = new Set([
  "redis",
  "postgres",
  "rate_limit_store",
  "bus",
]);
/** Matches `metricsHandler`'s own minimum. */
const MIN_TOKEN_CHARS = 16;

function positiveInt(option: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new ConfigError(option, "must be an integer ≥ 1");
  }
}

/**
 * Every route key and entry is usable (compiling the table throws the `ConfigError`).
 * @example checkRoutes({ "/": Home }); // ok; { "home": Home } throws config_invalid
 */
export function checkRoutes(routes: unknown): void {
  new RouteTree(routes as ConstructorParameters<typeof RouteTree>[0]);
}

/**
 * A trusted-proxy list parses (addresses, CIDRs, presets).
 * @example checkTrustList(["10.0.0.0/8", "loopback"]);
 */
export function checkTrustList(list: readonly unknown[]): void {
  for (const e of list) {
    if (typeof e !== "string") throw new ConfigError("trustProxy", "entries must be strings");
  }
  try {
    compileTrustList(list as readonly string[]);
  } catch (err) {
    throw new ConfigError("trustProxy", (err as Error).message);
  }
}

/**
 * `metrics`, `metricsToken` and `health` are usable.
 * @example checkObservability({ routes, metricsToken: "short" }); // throws, option "metricsToken"
 */
export function checkObservability(o: AppOptions): void {
  const m = o.metrics;
  if (o.metricsToken !== undefined) {
    if (typeof o.metricsToken !== "string" || o.metricsToken.length < MIN_TOKEN_CHARS) {
      throw new ConfigError("metricsToken", `must be at least ${MIN_TOKEN_CHARS} characters`);
    }
    if (m === false) throw new ConfigError("metricsToken", "needs metrics (metrics: false is set)");
  }
  if (m !== undefined && m !== false) {
    const prefix = m.prefix ?? "vango_";
    if (typeof prefix !== "string" || !METRIC_NAME.test(prefix)) {
      throw new ConfigError("metrics.prefix", "must match [a-zA-Z_:][a-zA-Z0-9_:]*");
    }
    if (m.maxRoutes !== undefined) positiveInt("metrics.maxRoutes", m.maxRoutes);
    if (m.maxDependencies !== undefined) positiveInt("metrics.maxDependencies", m.maxDependencies);
    const base = m.sessionBaseBytes;
    if (base !== undefined && !(typeof base === "number" && base >= 0 && Number.isFinite(base))) {
      throw new ConfigError("metrics.sessionBaseBytes", "must be a number ≥ 0");
    }
    // prom-client refuses a second registration of a name on one registry.
    if (m.registry?.getSingleMetric(`${prefix}active_sessions`) !== undefined) {
      throw new ConfigError("metrics.registry", `already holds ${prefix}* metrics (use a prefix)`);
    }
    if (m.collectDefault !== false && m.registry?.getSingleMetric(DEFAULT_METRIC) !== undefined) {
      throw new ConfigError("metrics.collectDefault", "the registry already has default metrics");
    }
  }
  const h = o.health;
  if (h === undefined || h === false) return;
  if (h.timeoutMs !== undefined) {
    const t = h.timeoutMs;
    if (typeof t !== "number" || !(t > 0) || !Number.isFinite(t)) {
      throw new ConfigError("health.timeoutMs", "must be a number > 0");
    }
  }
  for (const [name, fn] of Object.entries(h.checks?.custom ?? {})) {
    const option = `health.checks.custom.${name}`;
    if (RESERVED_CHECKS.has(name)) throw new ConfigError(option, "name is reserved");
    if (typeof fn !== "function") throw new ConfigError(option, "must be a function");
  }
  const bp = h.basePath;
  if (bp !== undefined) {
    if (typeof bp !== "string" || !/^\/[A-Za-z0-9._~\-/]*$/.test(bp) || bp.endsWith("/")) {
      throw new ConfigError("health.basePath", 'must be a path like "/health" (no trailing /)');
    }
  }
}

const BUS_METHODS = ["open", "subscribe", "unsubscribe", "publish", "close"] as const;

/**
 * Throws a {@link ConfigError} unless `o.bus` is a bus adapter (or settings around one)
 * with sensible numbers.
 * @example checkBus({ routes, bus: { adapter, presenceHeartbeatMs: 1 } }); // throws, option "bus.presenceHeartbeatMs"
 */
export function checkBus(o: AppOptions): void {
  if (o.bus === undefined) return;
  if (typeof o.bus !== "object" || o.bus === null) throw new ConfigError("bus", "must be a Bus");
  const settings = busSettings(o.bus);
  const adapter = settings.adapter as unknown as Record<string, unknown> | null;
  const option = settings === o.bus ? "bus.adapter" : "bus";
  for (const m of BUS_METHODS) {
    if (typeof adapter?.[m] !== "function") throw new ConfigError(option, `has no ${m}()`);
  }
  try {
    checkBusSettings(settings);
  } catch (e) {
    const field = /^(\w+)/.exec((e as Error).message)?.[1] ?? "";
    throw new ConfigError(`bus.${field}`, (e as Error).message.slice(field.length + 1));
  }
}
