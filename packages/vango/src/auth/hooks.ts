/**
 * What pages and handlers use: the signed-in user, and the audit log with the request's
 * facts filled in (request id, session, user, address, user agent, trace).
 */
import { ErrorCode } from "../protocol/errors.ts";
import type { ReadonlySignal } from "../reactive/index.ts";
import { useContext } from "../render/context.ts";
import type { ActionContext } from "../routing/actions.ts";
import { PageContext } from "../routing/page-info.ts";
import { ConfigError, ServerError } from "../server/core/errors.ts";
import type { HttpContext } from "../server/core/middleware.ts";
import { requestLocals } from "../server/core/request-locals.ts";
import type { EventContext } from "../server/session/event-context.ts";
import {
  AUTH_LOCAL,
  authOfRequest,
  authOfSession,
  requireAuthOf,
  type SessionAuth,
} from "./session-auth.ts";
import type { AuthUser } from "./users.ts";

function pageAuth(what: string): SessionAuth {
  const state = useContext(PageContext);
  if (state === null) throw new ServerError(ErrorCode.internal_error, `${what} outside a page`);
  return requireAuthOf(state.request, what);
}

/**
 * The signed-in user as a signal (`undefined` when anonymous); it turns `undefined` when
 * the sign-in ends while the page is live. Call in setup, read in render.
 * @example
 * function Nav() {
 *   const user = useUser();
 *   return () => (user() ? <a href="/account">{user()!.name}</a> : <a href="/login">Sign in</a>);
 * }
 */
export function useUser(): ReadonlySignal<AuthUser | undefined> {
  const user = pageAuth("useUser()").user;
  // The sign-in's, kept with the page's request: a page built again reads the same one.
  useContext(PageContext)?.shareSource(user);
  return user;
}

/** Records an audit event: what happened (`invoice.void`), to what, and any details. */
export type AuditFn = (action: string, target?: string, metadata?: unknown) => void;

/**
 * The audit log for this page's handlers (usable after an `await`). Call in setup.
 * @example
 * const audit = useAudit();
 * <button onClick={async () => { await invoices.void(id); audit("invoice.void", id); }}>Void</button>
 */
export function useAudit(): AuditFn {
  const sa = pageAuth("useAudit()");
  return (action, target, metadata) => sa.core.record(sa, action, target, metadata);
}

/**
 * Records an audit event from a page action, an event middleware or an HTTP middleware
 * (in components, use {@link useAudit}).
 * @example
 * export async function action(ctx: ActionContext) { await remove(id); audit(ctx, "todo.delete", id); }
 */
export function audit(
  from: ActionContext | EventContext | HttpContext,
  action: string,
  target?: string,
  metadata?: unknown,
): void {
  let sa: SessionAuth | undefined;
  if ("session" in from) sa = authOfSession(from.session);
  else if ("req" in from) sa = requestLocals(from.req).get(AUTH_LOCAL) as SessionAuth | undefined;
  else sa = authOfRequest(from.request);
  if (sa === undefined) throw new ConfigError("auth", "audit() needs auth wired into the app");
  sa.core.record(sa, action, target, metadata);
}
