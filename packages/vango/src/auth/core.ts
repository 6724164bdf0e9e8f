/**
 * Auth's engine, shared by its HTTP middleware, event middleware, guards and actions:
 * the stores (behind one circuit breaker), the tokens, and the three things every path
 * does — decide whether a sign-in is revoked, open a sign-in, and end one — each
 * counted, logged and audited in one place.
 *
 * Outages of the family store (Redis) degrade, never block:
 * - revocation checks answer from what this instance knows — every revocation it heard
 *   of before the outage, and every one it made since (a logout here is honoured here at
 *   once, and written to the store when it is back) — and otherwise let the token
 *   through;
 * - a refresh is not possible: the request is anonymous, the cookies are kept for when
 *   the store is back;
 * - a sign-in is issued without a refresh token (it lasts one access-token lifetime);
 * - a sign-out still ends the sign-in here and on its cookies.
 */

import type { VangoMetrics } from "../observability/metrics.ts";
import { ErrorCode } from "../protocol/errors.ts";
import {
  BreakerState,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from "../server/core/circuit-breaker.ts";
import { type Logger, silentLogger } from "../server/core/logger.ts";
import type { TrustProxy } from "../server/security/client-ip.ts";
import type { AuditLog } from "./audit/audit-log.ts";
import { ACCESS_COOKIE, type CookieWriter, REFRESH_COOKIE } from "./cookies.ts";
import { type AuthErrorCode, AuthErrorCode as C } from "./errors.ts";
import { type FamilyStore, Rotation } from "./families/family-store.ts";
import { MemoryFamilyStore } from "./families/memory-family-store.ts";
import type { LiveSessions } from "./live-sessions.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import type { SessionAuth } from "./session-auth.ts";
import { type TokenService, tokenId } from "./tokens.ts";
import type { AuthUser, UserDirectory } from "./users.ts";

/** Paths auth answers or sends browsers to. */
export interface AuthPaths {
  /** The app's login page (default `/login`). */
  readonly login: string;
  /** Where a login without a (safe) `next` lands (default `/`). */
  readonly afterLogin: string;
  /** Where `logout()` sends the browser (default `/`). */
  readonly afterLogout: string;
  /** The endpoint that turns a live sign-in into cookies (default `/_vango/auth/grant`). */
  readonly grant: string;
  /** The public keys, when tokens are signed with key pairs (default `/.well-known/jwks.json`). */
  readonly jwks: string;
}

export interface AuthConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly accessTtlMs: number;
  readonly refreshTtlMs: number;
  readonly graceMs: number;
  readonly paths: AuthPaths;
}

/** Name of auth's stores (families, login budgets) in readiness and logs. */
export const AUTH_STORE = "auth_store";
/** How long a live sign-in's grant may take to be redeemed. */
export const GRANT_TTL_MS = 60_000;

export class AuthCore {
  readonly config: AuthConfig;
  readonly users: UserDirectory;
  readonly families: FamilyStore;
  readonly breaker: CircuitBreaker;
  readonly audit: AuditLog | undefined;
  /** Set by `createAuth` right after (they need the core). */
  live!: LiveSessions;
  throttle!: LoginThrottle;
  /** Set when auth is wired into an app (the key may come from the app's secret). */
  tokens!: TokenService;
  devMode = false;
  trustProxy: TrustProxy = false;
  logger: Logger = silentLogger;
  /** The logger takes debug lines (checked once, when wired: refusals cost no log object otherwise). */
  debug = false;
  metrics: VangoMetrics | undefined = undefined;
  /** One-time ids while the family store is unreachable (replays caught on this instance). */
  readonly #onceLocal = new MemoryFamilyStore();

  constructor(
    config: AuthConfig,
    users: UserDirectory,
    families: FamilyStore,
    audit: AuditLog | undefined,
    breaker: CircuitBreakerOptions | undefined,
  ) {
    this.config = config;
    this.users = users;
    this.families = families;
    this.audit = audit;
    this.breaker = new CircuitBreaker(breaker, (t) => {
      const fields = { dependency: AUTH_STORE, circuit: t.to, from: t.from, cause: t.cause };
      if (t.to === BreakerState.Closed) {
        this.logger.info({ ...fields, down_ms: t.downMs }, "auth store recovered");
        // Revocations made here meanwhile go to the store (and so to every instance).
        void this.live.store();
      } else if (t.from === BreakerState.Closed) {
        this.logger.warn(
          { ...fields, code: ErrorCode.store_unavailable, err: t.error },
          "auth store unavailable: revocations answered locally, refresh paused",
        );
      }
    });
  }

  /** Readiness: the family store's circuit (`degraded` while open: requests are served). */
  status(): { status: "ok" | "degraded"; state: string; error?: string } {
    const state = this.breaker.state;
    return state === BreakerState.Closed
      ? { status: "ok", state }
      : { status: "degraded", state, error: "circuit_open" };
  }

  /** Counts and logs (debug) a refusal; the caller answers as for anyone anonymous. */
  refused(code: AuthErrorCode, sa?: SessionAuth): void {
    this.metrics?.authRefused(code);
    if (this.debug)
      this.logger.debug({ reason: code, request_id: sa?.requestId, ip: sa?.ip }, "auth refused");
  }

  /**
   * Queues an audit row with the request facts of `sa` (a no-op without an audit log);
   * `userId` when the state's user is not (or no longer) the one acting.
   */
  record(
    sa: SessionAuth | undefined,
    action: string,
    target?: string,
    metadata?: unknown,
    userId: string | undefined = sa?.userId,
  ): void {
    this.audit?.record({
      action,
      target,
      metadata,
      requestId: sa?.requestId,
      sessionId: sa?.sessionId,
      userId,
      ip: sa?.ip,
      userAgent: sa?.userAgent,
    });
  }

  /**
   * Whether sign-in `fam` is revoked: this instance's view (kept current by the store's
   * announcements; its revocations answer during an outage too), else the store once;
   * while the store is unreachable, not revoked.
   */
  async isRevoked(fam: string): Promise<boolean> {
    const live = this.live;
    const known = live.known(fam);
    if (known !== undefined) return known;
    const epoch = live.epoch;
    const r = await this.breaker.run(() => this.families.revoked([fam]));
    if (!r.ok) return live.known(fam) === true;
    const revoked = r.value[0] === true;
    live.remember(fam, revoked, epoch);
    return revoked || live.known(fam) === true;
  }

  /**
   * Opens a sign-in for `user`: a new family, an access and a refresh token in the
   * response's cookies, the state signed in, `login.success` audited.
   */
  async issue(sa: SessionAuth, cookies: CookieWriter, user: AuthUser, via: string): Promise<void> {
    const now = Date.now();
    const fam = tokenId();
    const jti = tokenId();
    const end = now + this.config.refreshTtlMs;
    const epoch = this.live.epoch;
    const created = await this.breaker.run(() => this.families.create(fam, user.id, jti, end));
    // New, so not revoked: the live session it opens need not ask.
    if (created.ok) this.live.remember(fam, false, epoch);
    // Without the store the sign-in cannot be refreshed: it lasts one access token.
    const signInExp = created.ok ? end : now + this.config.accessTtlMs;
    const access = await this.tokens.signAccess(
      user,
      fam,
      Math.min(now + this.config.accessTtlMs, signInExp),
      signInExp,
    );
    cookies.set(ACCESS_COOKIE, access.token, access.claims.exp - now);
    if (created.ok) {
      cookies.set(REFRESH_COOKIE, await this.tokens.signRefresh(user.id, fam, jti, end), end - now);
    } else cookies.clear(REFRESH_COOKIE);
    sa.signIn({ user, family: fam, accessExp: access.claims.exp, signInExp });
    this.metrics?.loginObserved("success");
    this.record(sa, "login.success", user.id, { via, refreshable: created.ok });
  }

  /**
   * Refreshes from refresh token `token`: rotates it (or re-issues the current one in the
   * grace window), signs a new access token, signs `sa` in. A reused token revokes its
   * sign-in everywhere (`refresh.reuse` audited). Refused tokens clear both cookies; an
   * unreachable store leaves them for later.
   */
  async refresh(sa: SessionAuth, cookies: CookieWriter, token: string): Promise<void> {
    const v = await this.tokens.verifyRefresh(token);
    if (!v.ok) {
      this.refused(v.code, sa);
      cookies.clear(REFRESH_COOKIE);
      return;
    }
    const c = v.claims;
    // Read before rotating: a directory that fails now must not cost the rotation.
    const user = await this.users.findById(c.sub);
    if (user === undefined) {
      this.refused(C.tokenRevoked, sa);
      await this.revoke(sa, c.fam, c.sub, "user_gone");
      this.#clear(cookies);
      return;
    }
    // Revoked here while the store was down (it may not know yet): no rotation.
    if (this.live.known(c.fam) === true) {
      this.refused(C.tokenRevoked, sa);
      this.#clear(cookies);
      return;
    }
    const epoch = this.live.epoch;
    const r = await this.breaker.run(() =>
      this.families.rotate(c.fam, c.jti, tokenId(), this.config.graceMs),
    );
    if (!r.ok) return;
    const { outcome, current } = r.value;
    if ((outcome === Rotation.Rotated || outcome === Rotation.Grace) && current !== undefined) {
      this.live.remember(c.fam, false, epoch);
      const now = Date.now();
      const access = await this.tokens.signAccess(
        user,
        c.fam,
        Math.min(now + this.config.accessTtlMs, c.exp),
        c.exp,
      );
      cookies.set(ACCESS_COOKIE, access.token, access.claims.exp - now);
      cookies.set(
        REFRESH_COOKIE,
        await this.tokens.signRefresh(c.sub, c.fam, current, c.exp),
        c.exp - now,
      );
      sa.signIn({ user, family: c.fam, accessExp: access.claims.exp, signInExp: c.exp });
      return;
    }
    if (outcome === Rotation.Reused) {
      this.refused(C.refreshReused, sa);
      // The store revoked the family and announced it; this instance knows at once.
      this.live.revoked(c.fam);
      this.logger.warn(
        { reason: C.refreshReused, user_id: c.sub, request_id: sa.requestId, ip: sa.ip },
        "refresh token reused: its sign-in is revoked",
      );
      this.record(sa, "refresh.reuse", c.sub, { family: c.fam });
    } else {
      this.refused(outcome === Rotation.Revoked ? C.tokenRevoked : C.refreshUnknown, sa);
    }
    this.#clear(cookies);
  }

  /**
   * Ends sign-in `fam` of user `userId` everywhere (`auth.revoke` audited with
   * `reason`): in the store (announced to every instance) and at once here — while the
   * store is down, here only until it is back, then in the store.
   */
  async revoke(
    sa: SessionAuth | undefined,
    fam: string,
    userId: string,
    reason: string,
  ): Promise<void> {
    const r = await this.breaker.run(() => this.families.revoke(fam));
    if (r.ok) this.live.revoked(fam);
    else this.live.notStored(fam);
    this.record(
      sa,
      "auth.revoke",
      userId,
      { family: fam, reason, stored: r.ok },
      sa?.userId ?? userId,
    );
  }

  /** Marks one-time id `id` used; false when it was (in the store, or here while it is down). */
  async useOnce(id: string, ttlMs: number): Promise<boolean> {
    const r = await this.breaker.run(() => this.families.useOnce(id, ttlMs));
    const local = await this.#onceLocal.useOnce(id, ttlMs);
    return r.ok ? r.value && local : local;
  }

  #clear(cookies: CookieWriter): void {
    cookies.clear(ACCESS_COOKIE);
    cookies.clear(REFRESH_COOKIE);
  }

  /** Stops the local one-time store's timer. */
  async close(): Promise<void> {
    await this.#onceLocal.close();
  }
}
