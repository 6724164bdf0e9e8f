/**
 * The demo's optional backends for readiness: `REDIS_URL` switches on a Redis `PING`
 * probe, `DATABASE_URL` a Postgres `SELECT 1` probe. The drivers are imported only when
 * their variable is set, so the default demo loads neither.
 */
import type { AppHealthOptions } from "vango/server";

export interface Dependencies {
  readonly checks: NonNullable<AppHealthOptions["checks"]>;
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
  if (env.REDIS_URL) {
    const { Redis } = await import("ioredis");
    // Commands wait for the (re)connection; the probe timeout bounds them.
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    redis.on("error", () => {}); // reconnects by itself; readiness reports the outage
    checks.redis = redis;
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
    async close() {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}
