/**
 * The login and logout page actions: export them from your `/login` and `/logout`
 * pages. They work as any action does — a JS-off POST and a live submission — and
 * finish with a redirect (to a safe `next`, or the configured page).
 */
import { ErrorCode } from "../protocol/errors.ts";
import { type ActionContext, type ActionFailure, invalid } from "../routing/actions.ts";
import { isTokenShaped } from "../server/core/tokens.ts";
import { RESTORE_PARAM, safeNext } from "./redirects.ts";
import { requireAuthOf } from "./session-auth.ts";
import type { LoginFailure } from "./sign-in.ts";
import { checkCredentials, completeLogin, signOut } from "./sign-in.ts";

/**
 * Signs in from the form fields `username` and `password`; on success goes to the
 * URL's `next` (when it is a path of this site) or `paths.afterLogin` — with the page
 * state the URL's `restore` names, when the live page an expired sign-in sent here
 * handed it off (the same user signing in again gets it back). A refusal
 * re-renders the page with a {@link LoginFailure} (`useActionData()`): status 422, or
 * 429 with `Retry-After` when too many attempts failed.
 * @example
 * // app/routes/login.tsx
 * export { login as action } from "vango";
 */
export async function login(ctx: ActionContext): Promise<ActionFailure<LoginFailure>> {
  const sa = requireAuthOf(ctx.request, "login()");
  const core = sa.core;
  const r = await checkCredentials(core, sa, ctx.form.get("username"), ctx.form.get("password"));
  if (!r.ok) {
    const f = r.failure;
    if (f.error !== "throttled") return invalid(f);
    if (sa.res !== undefined && !sa.res.headersSent) {
      sa.res.setHeader("retry-after", String(f.retryAfter));
      sa.res.setHeader("x-vango-error", ErrorCode.rate_limited);
    }
    return invalid(f, 429);
  }
  const next = safeNext(
    ctx.url.searchParams.get("next") ?? ctx.form.get("next"),
    core.config.paths.afterLogin,
  );
  const restore = ctx.url.searchParams.get(RESTORE_PARAM) ?? ctx.form.get(RESTORE_PARAM);
  return completeLogin(
    core,
    sa,
    r.user,
    next,
    "form",
    restore !== null && restore !== undefined && isTokenShaped(restore) ? restore : undefined,
  );
}

/**
 * Signs out: the sign-in is revoked everywhere (its other tabs are sent to the login
 * page), its cookies cleared; then to the URL's `next` or `paths.afterLogout`.
 * @example
 * // app/routes/logout.tsx
 * export { logout as action } from "vango";
 */
export async function logout(ctx: ActionContext): Promise<never> {
  const sa = requireAuthOf(ctx.request, "logout()");
  const next = safeNext(ctx.url.searchParams.get("next"), sa.core.config.paths.afterLogout);
  return signOut(sa.core, sa, next);
}
