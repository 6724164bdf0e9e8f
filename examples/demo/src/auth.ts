/**
 * The demo's sign-in: `createAuth` over the demo's backends. Outside production mode
 * (`NODE_ENV` not `production`, so also plain `npm start`) there is one user, `demo` /
 * `demo-password`. With `REDIS_URL`, sign-ins, revocations and login budgets live in
 * Redis (every instance sharing `VANGO_SECRET` signs in the same users and hears every
 * logout); with `DATABASE_URL`, the audit log writes `audit_events` (migrated at start),
 * else it logs its events. `VANGO_JWT_KEYS` / `VANGO_JWT_KID` sign tokens with key pairs
 * (then published at /.well-known/jwks.json).
 */
import {
  AuditLog,
  type AuditSink,
  type Auth,
  type AuthOptions,
  createAuth,
  keyRingFromEnv,
  memoryUsers,
  postgresAuditSink,
  RedisFamilyStore,
  runAuditMigrations,
} from "vango/server";
import type { Dependencies } from "./dependencies.ts";

/** The demo user, outside production mode. */
export const DEMO_USER = { name: "demo", password: "demo-password" } as const;

/** Sign-in lifetimes other than the defaults (tests watch a sign-in end). */
export type DemoLifetimes = Pick<AuthOptions, "accessTtlMs" | "refreshTtlMs">;

/**
 * @example const auth = await demoAuth(process.env, deps);
 */
export async function demoAuth(
  env: Readonly<Record<string, string | undefined>>,
  deps?: Pick<Dependencies, "redis" | "pool" | "rateLimitStore">,
  lifetimes: DemoLifetimes = {},
): Promise<Auth> {
  const production = env.NODE_ENV === "production";
  const users = await memoryUsers(
    production ? [] : [{ id: "demo", ...DEMO_USER, roles: ["user"] }],
  );
  let sink: AuditSink | undefined;
  if (deps?.pool !== undefined) {
    await runAuditMigrations(deps.pool);
    sink = postgresAuditSink(deps.pool);
  }
  // Without a database, audit events are `info` lines of the app's log.
  const audit = new AuditLog(sink === undefined ? {} : { sink });
  return createAuth({
    users,
    keys: keyRingFromEnv(env),
    ...(deps?.redis === undefined
      ? {}
      : { families: new RedisFamilyStore({ client: deps.redis, prefix: "vango-demo:auth:" }) }),
    ...(deps?.rateLimitStore === undefined ? {} : { rateLimitStore: deps.rateLimitStore }),
    audit,
    audience: "vango-demo",
    paths: { afterLogin: "/account", afterLogout: "/login" },
    ...lifetimes,
  });
}
