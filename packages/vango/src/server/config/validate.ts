/**
 * Startup validation of `createApp` options: every insecure setting becomes a warning
 * (logged once at startup and returned, e.g. for `/health/startup`); every nonsensical
 * one throws a {@link ConfigError} (`config_invalid`) naming the option, so a bad
 * deploy fails at boot rather than at the first request.
 */

import { HARD_MAX_STRING } from "../../protocol/limits.ts";
import { ConfigError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { canonicalOrigin } from "../security/cors.ts";
import type { RateLimitOptions, RatePolicy } from "../security/options.ts";
import { MemoryRateLimitStore } from "../security/rate-limit/memory-store.ts";
import { checkBus, checkObservability, checkRoutes, checkTrustList } from "./checks.ts";
import { type AppOptions, resolveTimeouts } from "./options.ts";

/** Timeouts where 0 means "off" or "at once" rather than a refusal. */
const ZERO_OK_TIMEOUTS = new Set([
  "idleMs",
  "shutdownMs",
  "pageDataMs",
  "pageStreamMs",
  "resumeDataMs",
  "parkAfterMs",
]);

export { ConfigError };

/** Why a setting is insecure; the `id` is stable (tests and alerts match on it). */
export interface ConfigWarning {
  readonly id:
    | "dev_mode"
    | "secret_missing"
    | "origin_insecure"
    | "origin_wildcard"
    | "trust_proxy_any"
    | "rate_limit_disabled"
    | "csrf_disabled"
    | "headers_disabled"
    | "connection_limits_disabled"
    | "limit_huge";
  /** The option concerned (`limits.maxPayload`). */
  readonly option: string;
  readonly message: string;
}

const INT_LIMITS = [
  "maxSessions",
  "maxDetached",
  "maxPayload",
  "maxBufferedBytes",
  "minDrainRate",
  "historyFrames",
  "historyBytes",
  "maxQueuedEvents",
  "maxPending",
  "maxPendingPerIp",
] as const;
// Above these a single client or process can hold an unreasonable share of memory.
const HUGE: Readonly<Record<string, number>> = {
  maxPayload: 4 * 1024 * 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
  maxSessions: 1_000_000,
  maxQueuedEvents: 10_000,
};

function positiveInt(option: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new ConfigError(option, "must be an integer ≥ 1");
  }
  return v;
}

function policy(option: string, p: RatePolicy | false | undefined): void {
  if (p === undefined || p === false) return;
  positiveInt(`${option}.limit`, p.limit);
  if (typeof p.windowMs !== "number" || !(p.windowMs > 0) || !Number.isFinite(p.windowMs)) {
    throw new ConfigError(`${option}.windowMs`, "must be > 0");
  }
}

function positiveMs(option: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isFinite(v) || !(v > 0)) {
    throw new ConfigError(option, "must be a number > 0");
  }
}

function checkBreaker(rl: RateLimitOptions): void {
  const b = rl.breaker;
  if (b === undefined) return;
  if (rl.store === undefined || rl.store instanceof MemoryRateLimitStore) {
    throw new ConfigError(
      "rateLimit.breaker",
      "applies to a store you pass (the in-memory one needs none)",
    );
  }
  if (b.timeoutMs !== undefined) positiveMs("rateLimit.breaker.timeoutMs", b.timeoutMs);
  if (b.failureThreshold !== undefined) {
    positiveInt("rateLimit.breaker.failureThreshold", b.failureThreshold);
  }
  if (b.resetMs !== undefined) positiveMs("rateLimit.breaker.resetMs", b.resetMs);
}

function isLoopbackOrigin(o: string): boolean {
  const host = new URL(o).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

/**
 * Checks `o`; throws `ConfigError` on a nonsensical setting, returns the warnings.
 * @example
 * for (const w of validateOptions(options)) logger.warn({ config_warning: w.id }, w.message);
 */
export function validateOptions(o: AppOptions): ConfigWarning[] {
  const warn: ConfigWarning[] = [];
  const devMode = o.devMode === true;
  checkRoutes(o.routes);
  checkObservability(o);
  checkBus(o);
  if (devMode) {
    warn.push({
      id: "dev_mode",
      option: "devMode",
      message:
        "SECURITY: devMode is ON — WebSocket origin check off, cookies without Secure/__Host- on http. Never use devMode in production.",
    });
  }
  if (o.secret === undefined) {
    // With persistence a secret is resolved from VANGO_SECRET or the state dir instead.
    if (!devMode && o.persistence === false && process.env.VANGO_SECRET === undefined) {
      warn.push({
        id: "secret_missing",
        option: "secret",
        message:
          "no secret: CSRF and resume tokens use a random per-process secret (pages die on restart and differ across instances); set VANGO_SECRET",
      });
    }
  } else {
    const len = typeof o.secret === "string" ? Buffer.byteLength(o.secret) : o.secret.length;
    if (len < 16) throw new ConfigError("secret", "must be at least 16 bytes");
  }
  for (const a of o.allowedOrigins ?? []) {
    if (a === "*") {
      warn.push({
        id: "origin_wildcard",
        option: "allowedOrigins",
        message: "allowedOrigins contains *: any site can open WebSockets to this app",
      });
      continue;
    }
    const c = canonicalOrigin(a);
    if (c === undefined) throw new ConfigError("allowedOrigins", `not an http(s) origin: ${a}`);
    if (c.startsWith("http:") && !isLoopbackOrigin(c)) {
      warn.push({
        id: "origin_insecure",
        option: "allowedOrigins",
        message: `allowed origin ${c} is plain http`,
      });
    }
  }
  for (const a of o.cors?.origins ?? []) {
    const c = canonicalOrigin(a);
    if (c === undefined) throw new ConfigError("cors.origins", `not an http(s) origin: ${a}`);
    if (c.startsWith("http:") && !isLoopbackOrigin(c)) {
      warn.push({ id: "origin_insecure", option: "cors.origins", message: `${c} is plain http` });
    }
  }
  const tp = o.trustProxy as unknown;
  if (tp === true) {
    throw new ConfigError("trustProxy", "true is ambiguous: give a hop count or proxy CIDRs");
  }
  if (typeof tp === "number" && (!Number.isInteger(tp) || tp < 0)) {
    throw new ConfigError("trustProxy", "hop count must be an integer ≥ 0");
  }
  if (tp !== undefined && tp !== false && typeof tp !== "number" && !Array.isArray(tp)) {
    throw new ConfigError("trustProxy", "must be false, a hop count or a list of CIDRs");
  }
  if (Array.isArray(tp)) checkTrustList(tp);
  if (Array.isArray(tp) && tp.some((e) => e === "0.0.0.0/0" || e === "::/0")) {
    warn.push({
      id: "trust_proxy_any",
      option: "trustProxy",
      message: "trustProxy trusts every address: any client can spoof X-Forwarded-For",
    });
  }
  const limits = o.limits ?? {};
  for (const k of INT_LIMITS) {
    const v = limits[k];
    if (v === undefined) continue;
    positiveInt(`limits.${k}`, v);
    const huge = HUGE[k];
    if (huge !== undefined && v > huge) {
      warn.push({
        id: "limit_huge",
        option: `limits.${k}`,
        message: `limits.${k} = ${v} is very large`,
      });
    }
  }
  const ratio = limits.maxHeapRatio;
  if (ratio !== undefined && !(typeof ratio === "number" && ratio > 0 && ratio <= 1)) {
    throw new ConfigError("limits.maxHeapRatio", "must be a number in (0, 1]");
  }
  if (limits.maxPayload !== undefined && limits.maxPayload > HARD_MAX_STRING) {
    throw new ConfigError("limits.maxPayload", `exceeds the protocol hard cap ${HARD_MAX_STRING}`);
  }
  for (const [k, v] of Object.entries(o.timeouts ?? {})) {
    const min = ZERO_OK_TIMEOUTS.has(k) ? 0 : 1;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
      throw new ConfigError(`timeouts.${k}`, `must be a number ≥ ${min}`);
    }
  }
  const t = resolveTimeouts(o.timeouts);
  // Node's own rule (createServer throws ERR_OUT_OF_RANGE otherwise): headers are part of the request.
  if (t.headersMs > t.requestMs) {
    throw new ConfigError(
      "timeouts.headersMs",
      `must not exceed timeouts.requestMs (${t.requestMs})`,
    );
  }
  // A page's session waits for its socket from the page GET on: a stream as long as that
  // wait would leave the client no time to attach.
  if (t.pageStreamMs >= t.pendingTtlMs) {
    throw new ConfigError(
      "timeouts.pageStreamMs",
      `must be below timeouts.pendingTtlMs (${t.pendingTtlMs})`,
    );
  }
  const p = o.persistence;
  if (p !== undefined && p !== false) {
    if (p.dir !== undefined && (typeof p.dir !== "string" || p.dir === "")) {
      throw new ConfigError("persistence.dir", "must be a non-empty path");
    }
    for (const k of ["checkpointMs", "ttlMs"] as const) {
      const v = p[k];
      if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v >= 1)) {
        throw new ConfigError(`persistence.${k}`, "must be a number ≥ 1");
      }
    }
    const st = p.store as unknown;
    if (
      st !== undefined &&
      (typeof st !== "object" ||
        st === null ||
        typeof (st as { save?: unknown }).save !== "function")
    ) {
      throw new ConfigError("persistence.store", "must be a SessionStore");
    }
  }
  const rl = o.rateLimit;
  if (rl === false) {
    warn.push({ id: "rate_limit_disabled", option: "rateLimit", message: "rate limits are off" });
  } else if (rl !== undefined) {
    policy("rateLimit.perIp", rl.perIp);
    policy("rateLimit.mutations", rl.mutations);
    policy("rateLimit.perUser", rl.perUser);
    for (const p of rl.policies ?? []) {
      policy(`rateLimit.policies.${p.name}`, p);
      const cost = p.cost;
      if (cost !== undefined && !(cost > 0 && cost <= p.limit)) {
        throw new ConfigError(`rateLimit.policies.${p.name}.cost`, "must be within (0, limit]");
      }
      if (p.key === "user" && o.userOf === undefined) {
        throw new ConfigError(`rateLimit.policies.${p.name}`, 'key "user" needs userOf');
      }
    }
    if (rl.perUser !== undefined && rl.perUser !== false && o.userOf === undefined) {
      throw new ConfigError("rateLimit.perUser", "needs userOf");
    }
    if (rl.perIp === false) {
      warn.push({
        id: "rate_limit_disabled",
        option: "rateLimit.perIp",
        message: "no per-IP HTTP limit",
      });
    }
    if (
      rl.perIp !== undefined &&
      rl.perIp !== false &&
      (rl.perIp.limit * 1000) / rl.perIp.windowMs > 1000
    ) {
      warn.push({
        id: "limit_huge",
        option: "rateLimit.perIp",
        message: "per-IP limit above 1000/s",
      });
    }
    checkBreaker(rl);
    const ws = rl.websocket;
    if (ws === false) {
      warn.push({
        id: "rate_limit_disabled",
        option: "rateLimit.websocket",
        message: "no WebSocket event budget",
      });
    } else if (ws !== undefined) {
      if (!(ws.perSecond > 0) || !Number.isFinite(ws.perSecond)) {
        throw new ConfigError("rateLimit.websocket.perSecond", "must be > 0");
      }
      if (ws.burst !== undefined) positiveInt("rateLimit.websocket.burst", ws.burst);
      if (ws.closeAfter !== undefined) positiveInt("rateLimit.websocket.closeAfter", ws.closeAfter);
    }
  }
  const cl = o.connectionLimits;
  if (cl === false) {
    warn.push({
      id: "connection_limits_disabled",
      option: "connectionLimits",
      message: "no WebSocket connection caps",
    });
  } else if (cl !== undefined) {
    for (const k of ["perIp", "perUser", "global"] as const) {
      const v = cl[k];
      if (v !== undefined) positiveInt(`connectionLimits.${k}`, v);
    }
    if ((cl.perIp ?? 0) > 1000) {
      warn.push({
        id: "limit_huge",
        option: "connectionLimits.perIp",
        message: "over 1000 sockets per IP",
      });
    }
  }
  if (o.csrf === false) {
    warn.push({ id: "csrf_disabled", option: "csrf", message: "the HTTP CSRF check is off" });
  } else if (o.csrf !== undefined) {
    if (o.csrf.maxFormBytes !== undefined) positiveInt("csrf.maxFormBytes", o.csrf.maxFormBytes);
    if (o.csrf.formTimeoutMs !== undefined) positiveMs("csrf.formTimeoutMs", o.csrf.formTimeoutMs);
  }
  if (o.securityHeaders === false) {
    warn.push({
      id: "headers_disabled",
      option: "securityHeaders",
      message: "no security headers",
    });
  }
  return warn;
}

/** Validates and logs: each warning once at `warn`; a `ConfigError` is logged and rethrown. */
export function validateAndLog(o: AppOptions, logger: Logger): ConfigWarning[] {
  let warnings: ConfigWarning[];
  try {
    warnings = validateOptions(o);
  } catch (err) {
    if (err instanceof ConfigError) {
      logger.error({ code: err.code, option: err.option }, err.message);
    }
    throw err;
  }
  for (const w of warnings) {
    logger.warn({ code: "config_warning", config_warning: w.id, option: w.option }, w.message);
  }
  return warnings;
}
