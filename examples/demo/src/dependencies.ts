/**
 * The demo's optional backends: `REDIS_URL` switches on a Redis `PING` readiness probe
 * and moves the HTTP rate-limit budgets into Redis (shared by every instance);
 * `DATABASE_URL` adds a Postgres `SELECT 1` probe. The drivers are imported only when
 * their variable is set, so the default demo loads neither.
 */
import { type AppHealthOptions, type RateLimitStore, RedisRateLimitStore } from "vango/server";

export interface Dependencies {
  readonly checks: NonNullable<AppHealthOptions["checks"]>;
  /** The shared rate-limit store when Redis is configured; else the app's in-memory default. */
  readonly rateLimitStore: RateLimitStore | undefined;
  /** Closes every client (graceful shutdown). */
  close(): Promise<void>;
}

/**
 * @example const deps = await connectDependencies(process.env); createApp({ health: { checks: deps.checks } });
 */
export async function connectDependencies(
  env: Readonly<Record<string, string | undefined>>,
): Promise<Dependencies> {
  const checks: { -readonly [K in keyof Dependencies["checks"]]: Dependencies["checks"][K] } = {};
  const closers: (() => Promise<unknown>)[] = [];
  let rateLimitStore: RateLimitStore | undefined;
  if (env.REDIS_URL) {
    const { Redis } = await import("ioredis");
    // Commands wait for the (re)connection; the probe timeout bounds them.
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    redis.on("error", () => {}); // reconnects by itself; readiness reports the outage
    checks.redis = redis;
    rateLimitStore = new RedisRateLimitStore({ client: redis, prefix: "vango-demo:rl:" });
    closers.push(() => redis.quit().catch(() => redis.disconnect()));
  }
  if (env.DATABASE_URL) {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({
      connectionString: env.DATABASE_URL,
      max: 2,
      connectionTimeoutMillis: 2_000,
    });
    pool.on("error", () => {}); // idle client errors: the next probe reports them
    checks.postgres = pool;
    closers.push(() => pool.end());
  }
  return {
    checks,
    rateLimitStore,
    async close() {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}
