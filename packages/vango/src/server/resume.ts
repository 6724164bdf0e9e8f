/**
 * Resuming a session this process does not hold — after a restart, on another instance
 * behind a load balancer without stickiness, or after it left memory: the resume token
 * is checked against the session cookie (any instance sharing the secret can), the
 * checkpoint is loaded from the session store, and the page is rebuilt at its URL with
 * every component's persisted signals restored and the browser's hids adopted. As for a
 * page request, the rebuild waits up to `pageDataMs` for the page's data (components that
 * mount when it arrives find their state too), then up to `resumeDataMs` more while data
 * it lacks to render the checkpoint's page is still loading. When the rebuilt HTML is the
 * checkpoint's and the browser is at the checkpoint's seq, nothing needs sending;
 * otherwise the attach sends the whole view (hids kept, so focus and caret survive).
 * Without a checkpoint (the page was served elsewhere and never changed, or its
 * checkpoint expired) the page is rebuilt from the URL the token carries. Either way the
 * session saves with a fence one above the checkpoint's (1 without one), so the copy the
 * tab left on another instance can no longer overwrite its checkpoint.
 */
import type { IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";
import { ErrorCode as E, type ErrorCode } from "../protocol/errors.ts";
import { Redirect } from "../routing/control.ts";
import type { RequestInfo } from "../routing/page-info.ts";
import {
  type AppPages,
  NO_REBUILD_WAIT,
  PageView,
  type RebuiltPage,
} from "../routing/page-view.ts";
import type { Router } from "../routing/router.ts";
import type { Logger } from "./core/logger.ts";
import { requestInfo } from "./http/request-info.ts";
import type { CsrfSigner } from "./security/csrf.ts";
import type { ResumeTokens } from "./security/resume-token.ts";
import type { Checkpoint } from "./session/checkpoint.ts";
import type { SessionManager } from "./session/manager.ts";
import type { Persistence } from "./session/persistence.ts";
import { SessionState } from "./session/services.ts";
import type { Session } from "./session/session.ts";
import { MAX_FENCE } from "./session/session-store.ts";
import type { Resume } from "./ws/connection.ts";

export interface ResumeDeps {
  readonly sessions: SessionManager;
  readonly persistence: Persistence;
  readonly tokens: ResumeTokens;
  readonly router: Router;
  readonly app: AppPages;
  readonly csrf: CsrfSigner;
  readonly logger: Logger;
  /** Fills the upgrade request's locals as the HTTP middleware did the page request's. */
  readonly upgradeLocals?: ((req: IncomingMessage) => void | Promise<void>) | undefined;
  /** The signed-in user of a request (`AppOptions.userOf`). */
  readonly userOf?: ((req: IncomingMessage) => string | undefined) | undefined;
}

/** The request facts of a page rebuilt without an upgrade request (in-process tests). */
const NO_REQUEST: RequestInfo = Object.freeze({
  method: "GET",
  headers: Object.freeze({}),
  cookies: new Map<string, string>(),
  locals: new Map<symbol, unknown>(),
});
/** Origin of rebuilt pages' URLs (only path and query are meaningful server-side). */
const ORIGIN = "http://localhost";

/**
 * The `resume` a connection calls for a token this process does not hold.
 * @example connectionHost.resume = createResume({ sessions, persistence, tokens, router, csrf, logger });
 */
export function createResume(deps: ResumeDeps): Resume {
  /** One rebuild per token at a time: a reconnect race must not build the page twice. */
  const inflight = new Map<string, Promise<Session | ErrorCode>>();
  return (token, sid, req) => {
    let p = inflight.get(token);
    if (p === undefined) {
      p = rebuild(deps, token, sid, req).finally(() => inflight.delete(token));
      inflight.set(token, p);
    }
    return p;
  };
}

/**
 * The `movedAway` check a connection makes before a tab reconnects to a session held
 * here: true when the store's checkpoint carries a greater fence than the session's —
 * another instance resumed it since (the tab went there and came back). One store read
 * per reconnect; a store that cannot answer counts as no.
 * @example connectionHost.movedAway = createMovedAway(persistence);
 */
export function createMovedAway(persistence: Persistence): (s: Session) => Promise<boolean> {
  return async (s) => {
    try {
      const cp = await persistence.load(s.key);
      return cp !== undefined && cp.fence > s.fence;
    } catch {
      return false;
    }
  };
}

async function rebuild(
  deps: ResumeDeps,
  token: string,
  sid: string,
  req: IncomingMessage | undefined,
): Promise<Session | ErrorCode> {
  const { sessions, persistence, tokens } = deps;
  const claim = tokens.verify(token, sid);
  // Forged, or issued for another browser's cookie: as unknown as a token can be.
  if (claim === undefined) return sessions.ended(token) ?? E.session_not_found;
  if (sessions.endedForGood(token)) return sessions.ended(token) ?? E.session_expired;
  const t0 = performance.now();
  let cp: Checkpoint | undefined;
  try {
    cp = await persistence.load(claim.key);
  } catch {
    // The store cannot answer: the client retries (with backoff) instead of reloading.
    return E.store_unavailable;
  }
  // Another handshake may have rebuilt it meanwhile (a second socket of the same tab).
  const held = sessions.find(token);
  if (held !== undefined) return held;
  if (cp !== undefined && cp.sid !== sid) return E.resume_invalid;
  let request = NO_REQUEST;
  let userId = cp?.userId;
  if (req !== undefined) {
    try {
      await deps.upgradeLocals?.(req);
    } catch (err) {
      deps.logger.error({ err, code: E.internal_error }, "upgradeLocals failed");
      return E.internal_error;
    }
    request = requestInfo(req, "GET");
    userId = deps.userOf?.(req);
    // The page was someone's: only they may have it back (the browser now has another
    // sign-in, or none — a fresh page load shows what that one may see).
    if (cp?.userId !== undefined && cp.userId !== userId) return E.session_expired;
    // Meanwhile another handshake may have rebuilt it.
    const again = sessions.find(token);
    if (again !== undefined) return again;
  }
  const url = new URL(cp?.url ?? claim.path, ORIGIN);
  const session = sessions.create(sid, "/", undefined, url.pathname, { key: claim.key, token });
  if (typeof session === "string") return session;
  session.userId = userId;
  let rebuilt: RebuiltPage | Redirect;
  try {
    const init = {
      session,
      router: deps.router,
      app: deps.app,
      url,
      request,
      csrf: deps.csrf.sign(sid),
    };
    rebuilt = await session.building((stop) =>
      PageView.rebuild(init, cp, deps.app.rebuildWait ?? NO_REBUILD_WAIT, stop),
    );
  } catch (err) {
    session.dispose();
    deps.logger.error({ err, code: E.render_error, path: url.pathname }, "rebuilt page failed");
    return E.session_expired;
  }
  if (rebuilt instanceof Redirect) {
    // The page now redirects (its data changed): a fresh load follows the redirect.
    session.dispose();
    return E.session_expired;
  }
  const { view, same } = rebuilt;
  if (session.state === SessionState.Closed) {
    // Ended while its data loaded (shut down, or evicted): nothing holds the page.
    view.dispose();
    return E.session_expired;
  }
  session.setRoot(view);
  session.rebuilt = true;
  session.route = view.state.entry.peek().pattern;
  if (cp !== undefined) session.restoreSeqs(cp.seq, cp.cseq);
  // This instance holds the tab now: its saves outrank the copy another instance may
  // still hold, and the first one (within `checkpointMs`) claims the checkpoint even
  // when nothing changes here.
  session.fence = Math.min((cp?.fence ?? 0) + 1, MAX_FENCE);
  sessions.changed(session);
  // Same shape and same HTML as the checkpoint: the browser's DOM already shows it.
  // Without a checkpoint to compare with, the page is sent as this instance renders it.
  session.forceFullResync = !same;
  persistence.metrics?.restored(
    cp === undefined ? "url" : "checkpoint",
    (performance.now() - t0) / 1000,
  );
  return session;
}
