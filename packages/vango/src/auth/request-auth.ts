/**
 * Auth's HTTP middleware: every request the app answers gets its sign-in state, in
 * `requestLocals` for the page, its action and guards.
 *
 * - A valid access token whose sign-in is not revoked: signed in (a token seen before
 *   costs a map lookup).
 * - Otherwise, on a page request with a refresh token: a refresh — rotation, new
 *   cookies on this response — so the page renders signed in.
 * - Any refused token: anonymous, its cookies cleared, the refusal counted by its code;
 *   nothing in the answer says which check failed.
 *
 * It also answers auth's own endpoints: the grant that completes a live login, and the
 * public keys (JWKS) when tokens are signed with key pairs.
 */
import type { IncomingMessage } from "node:http";
import { requestRecord } from "../observability/http-observer.ts";
import type { HttpContext } from "../server/core/middleware.ts";
import { requestLocals } from "../server/core/request-locals.ts";
import { CLIENT_ROUTE } from "../server/http/client-asset.ts";
import { HAND_OFF_LOCAL } from "../server/http/page.ts";
import { clientIp } from "../server/security/client-ip.ts";
import { isHttps } from "../server/security/security-headers.ts";
import {
  ACCESS_COOKIE,
  CookieWriter,
  REFRESH_COOKIE,
  RESTORE_COOKIE,
  readAuthCookie,
  readTokenCookies,
} from "./cookies.ts";
import type { AuthCore } from "./core.ts";
import { AuthErrorCode as C } from "./errors.ts";
import { AUTH_LOCAL, SessionAuth } from "./session-auth.ts";
import { redeemGrant } from "./sign-in.ts";

/** Metrics label of auth's endpoints. */
const GRANT_ROUTE = "auth:grant";
const JWKS_ROUTE = "auth:jwks";

/**
 * The HTTP middleware's work for one request.
 * @example app.useHttp((ctx, next) => authenticateRequest(core, ctx, next));
 */
export async function authenticateRequest(
  core: AuthCore,
  ctx: HttpContext,
  next: () => Promise<void>,
): Promise<void> {
  const { req, res } = ctx;
  // The client bundle needs no user (and its parallel loads must not all refresh).
  if (ctx.route === CLIENT_ROUTE) return next();
  const paths = core.config.paths;
  if (ctx.path === paths.jwks && core.tokens.ring.asymmetric) {
    ctx.route = JWKS_ROUTE;
    const body = JSON.stringify(core.tokens.ring.jwks());
    res.writeHead(200, {
      "content-type": "application/jwk-set+json",
      "cache-control": "public, max-age=300",
      "content-length": Buffer.byteLength(body),
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return;
  }
  const secure = !(core.devMode && !isHttps(req, core.trustProxy !== false));
  const cookies = new CookieWriter(res, secure);
  const sa = new SessionAuth({
    core,
    ip: clientIp(req, { trustProxy: core.trustProxy }),
    userAgent: header(req.headers["user-agent"]),
    record: requestRecord(req),
  });
  sa.cookies = cookies;
  sa.res = res;
  requestLocals(req).set(AUTH_LOCAL, sa);
  try {
    if (ctx.path === paths.grant) {
      ctx.route = GRANT_ROUTE;
      return await redeemGrant(core, ctx, sa);
    }
    await signInFromCookies(core, sa, cookies, req.headers.cookie, ctx.route !== undefined);
    if (ctx.route !== undefined && req.method === "GET") {
      // Pages start live sessions: follow the signed-in ones for revocations.
      core.live.track(sa);
      // A login's redirect names the page state it brings back: this page takes it (the
      // page checks it is this browser's, this user's and at this URL), once.
      const restore = readAuthCookie(req.headers.cookie, RESTORE_COOKIE, core.devMode);
      if (restore !== undefined) {
        cookies.clear(RESTORE_COOKIE);
        requestLocals(req).set(HAND_OFF_LOCAL, restore);
      }
    }
    await next();
  } finally {
    // The response is made: from now on this state belongs to the live session.
    sa.cookies = undefined;
    sa.res = undefined;
  }
}

async function signInFromCookies(
  core: AuthCore,
  sa: SessionAuth,
  cookies: CookieWriter,
  header: string | undefined,
  page: boolean,
): Promise<void> {
  const { access, refresh } = readTokenCookies(header, core.devMode);
  if (access !== undefined) {
    const v = await core.tokens.verifyAccess(access);
    if (v.ok) {
      const c = v.claims;
      if (!(await core.isRevoked(c.fam))) {
        sa.signIn({ user: c.user, family: c.fam, accessExp: c.exp, signInExp: c.signInExp });
        return;
      }
      core.refused(C.tokenRevoked, sa);
      cookies.clear(ACCESS_COOKIE);
      if (refresh !== undefined) cookies.clear(REFRESH_COOKIE);
      return;
    }
    core.refused(v.code, sa);
    cookies.clear(ACCESS_COOKIE);
  }
  // Refreshed on page requests only: static files and the like need no user, and
  // must not rotate the token in parallel with the page.
  if (refresh !== undefined && page) await core.refresh(sa, cookies, refresh);
}

/**
 * The sign-in state of a page rebuilt on a WebSocket (its process restarted, or another
 * instance served it), from the upgrade request's cookies. A socket cannot set cookies:
 * a valid access token signs the page in; with only the refresh token (the access one
 * ran out while the page was open), what a refresh would check is checked — its
 * signature and lifetime, the sign-in not revoked, the user still in the directory —
 * without rotating it (the browser keeps a good refresh token), and the access window
 * is extended in place, as a live session's is.
 * @example createApp({ upgradeLocals: (req) => authenticateUpgrade(core, req) });
 */
export async function authenticateUpgrade(core: AuthCore, req: IncomingMessage): Promise<void> {
  const sa = new SessionAuth({
    core,
    ip: clientIp(req, { trustProxy: core.trustProxy }),
    userAgent: header(req.headers["user-agent"]),
    record: undefined,
  });
  requestLocals(req).set(AUTH_LOCAL, sa);
  const { access, refresh } = readTokenCookies(req.headers.cookie, core.devMode);
  if (access !== undefined) {
    const v = await core.tokens.verifyAccess(access);
    if (v.ok) {
      const c = v.claims;
      if (await core.isRevoked(c.fam)) {
        core.refused(C.tokenRevoked, sa);
        return;
      }
      sa.signIn({ user: c.user, family: c.fam, accessExp: c.exp, signInExp: c.signInExp });
      core.live.track(sa);
      return;
    }
    core.refused(v.code, sa);
  }
  if (refresh === undefined) return;
  const v = await core.tokens.verifyRefresh(refresh);
  if (!v.ok) {
    core.refused(v.code, sa);
    return;
  }
  const c = v.claims;
  if (await core.isRevoked(c.fam)) {
    core.refused(C.tokenRevoked, sa);
    return;
  }
  let user: Awaited<ReturnType<typeof core.users.findById>>;
  try {
    user = await core.users.findById(c.sub);
  } catch (err) {
    // The directory failed: the page is rebuilt anonymous rather than not at all.
    core.logger.error({ err, user_id: c.sub }, "user directory failed; page rebuilt signed out");
    return;
  }
  if (user === undefined) return;
  const exp = Math.min(Date.now() + core.config.accessTtlMs, c.exp);
  sa.signIn({ user, family: c.fam, accessExp: exp, signInExp: c.exp });
  core.live.track(sa);
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
