/**
 * Signing in and out, for the `login` / `logout` page actions and the grant endpoint.
 *
 * Credentials: the attempt is charged to the login budgets first (per name, per
 * address), then the password is checked — against a dummy hash when the name is
 * unknown, so both refusals take the same time and say the same thing — and a success
 * is refunded. Every outcome is counted and audited (`login.failure` with the reason).
 *
 * A sign-in reaches the browser as cookies, which only an HTTP response can set:
 * - JavaScript off, the login form is a POST: the cookies go on its 303.
 * - Live, the form was submitted over the socket: the action mints a **grant** — a
 *   60-second token naming the user, bound to this browser's session cookie (by hash)
 *   and usable once — and loads `grant?code=…` as a page; that GET sets the cookies and
 *   redirects to `next` (LiveView's `phx-trigger-action`, without a second form post).
 *
 * A login that names a page state to bring back (`restore`: the live page an expired
 * sign-in sent here handed itself off under that key) passes it on in a short cookie
 * with the redirect; the page request that follows starts from that state when it is
 * the same browser's, the same user's and at the same URL (`servePage` checks).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { ErrorCode } from "../protocol/errors.ts";
import { controlOf, Redirect, redirect, redirectDocument } from "../routing/control.ts";
import { ServerError } from "../server/core/errors.ts";
import type { HttpContext } from "../server/core/middleware.ts";
import { readSessionCookie } from "../server/security/cookies.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE, RESTORE_COOKIE } from "./cookies.ts";
import type { AuthCore } from "./core.ts";
import { GRANT_TTL_MS } from "./core.ts";
import { AuthErrorCode as C } from "./errors.ts";
import { DEFAULT_SCRYPT, hashPassword, type ScryptParams, verifyPassword } from "./password.ts";
import { safeNext } from "./redirects.ts";
import type { SessionAuth } from "./session-auth.ts";
import type { AuthUser } from "./users.ts";

/** What a refused login gives the login page (`useActionData<LoginFailure>()`). */
export interface LoginFailure {
  /** `missing`: a field was empty; `credentials`: refused; `throttled`: too many failures. */
  readonly error: "missing" | "credentials" | "throttled";
  /** The name as typed (to fill the field again). */
  readonly username: string;
  /** Seconds to wait (`throttled`). */
  readonly retryAfter?: number;
}

/** The outcome of checking a name and password. */
export type CredentialCheck =
  | { readonly ok: true; readonly user: AuthUser }
  | { readonly ok: false; readonly failure: LoginFailure };

const MAX_NAME = 256;

/** Dummy hashes by their parameters (`ln,r,p`). */
const dummies = new Map<string, Promise<string>>();

/**
 * A hash no password matches, of the directory's cost: checking it spends on an unknown
 * name the time a wrong password takes.
 */
function dummy(params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const key = `${params.ln},${params.r},${params.p}`;
  let hash = dummies.get(key);
  if (hash === undefined) {
    hash = hashPassword(randomBytes(24).toString("base64url"), params);
    dummies.set(key, hash);
  }
  return hash;
}

/**
 * Checks `username` / `password` under the login budgets.
 * @example const r = await checkCredentials(core, sa, form.get("username"), form.get("password"));
 */
export async function checkCredentials(
  core: AuthCore,
  sa: SessionAuth,
  username: string | null | undefined,
  password: string | null | undefined,
): Promise<CredentialCheck> {
  const name = (username ?? "").trim().slice(0, MAX_NAME);
  if (name === "" || typeof password !== "string" || password === "") {
    return { ok: false, failure: { error: "missing", username: name } };
  }
  const attempt = await core.throttle.begin(name, sa.ip);
  if (!attempt.ok) {
    const retryAfter = Math.max(1, Math.ceil(attempt.retryAfterMs / 1000));
    core.metrics?.loginObserved("throttled");
    core.refused(C.loginThrottled, sa);
    core.record(sa, "login.failure", name, { reason: "throttled", retry_after_s: retryAfter });
    return { ok: false, failure: { error: "throttled", username: name, retryAfter } };
  }
  const stored = await core.users.findByName(name);
  const hash = stored?.passwordHash ?? (await dummy(core.users.passwordParams));
  let ok = false;
  try {
    ok = await verifyPassword(password, hash);
  } catch (err) {
    // A corrupt stored hash: the user cannot log in until it is fixed; say so in the log.
    core.logger.error({ err, user_id: stored?.id }, "stored password hash unreadable");
  }
  if (!ok || stored === undefined) {
    core.metrics?.loginObserved("failure");
    core.refused(C.credentialsInvalid, sa);
    core.record(sa, "login.failure", name, { reason: "credentials" });
    return { ok: false, failure: { error: "credentials", username: name } };
  }
  await core.throttle.succeeded(attempt.attempt);
  return { ok: true, user: { id: stored.id, name: stored.name, roles: stored.roles } };
}

/**
 * Completes a login for `user`: over HTTP the cookies go on this response and the
 * browser is redirected to `next`; live, a grant is minted and loaded as a page. Throws
 * the redirect either way.
 */
export async function completeLogin(
  core: AuthCore,
  sa: SessionAuth,
  user: AuthUser,
  next: string,
  via: "form" | "live" = "form",
  restore?: string,
): Promise<never> {
  // A new sign-in replaces the one this browser had (it is not left valid behind it).
  const previous = sa.family;
  if (previous !== undefined) await core.revoke(sa, previous, sa.userId ?? user.id, "replaced");
  if (sa.cookies !== undefined) {
    await core.issue(sa, sa.cookies, user, via);
    if (restore !== undefined) sa.cookies.set(RESTORE_COOKIE, restore, GRANT_TTL_MS);
    redirect(next, 303);
  }
  const session = sa.session;
  if (session === undefined) {
    throw new ServerError(ErrorCode.internal_error, "a live login outside a live session");
  }
  const code = await core.tokens.signGrant(
    user,
    sidHash(session.sid),
    next,
    Date.now() + GRANT_TTL_MS,
    restore,
  );
  redirectDocument(`${core.config.paths.grant}?code=${code}`, 303);
}

/**
 * `GET <grant>?code=…`: turns a live login into cookies, then 303 to its `next`. Any
 * refusal (expired, replayed, another browser's) is a 303 to the login page.
 */
export async function redeemGrant(
  core: AuthCore,
  ctx: HttpContext,
  sa: SessionAuth,
): Promise<void> {
  const { req, res } = ctx;
  const url = new URL(req.url ?? "/", "http://localhost");
  const fail = (code: C): void => {
    core.refused(code, sa);
    see(res, core.config.paths.login);
  };
  if (req.method !== "GET" && req.method !== "HEAD") return see(res, core.config.paths.login);
  const v = await core.tokens.verifyGrant(url.searchParams.get("code") ?? "");
  if (!v.ok) return fail(v.code);
  const g = v.claims;
  const sid = readSessionCookie(req.headers.cookie, core.devMode);
  if (sid === undefined || !sameHash(sidHash(sid), g.sid)) return fail(C.grantInvalid);
  if (!(await core.useOnce(`grant:${g.jti}`, GRANT_TTL_MS * 2))) return fail(C.grantInvalid);
  // Read again: the user may have been removed within the minute.
  const stored = await core.users.findById(g.sub);
  if (stored === undefined) return fail(C.tokenRevoked);
  const user = { id: stored.id, name: stored.name, roles: stored.roles };
  try {
    const next = safeNext(g.next, core.config.paths.afterLogin);
    await completeLogin(core, sa, user, next, "live", g.restore);
  } catch (err) {
    const r = controlOf(err);
    if (!(r instanceof Redirect)) throw err;
    see(res, r.location);
  }
}

/**
 * Ends the sign-in of this page's browser: revoked everywhere (`logout` audited), its
 * cookies cleared over HTTP; a live page loads `next` (its cookies, now refused, are
 * cleared by that request).
 */
export async function signOut(core: AuthCore, sa: SessionAuth, next: string): Promise<never> {
  const fam = sa.family;
  const userId = sa.userId;
  if (fam !== undefined && userId !== undefined) {
    core.record(sa, "logout", userId, { family: fam });
    core.live.signedOut(sa);
    await core.revoke(sa, fam, userId, "logout");
  }
  if (sa.cookies !== undefined) {
    sa.cookies.clear(ACCESS_COOKIE);
    sa.cookies.clear(REFRESH_COOKIE);
    redirect(next, 303);
  }
  if (sa.session !== undefined) sa.session.userId = undefined;
  redirectDocument(next, 303);
}

/** The grant's binding to a browser session: a hash, so a leaked URL does not leak the sid. */
function sidHash(sid: string): string {
  return createHash("sha256").update("vango-grant:").update(sid).digest("base64url").slice(0, 32);
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function see(res: HttpContext["res"], location: string): void {
  res.writeHead(303, { location, "cache-control": "no-store", "content-length": "0" });
  res.end();
}
