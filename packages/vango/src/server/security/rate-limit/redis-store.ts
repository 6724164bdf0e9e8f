/**
 * Redis rate-limit store: the GCRA step of `rate-limit-store.ts` as one Lua script
 * (atomic, one round trip, one key per decision so it also runs on Redis Cluster).
 * Time comes from the Redis server (`TIME`), so instances with skewed clocks still
 * share one consistent budget.
 */
import {
  checkConsume,
  type RateLimitPolicyShape,
  type RateLimitResult,
  type RateLimitStore,
} from "./store.ts";

/** What the store needs from a Redis client (ioredis `Redis` and `Cluster` fit). */
export interface RedisScriptClient {
  defineCommand(name: string, definition: { lua: string; numberOfKeys: number }): void;
}

const COMMAND = "vangoRateLimitGcra";
const REFUND_COMMAND = "vangoRateLimitRefund";

/** KEYS[1] = bucket; ARGV = limit, windowMs, cost. Returns {allowed, remaining, resetMs, retryAfterMs}. */
export const GCRA_LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local eps = 1e-6
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local step = window / limit
local base = tonumber(redis.call('GET', KEYS[1]) or '0')
if base < now then base = now end
local newTat = base + cost * step
local diff = newTat - now
if diff > window + eps then
  local remaining = math.floor((window - (base - now)) / step + eps)
  if remaining < 0 then remaining = 0 end
  local retry = math.ceil(diff - window - eps)
  if retry < 1 then retry = 1 end
  return {0, remaining, math.ceil(base - now - eps), retry}
end
local ttl = math.ceil(diff)
if ttl < 1 then ttl = 1 end
redis.call('SET', KEYS[1], string.format('%.3f', newTat), 'PX', ttl)
return {1, math.floor((window - diff) / step + eps), math.ceil(diff - eps), 0}
`;

/** KEYS[1] = bucket; ARGV = limit, windowMs, cost. Moves the arrival time back by `cost` units. */
export const REFUND_LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local eps = 1e-6
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local back = tonumber(stored) - cost * (window / limit)
if back <= now + eps then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('SET', KEYS[1], string.format('%.3f', back), 'PX', math.ceil(back - now))
return 1
`;

export interface RedisRateLimitStoreOptions {
  client: RedisScriptClient;
  /** Prefix of every key (default `"vango:rl:"`). */
  prefix?: string;
}

type RefundCommand = (
  key: string,
  limit: number,
  windowMs: number,
  cost: number,
) => Promise<number>;

type GcraCommand = (
  key: string,
  limit: number,
  windowMs: number,
  cost: number,
) => Promise<[number, number, number, number]>;

/**
 * @example
 * const store = new RedisRateLimitStore({ client: new Redis(process.env.REDIS_URL!) });
 * await store.consume("ip:1.2.3.4", 1, { limit: 100, windowMs: 60_000 });
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #run: GcraCommand;
  readonly #refund: RefundCommand;
  readonly #prefix: string;

  constructor(options: RedisRateLimitStoreOptions) {
    const { client } = options;
    client.defineCommand(COMMAND, { lua: GCRA_LUA, numberOfKeys: 1 });
    const fn = (client as unknown as Record<string, GcraCommand>)[COMMAND]!;
    this.#run = fn.bind(client);
    client.defineCommand(REFUND_COMMAND, { lua: REFUND_LUA, numberOfKeys: 1 });
    const refund = (client as unknown as Record<string, RefundCommand>)[REFUND_COMMAND]!;
    this.#refund = refund.bind(client);
    this.#prefix = options.prefix ?? "vango:rl:";
  }

  async consume(key: string, cost: number, policy: RateLimitPolicyShape): Promise<RateLimitResult> {
    checkConsume(cost, policy);
    const [allowed, remaining, resetMs, retryAfterMs] = await this.#run(
      this.#prefix + key,
      policy.limit,
      policy.windowMs,
      cost,
    );
    return { allowed: allowed === 1, remaining, resetMs, retryAfterMs };
  }

  async refund(key: string, cost: number, policy: RateLimitPolicyShape): Promise<void> {
    checkConsume(cost, policy);
    await this.#refund(this.#prefix + key, policy.limit, policy.windowMs, cost);
  }
}
