/**
 * HTTP rate limiting: named policies (per IP, per user, per route via `match`) plus an
 * optional stricter policy for mutations, all charged in parallel against one
 * `RateLimitStore`. Refusals are 429 `rate_limited` with `Retry-After` and the
 * `RateLimit-Limit` / `-Remaining` / `-Reset` / `-Policy` headers of the IETF
 * httpapi rate-limit headers draft; allowed responses carry the same headers for the
 * most constrained policy.
 *
 * Store calls go through a {@link CircuitBreaker} (one deadline per request, however
 * many policies apply): a store that is down or hangs costs the first requests at most
 * the deadline, then nothing while the circuit is open; they fail open (or closed, as
 * configured) instead of waiting for the store's client to give up.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ErrorCode } from "../../../protocol/errors.ts";
import type { CircuitBreaker } from "../../core/circuit-breaker.ts";
import type { Refusal } from "../../core/http-error.ts";
import type { RateLimitResult, RateLimitStore } from "./store.ts";

/** `"ip"`: the client IP; `"user"`: `userOf(req)` (skipped when anonymous); or a function. */
export type RateLimitKey = "ip" | "user" | ((req: IncomingMessage) => string | undefined);

export interface HttpRateLimitPolicy {
  /** Unique name; part of the store key and of `RateLimit-Policy`. */
  name: string;
  /** Units per window (burst up to `limit`). */
  limit: number;
  windowMs: number;
  /** Which requests this policy applies to (default: all). */
  match?: (req: IncomingMessage) => boolean;
  /** Whose budget is charged; returning `undefined` skips the policy for this request. */
  key: RateLimitKey;
  /** Units charged per request (default 1). */
  cost?: number;
}

export interface HttpRateLimitOptions {
  store: RateLimitStore;
  policies: readonly HttpRateLimitPolicy[];
  /**
   * Extra policy for POST, PUT, PATCH and DELETE except upload chunks (name `mutation`,
   * key `ip` by default).
   */
  mutationPolicy?: { limit: number; windowMs: number; key?: RateLimitKey };
  /** The client IP for `"ip"` keys (default: the socket's address; pass one that honours trusted proxies). */
  ipOf?: (req: IncomingMessage) => string;
  /** The user id for `"user"` keys. */
  userOf?: (req: IncomingMessage) => string | undefined;
  /**
   * With a `breaker`, when the store fails, times out or its circuit is open: `true`
   * lets the request through (default: an outage of the limiter should not become an
   * outage of the app); `false` refuses it as `rate_limited` with a `Retry-After` of
   * the time until the store is tried again (at least 1 s).
   */
  failOpen?: boolean;
  /**
   * Deadline and circuit breaker around the store's calls (it also logs its state
   * changes). Omit it only for a store that answers in-process and cannot be down
   * (`MemoryRateLimitStore`): its calls are then awaited as they are.
   */
  breaker?: CircuitBreaker;
}

/**
 * Resolves `undefined` when the request may proceed (the `RateLimit-*` headers are then
 * set on `res`), else the 429 refusal to send.
 */
export type HttpRateLimiter = (
  req: IncomingMessage,
  res: ServerResponse,
) => Promise<Refusal | undefined>;

const MUTATIONS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function isMutation(req: IncomingMessage): boolean {
  return MUTATIONS.has(req.method ?? "");
}

interface Compiled {
  name: string;
  policy: { limit: number; windowMs: number };
  match: ((req: IncomingMessage) => boolean) | undefined;
  key: (req: IncomingMessage) => string | undefined;
  cost: number;
  /** `RateLimit-Policy` value. */
  header: string;
}

/**
 * Builds the limiter.
 * @example
 * const limit = httpRateLimit({
 *   store: new MemoryRateLimitStore(),
 *   policies: [{ name: "ip", key: "ip", limit: 300, windowMs: 60_000 }],
 *   mutationPolicy: { limit: 30, windowMs: 60_000 },
 * });
 * const refusal = await limit(req, res); // a 429 to send, or undefined
 */
export function httpRateLimit(options: HttpRateLimitOptions): HttpRateLimiter {
  const { store, userOf, breaker } = options;
  const ipOf = options.ipOf ?? socketAddress;
  const failOpen = options.failOpen ?? true;
  const resolveKey = (k: RateLimitKey): ((req: IncomingMessage) => string | undefined) => {
    if (k === "ip") return (req) => `ip:${ipOf(req)}`;
    if (k === "user") {
      if (userOf === undefined) throw new RangeError('httpRateLimit: key "user" needs userOf');
      return (req) => {
        const u = userOf(req);
        return u === undefined ? undefined : `user:${u}`;
      };
    }
    return k;
  };
  const all: Compiled[] = [];
  const names = new Set<string>();
  const add = (p: HttpRateLimitPolicy): void => {
    if (names.has(p.name)) throw new RangeError(`httpRateLimit: duplicate policy ${p.name}`);
    names.add(p.name);
    all.push({
      name: p.name,
      policy: { limit: p.limit, windowMs: p.windowMs },
      match: p.match,
      key: resolveKey(p.key),
      cost: p.cost ?? 1,
      header: `${p.limit};w=${Math.ceil(p.windowMs / 1000)}`,
    });
  };
  for (const p of options.policies) add(p);
  const m = options.mutationPolicy;
  if (m !== undefined) {
    add({
      name: "mutation",
      limit: m.limit,
      windowMs: m.windowMs,
      key: m.key ?? "ip",
      match: isMutation,
    });
  }

  const consumeAll = (keys: readonly string[], applied: readonly Compiled[]) =>
    Promise.all(keys.map((k, i) => store.consume(k, applied[i]!.cost, applied[i]!.policy)));

  return async (req, res) => {
    const applied: Compiled[] = [];
    const keys: string[] = [];
    for (const c of all) {
      if (c.match !== undefined && !c.match(req)) continue;
      const k = c.key(req);
      if (k === undefined) continue;
      applied.push(c);
      keys.push(`${c.name}:${k}`);
    }
    if (keys.length === 0) return undefined;
    let results: RateLimitResult[];
    // Without a breaker the store is in-process: a failure there is a bug, not an outage.
    if (breaker === undefined) results = await consumeAll(keys, applied);
    else {
      // The store is called inside the breaker: while the circuit is open, not at all.
      const outcome = await breaker.run(() => consumeAll(keys, applied));
      if (!outcome.ok) {
        if (failOpen) return undefined;
        const wait = Math.max(1, Math.ceil(breaker.retryInMs() / 1000));
        return { code: ErrorCode.rate_limited, headers: { "retry-after": String(wait) } };
      }
      results = outcome.value;
    }
    // Report the refusal with the longest wait, else the policy with the least left.
    let worst = 0;
    let denied = false;
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      const w = results[worst]!;
      if (!r.allowed) {
        if (!denied || r.retryAfterMs > w.retryAfterMs) worst = i;
        denied = true;
      } else if (!denied && r.remaining < w.remaining) worst = i;
    }
    const r = results[worst]!;
    const c = applied[worst]!;
    const headers: Record<string, string> = {
      "ratelimit-limit": String(c.policy.limit),
      "ratelimit-remaining": String(r.remaining),
      "ratelimit-reset": String(Math.ceil(r.resetMs / 1000)),
      "ratelimit-policy": c.header,
    };
    if (denied) {
      headers["retry-after"] = String(Math.max(1, Math.ceil(r.retryAfterMs / 1000)));
      return { code: ErrorCode.rate_limited, headers };
    }
    if (!res.headersSent) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    return undefined;
  };
}

function socketAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "";
}
