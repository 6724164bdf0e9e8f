/**
 * `createAuth`: sign-in for a Vango app — short access tokens and rotated refresh tokens
 * in HttpOnly cookies, revocation shared by every instance, login limits, live sessions
 * that follow revocations and expiry, and the audit log. It plugs into an app through
 * the options it already has (`userOf`, HTTP and event middleware) with
 * `auth.wire(options)`, and into its metrics and readiness with `auth.attach(app)`.
 */

import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { appLogger } from "../observability/app-observability.ts";
import { metricsOf } from "../observability/metrics.ts";
import { ErrorCode } from "../protocol/errors.ts";
import type { App } from "../server/app.ts";
import { appSecret } from "../server/config/app-secret.ts";
import type { AppOptions } from "../server/config/options.ts";
import type { CircuitBreakerOptions } from "../server/core/circuit-breaker.ts";
import { ConfigError, ServerError } from "../server/core/errors.ts";
import type { HttpMiddleware } from "../server/core/middleware.ts";
import { requestLocals } from "../server/core/request-locals.ts";
import { MemoryRateLimitStore } from "../server/security/rate-limit/memory-store.ts";
import type { RateLimitStore } from "../server/security/rate-limit/store.ts";
import type { EventMiddleware } from "../server/session/event-context.ts";
import { AUDIT_DEPENDENCY, type AuditLog } from "./audit/audit-log.ts";
import { readTokenCookies } from "./cookies.ts";
import { AUTH_STORE, AuthCore, type AuthPaths } from "./core.ts";
import { AuthError } from "./errors.ts";
import type { FamilyStore } from "./families/family-store.ts";
import { MemoryFamilyStore } from "./families/memory-family-store.ts";
import { KeyRing } from "./keys.ts";
import { LiveSessions } from "./live-sessions.ts";
import { DEFAULT_LOGIN_LIMITS, type LoginLimits, LoginThrottle } from "./login-throttle.ts";
import { authenticateRequest, authenticateUpgrade } from "./request-auth.ts";
import { AUTH_LOCAL, type SessionAuth } from "./session-auth.ts";
import { TokenService } from "./tokens.ts";
import type { AuthUser, UserDirectory } from "./users.ts";

export interface AuthOptions {
  /** Finds users by name (login) and id (refresh). */
  readonly users: UserDirectory;
  /**
   * Key pairs to sign tokens with (`keyRingFromEnv(process.env)`); default: an HMAC key
   * derived from `secret`, else from the app's `secret` (`VANGO_SECRET`).
   */
  readonly keys?: KeyRing;
  /** Secret to derive the token key from, when it is not the app's. */
  readonly secret?: string | Uint8Array;
  /** Sign-ins and revocations: `RedisFamilyStore` for several instances (default: memory). */
  readonly families?: FamilyStore;
  /** Where login budgets live (default: memory; pass the app's Redis store to share them). */
  readonly rateLimitStore?: RateLimitStore;
  /** Failed logins allowed per user name and per address (default 5/min and 50/5 min). */
  readonly loginLimits?: Partial<LoginLimits>;
  /** Deadline and circuit around the family and rate-limit stores (default 200 ms, 5 failures, 5 s). */
  readonly breaker?: CircuitBreakerOptions;
  /** The audit log sign-ins, refusals and the app's `audit()` calls go to. */
  readonly audit?: AuditLog;
  /** `iss` of the tokens (default `"vango"`). */
  readonly issuer?: string;
  /** `aud` of the tokens (default `"vango-app"`): give each app its own. */
  readonly audience?: string;
  /** Access token lifetime (default 15 min). */
  readonly accessTtlMs?: number;
  /** Sign-in (refresh token) lifetime from login (default 7 days). */
  readonly refreshTtlMs?: number;
  /** How long a just-rotated refresh token still refreshes (default 10 s; concurrent tabs). */
  readonly refreshGraceMs?: number;
  readonly paths?: Partial<AuthPaths>;
}

const DEFAULT_PATHS: AuthPaths = Object.freeze({
  login: "/login",
  afterLogin: "/",
  afterLogout: "/",
  grant: "/_vango/auth/grant",
  jwks: "/.well-known/jwks.json",
});

export class Auth {
  readonly #core: AuthCore;
  readonly #keys: KeyRing | undefined;
  readonly #secret: string | Uint8Array | undefined;
  readonly #ownFamilies: boolean;
  #wired = false;

  /**
   * HTTP middleware (added by `wire`): the sign-in state of each request, auth's
   * endpoints.
   */
  readonly http: HttpMiddleware;
  /** Event middleware (added by `wire`): expiry and revocation of live sign-ins. */
  readonly event: EventMiddleware;
  /**
   * `userOf` (added by `wire`): the user a request's middleware found, else one whose
   * access token this instance verified before (WebSocket upgrades, per-user limits).
   */
  readonly userOf: (req: IncomingMessage) => string | undefined;

  /** Use {@link createAuth}. */
  constructor(options: AuthOptions) {
    const num = (name: string, v: number | undefined, d: number): number => {
      const n = v ?? d;
      if (!Number.isFinite(n) || n < 0)
        throw new ConfigError(`auth.${name}`, "must be a number ≥ 0");
      return n;
    };
    const accessTtlMs = num("accessTtlMs", options.accessTtlMs, 15 * 60_000);
    const refreshTtlMs = num("refreshTtlMs", options.refreshTtlMs, 7 * 24 * 3600_000);
    if (accessTtlMs < 1000 || refreshTtlMs < accessTtlMs) {
      throw new ConfigError("auth.accessTtlMs", "at least 1 s, and at most refreshTtlMs");
    }
    const paths = { ...DEFAULT_PATHS, ...options.paths };
    for (const [k, p] of Object.entries(paths)) {
      if (typeof p !== "string" || !p.startsWith("/") || p.startsWith("//")) {
        throw new ConfigError(`auth.paths.${k}`, "must be a path starting with /");
      }
    }
    const limits = { ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits };
    const rlStore = options.rateLimitStore ?? new MemoryRateLimitStore();
    this.#ownFamilies = options.families === undefined;
    const families = options.families ?? new MemoryFamilyStore();
    const core = new AuthCore(
      {
        issuer: options.issuer ?? "vango",
        audience: options.audience ?? "vango-app",
        accessTtlMs,
        refreshTtlMs,
        graceMs: num("refreshGraceMs", options.refreshGraceMs, 10_000),
        paths,
      },
      options.users,
      families,
      options.audit,
      options.breaker,
    );
    core.live = new LiveSessions(core);
    // One circuit for auth's stores (normally one Redis); an in-process store answers at
    // once and needs no deadline timer per attempt.
    core.throttle = new LoginThrottle(
      rlStore,
      limits,
      rlStore instanceof MemoryRateLimitStore ? undefined : core.breaker,
    );
    this.#core = core;
    this.#keys = options.keys;
    this.#secret = options.secret;
    this.http = (ctx, next) => {
      this.#needWired();
      return authenticateRequest(core, ctx, next);
    };
    this.event = (ctx, next) => core.live.event(ctx, next);
    this.userOf = (req) => {
      const sa = requestLocals(req).get(AUTH_LOCAL) as SessionAuth | undefined;
      if (sa !== undefined) return sa.userId;
      if (!this.#wired) return undefined;
      const { access } = readTokenCookies(req.headers.cookie, core.devMode);
      if (access === undefined) return undefined;
      const c = core.tokens.cached(access, Date.now());
      if (c === undefined || core.live.known(c.fam) !== false) return undefined;
      return c.sub;
    };
  }

  /**
   * The app's options with auth plugged in: `userOf`, auth's HTTP and event middleware
   * (after the app's own, so tracing spans cover them), and one logger for both. Auth
   * takes `devMode`, `trustProxy` and `secret` from them. Once per auth.
   * @example const app = createApp(auth.wire({ routes, secret: process.env.VANGO_SECRET }));
   */
  wire(options: AppOptions): AppOptions {
    if (this.#wired) throw new ConfigError("auth", "is wired into an app already");
    if (options.userOf !== undefined) {
      throw new ConfigError("userOf", "auth provides userOf: leave it out of the options");
    }
    const core = this.#core;
    const logger = options.logger ?? appLogger(options);
    core.logger = logger;
    const levels = logger as { isLevelEnabled?: (level: string) => boolean };
    core.debug = typeof levels.isLevelEnabled === "function" && levels.isLevelEnabled("debug");
    core.devMode = options.devMode === true;
    core.trustProxy = options.trustProxy ?? false;
    let keys = this.#keys;
    // The app's own secret (given, VANGO_SECRET, or kept in the state dir), settled here
    // once and handed on, so the app and its tokens agree.
    const appKey = appSecret(options);
    if (keys === undefined) {
      const secret = this.#secret ?? appKey;
      if (secret === undefined) {
        logger.warn(
          { config_warning: "auth_secret_missing" },
          "auth: no secret, tokens are signed with a random per-process key (set VANGO_SECRET)",
        );
      }
      keys = KeyRing.fromSecret(secret ?? randomBytes(32));
    }
    core.tokens = new TokenService(keys, core.config.issuer, core.config.audience);
    core.audit?.bind({ logger });
    this.#wired = true;
    const upgradeLocals = options.upgradeLocals;
    return {
      ...options,
      ...(appKey === undefined ? {} : { secret: appKey }),
      logger,
      userOf: this.userOf,
      // A page rebuilt on a socket (restart, another instance) is signed in as its page was.
      upgradeLocals: async (req) => {
        await upgradeLocals?.(req);
        await authenticateUpgrade(core, req);
      },
      httpMiddleware: [...(options.httpMiddleware ?? []), this.http],
      eventMiddleware: [...(options.eventMiddleware ?? []), this.event],
    };
  }

  /**
   * Connects auth to the app's metrics (`vango_auth_*`, `vango_audit_*`) and readiness
   * (`auth_store` and `audit_log` circuits: `degraded` while down).
   * @example const app = createApp(auth.wire(options)); auth.attach(app);
   */
  attach(app: App): void {
    const metrics = metricsOf(app.metrics);
    this.#core.metrics = metrics;
    this.#core.audit?.bind({ metrics });
    app.health?.watch(AUTH_STORE, this.#core);
    const audit = this.#core.audit;
    if (audit !== undefined) app.health?.watch(AUDIT_DEPENDENCY, audit);
  }

  /**
   * Verifies an access token from elsewhere (an `Authorization` header of your own API):
   * its user, or an `AuthError` with the refusal's code.
   * @example const user = await auth.verify(bearer);
   */
  async verify(token: string): Promise<AuthUser> {
    this.#needWired();
    const v = await this.#core.tokens.verifyAccess(token);
    if (!v.ok) throw new AuthError(v.code);
    if (await this.#core.isRevoked(v.claims.fam)) throw new AuthError("token_revoked");
    return v.claims.user;
  }

  /**
   * Signs `userId` out everywhere (every open sign-in, on every instance; their live
   * sessions are sent to the login page); the number of sign-ins ended.
   * @example await auth.revokeUser(user.id); // after a password change
   */
  async revokeUser(userId: string, reason = "revoke_user"): Promise<number> {
    const core = this.#core;
    const r = await core.breaker.run(() => core.families.revokeUser(userId));
    if (!r.ok) {
      throw new ServerError(ErrorCode.store_unavailable, "auth store", { cause: r.error });
    }
    for (const fam of r.value) core.live.revoked(fam);
    core.record(undefined, "auth.revoke", userId, { families: r.value.length, reason });
    return r.value.length;
  }

  /**
   * Stops timers and subscriptions, and flushes the audit log within `deadlineMs`
   * (default 2 s; what is left then is dropped and counted as `shutdown`).
   */
  async close(deadlineMs = 2_000): Promise<void> {
    const core = this.#core;
    core.live.close();
    core.throttle.close();
    await core.close();
    if (this.#ownFamilies) await core.families.close();
    await core.audit?.close(deadlineMs);
  }

  /** @internal The engine, for the guards, hooks and actions. */
  get core(): AuthCore {
    return this.#core;
  }

  #needWired(): void {
    if (!this.#wired) throw new ConfigError("auth", "use createApp(auth.wire({ … }))");
  }
}

/**
 * @example
 * const auth = createAuth({ users: await memoryUsers([{ name: "demo", password: "demo-password" }]) });
 * const app = createApp(auth.wire({ routes, secret: process.env.VANGO_SECRET }));
 * auth.attach(app);
 */
export function createAuth(options: AuthOptions): Auth {
  return new Auth(options);
}
