/**
 * Guards: who may see a page. The same rule works in three places, because a page can be
 * reached three ways:
 *
 * - `guard()` in a `_middleware.ts` exports `http` (page requests and JS-off form POSTs
 *   of the subtree), `enter` (every mount of one of its pages: the page request, and a
 *   live navigation into it, where no HTTP request is made) and `event` (every event of
 *   a session showing one of its pages);
 * - `requireUser()` in a page component's setup guards that page alone.
 *
 * Anonymous: the login page with `next` — a 302 for a page request, a 303 after a POST,
 * a live navigation in a session, 401 `unauthorized` for a caller that does not want
 * HTML. Signed in without one of the `roles`: the not-found page (404), so a page's
 * existence is not confirmed to those who may not see it. Every refusal is audited as
 * `guard.refused`.
 */

import { ErrorCode } from "../protocol/errors.ts";
import { useContext } from "../render/context.ts";
import { notFound, redirect } from "../routing/control.ts";
import { PageContext, type PageInfo, type RequestInfo } from "../routing/page-info.ts";
import type { PageView } from "../routing/page-view.ts";
import type { MiddlewareModule } from "../routing/route-table.ts";
import { ConfigError, ServerError } from "../server/core/errors.ts";
import { sendError, wantsHtml } from "../server/core/http-error.ts";
import type { HttpMiddleware } from "../server/core/middleware.ts";
import { requestLocals } from "../server/core/request-locals.ts";
import type { EventMiddleware } from "../server/session/event-context.ts";
import { loginUrl } from "./redirects.ts";
import { AUTH_LOCAL, authOfSession, requireAuthOf, type SessionAuth } from "./session-auth.ts";
import type { AuthUser } from "./users.ts";

export interface GuardOptions {
  /** The user needs one of these roles (default: any signed-in user). */
  readonly roles?: readonly string[];
}

type Verdict = "ok" | "anonymous" | "role";

function judge(user: AuthUser | undefined, roles: readonly string[] | undefined): Verdict {
  if (user === undefined) return "anonymous";
  if (roles === undefined || roles.length === 0) return "ok";
  for (const r of roles) if (user.roles.includes(r)) return "ok";
  return "role";
}

function refused(
  sa: SessionAuth,
  verdict: Verdict,
  path: string,
  roles: GuardOptions["roles"],
  via: string,
): void {
  sa.core.record(sa, "guard.refused", path, { reason: verdict, via, ...(roles ? { roles } : {}) });
}

/** Throws the refusal for a page at `url` (a redirect to login, or not found). */
function refuse(
  sa: SessionAuth,
  verdict: Verdict,
  url: URL,
  roles: GuardOptions["roles"],
  via: string,
): never {
  const here = url.pathname + url.search;
  refused(sa, verdict, url.pathname, roles, via);
  if (verdict === "anonymous") redirect(loginUrl(sa.core.config.paths.login, here));
  notFound();
}

/**
 * The guard of a `_middleware.ts` subtree.
 * @example
 * // app/routes/admin/_middleware.ts
 * import { guard } from "vango";
 * export const { http, enter, event } = guard({ roles: ["admin"] });
 */
export function guard(options: GuardOptions = {}): Required<MiddlewareModule> {
  const roles = options.roles === undefined ? undefined : Object.freeze([...options.roles]);
  const http: HttpMiddleware = async (ctx, next) => {
    const sa = requestLocals(ctx.req).get(AUTH_LOCAL) as SessionAuth | undefined;
    if (sa === undefined) throw notWired();
    const verdict = judge(sa.user.peek(), roles);
    if (verdict === "ok") return next();
    const { req, res } = ctx;
    const read = req.method === "GET" || req.method === "HEAD";
    const html = wantsHtml(req.headers.accept);
    // A page request of a signed-in user without the role: its `enter` check renders the
    // not-found page inside the layouts (and audits it).
    if (verdict === "role" && read && html) return next();
    const url = new URL(req.url ?? "/", "http://localhost");
    refused(sa, verdict, url.pathname, roles, "http");
    if (verdict === "role") return sendError(res, ErrorCode.not_found);
    if (!html) return sendError(res, ErrorCode.unauthorized);
    const location = loginUrl(sa.core.config.paths.login, url.pathname + url.search);
    res.writeHead(read ? 302 : 303, {
      location,
      "cache-control": "no-store",
      "content-length": "0",
    });
    res.end();
  };
  const enter = (page: PageInfo, request: RequestInfo): void => {
    const sa = requireAuthOf(request, "guard()");
    const verdict = judge(sa.user.peek(), roles);
    if (verdict !== "ok") refuse(sa, verdict, page.url, roles, "enter");
  };
  const event: EventMiddleware = (ctx, next) => {
    const sa = authOfSession(ctx.session);
    if (sa === undefined) throw notWired();
    const verdict = judge(sa.user.peek(), roles);
    if (verdict === "ok") return next();
    const url = (ctx.session.root as PageView).state.url.peek();
    refuse(sa, verdict, url, roles, "event");
  };
  return { http, enter, event };
}

/**
 * The signed-in user, for a page only they may see: call it in the page component's
 * setup. Anonymous visitors are sent to the login page (`next` set), users without one
 * of `roles` get the not-found page.
 * @example
 * export default function Account() {
 *   const user = requireUser();
 *   return <p>Signed in as {user.name}</p>;
 * }
 */
export function requireUser(options: GuardOptions = {}): AuthUser {
  const state = useContext(PageContext);
  if (state === null)
    throw new ServerError(ErrorCode.internal_error, "requireUser() outside a page");
  const sa = requireAuthOf(state.request, "requireUser()");
  const user = sa.user.peek();
  const verdict = judge(user, options.roles);
  if (verdict !== "ok") refuse(sa, verdict, state.url.peek(), options.roles, "page");
  return user!;
}

function notWired(): ConfigError {
  return new ConfigError(
    "auth",
    "guard() needs auth wired into the app: createApp(auth.wire({ … }))",
  );
}
