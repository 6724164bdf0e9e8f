/**
 * The demo's optional backends: `REDIS_URL` switches on a Redis `PING` readiness probe,
 * moves the HTTP rate-limit budgets, the session checkpoints, sign-ins and revocations
 * into Redis and carries shared state (the chat, the shared counter) over Redis pub/sub
 * — all shared by every instance, so a session resumes on whichever instance its socket
 * reaches; `DATABASE_URL` adds a Postgres `SELECT 1` probe and the audit table. The
 * drivers are imported only when
 * their variable is set, so the default demo loads neither.
 *
 * The Redis client is set to fail fast rather than queue: with ioredis' defaults a
 * command issued while Redis is down waits through 20 reconnection attempts (over a
 * minute per page request, measured) before it fails. The app bounds every store call
 * with its own deadline and circuit breaker anyway; these options keep the commands it
 * gave up on from piling up in the client.
 */
import type { Pool } from "pg";
import {
  type AppHealthOptions,
  type Bus,
  type RateLimitStore,
  RedisBus,
  type RedisFamilyClient,
  RedisRateLimitStore,
  RedisSessionStore,
  type SessionStore,
} from "vango/server";

export interface Dependencies {
  readonly checks: NonNullable<AppHealthOptions["checks"]>;
  /** The shared rate-limit store when Redis is configured; else the app's in-memory default. */
  readonly rateLimitStore: RateLimitStore | undefined;
  /** Where sessions are checkpointed when Redis is configured; else the app's file snapshot. */
  readonly sessionStore: SessionStore | undefined;
  /** The Redis client (`REDIS_URL`), for auth's sign-in store. */
  readonly redis: RedisFamilyClient | undefined;
  /** The Postgres pool (`DATABASE_URL`), for the audit log. */
  readonly pool: Pool | undefined;
  /** The shared-state bus (global signals, presence, broadcast) when Redis is configured; else the app keeps them in process. */
  readonly bus: Bus | undefined;
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
  let sessionStore: SessionStore | undefined;
  let redisClient: RedisFamilyClient | undefined;
  let pool: Pool | undefined;
  let bus: Bus | undefined;
  if (env.REDIS_URL) {
    const { Redis } = await import("ioredis");
    const redis = new Redis(env.REDIS_URL, {
      // While disconnected, commands fail at once instead of waiting in a queue.
      enableOfflineQueue: false,
      // A command caught by a connection drop is retried once on the next connection.
      maxRetriesPerRequest: 1,
      // A command on a connection that hangs (Redis stalled, packets dropped) fails after 1 s.
      commandTimeout: 1_000,
      connectTimeout: 2_000,
    });
    redis.on("error", () => {}); // reconnects by itself; readiness and the app's logs report the outage
    // Without the offline queue, commands sent before the first connection fail: wait for
    // it briefly, but start anyway (fail open) when Redis is down at boot.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2_000);
      redis.once("ready", () => {
        clearTimeout(t);
        resolve();
      });
    });
    checks.redis = redis;
    rateLimitStore = new RedisRateLimitStore({ client: redis, prefix: "vango-demo:rl:" });
    sessionStore = new RedisSessionStore({ client: redis, prefix: "vango-demo:session:" });
    redisClient = redis;
    // Its subscriber connection is a duplicate of this client (same fail-fast options).
    bus = new RedisBus({ client: redis, prefix: "vango-demo:bus:" });
    closers.push(() => redis.quit().catch(() => redis.disconnect()));
  }
  if (env.DATABASE_URL) {
    const { default: pg } = await import("pg");
    pool = new pg.Pool({
      connectionString: env.DATABASE_URL,
      max: 2,
      connectionTimeoutMillis: 2_000,
    });
    pool.on("error", () => {}); // idle client errors: the next probe reports them
    checks.postgres = pool;
    const p = pool;
    closers.push(() => p.end());
  }
  return {
    checks,
    rateLimitStore,
    sessionStore,
    redis: redisClient,
    pool,
    bus,
    async close() {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}
