/**
 * Answering a page: a GET mounts the page in a pending session and sends the HTML
 * document — the page shell from `render/page.ts` around the live root's already
 * rendered children (serialized from the host tree the session will diff against, so the
 * DOM and the server agree on every hid); a POST runs the page's action.
 *
 * A page may start from a handed-off one: a middleware names the key a live session's
 * `handOff()` returned (`HAND_OFF_LOCAL`), and the page is mounted with that
 * checkpoint's persisted values — only when it is this browser's (session cookie), this
 * request's user's (`userOf`) and this URL's; the key is spent either way. That is how
 * a live page sent to the login page by an expired sign-in comes back with its state.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestRecord } from "../../observability/http-observer.ts";
import { PROTOCOL_VERSION, WS_PATH } from "../../protocol/constants.ts";
import { BOOT_ID } from "../../protocol/dom-attrs.ts";
import { ErrorCode as E, type ErrorCode } from "../../protocol/errors.ts";
import type { Patch } from "../../protocol/patch.ts";
import { renderPage } from "../../render/page.ts";
import { serializeHost } from "../../render/serialize-host.ts";
import { StreamSwap } from "../../render/stream-swap.ts";
import { isFailure } from "../../routing/actions.ts";
import { controlOf, NotFound, Redirect } from "../../routing/control.ts";
import type { PageView } from "../../routing/page-view.ts";
import type { RouteMatch } from "../../routing/router.ts";
import { formFields } from "../../vdom/events.ts";
import type { HElement } from "../../vdom/host.ts";
import { raw, trustedHtml } from "../../vdom/trusted-html.ts";
import type { VChild } from "../../vdom/vnode.ts";
import { describeError, formatReport } from "../core/dev-report.ts";
import { sendError } from "../core/http-error.ts";
import { requestLocals } from "../core/request-locals.ts";
import { isTokenShaped, randomToken } from "../core/tokens.ts";
import { clientIp } from "../security/client-ip.ts";
import {
  csrfCookieName,
  readCookie,
  readSessionCookie,
  serializeCookie,
  sessionCookieName,
} from "../security/cookies.ts";
import { formBody, readBody } from "../security/csrf.ts";
import { responseNonce } from "../security/guard.ts";
import { isHttps } from "../security/security-headers.ts";
import type { Persistence } from "../session/persistence.ts";
import { SessionState } from "../session/services.ts";
import type { Session } from "../session/session.ts";
import type { HttpHost } from "./handler.ts";
import { requestInfo } from "./request-info.ts";

/**
 * The `requestLocals` key under which a middleware names a handed-off page's key for
 * the page this request renders.
 * @example requestLocals(ctx.req).set(HAND_OFF_LOCAL, key);
 */
export const HAND_OFF_LOCAL: unique symbol = Symbol("vango.handOff");

export interface PageParts {
  readonly title: string | undefined;
  readonly root: HElement;
  readonly clientSrc: string;
  /** More deferred scripts (form recovery, the dev overlay in devMode). */
  readonly scripts?: readonly string[];
  readonly resumeToken: string;
  readonly csrf: string;
  /** URL of the hook runtime chunk (boot data `h`). */
  readonly hooks?: string;
  /** CSP nonce for the page's `<script>` tags. */
  readonly nonce?: string;
  /** Extra `<head>` content (the app's `head` option). */
  readonly head?: VChild | undefined;
}

/**
 * Full document HTML for one session.
 * @example renderSessionPage({ title: "Home", root, clientSrc, resumeToken, csrf })
 */
export function renderSessionPage(p: PageParts): string {
  let inner = "";
  const kids = p.root.children;
  for (let i = 0; i < kids.length; i++) inner += serializeHost(kids[i]!);
  return renderPage({
    ...(p.title === undefined ? {} : { title: p.title }),
    ...(p.head === undefined ? {} : { head: p.head }),
    body: raw(trustedHtml(inner)),
    clientSrc: p.clientSrc,
    ...(p.scripts === undefined ? {} : { scripts: p.scripts }),
    ...(p.nonce === undefined ? {} : { nonce: p.nonce }),
    hidStart: p.root.hid,
    bootstrap: {
      v: PROTOCOL_VERSION,
      ws: WS_PATH,
      token: p.resumeToken,
      csrf: p.csrf,
      ...(p.hooks === undefined ? {} : { h: p.hooks }),
    },
  });
}

/**
 * The hook runtime's URL for the boot data. A chunk that does not build (a syntax error
 * in an app's `*.client.ts`) costs the page its hooks, not its answer: logged, and
 * retried by the next page.
 */
async function hookRuntime(host: Pick<HttpHost, "chunks" | "logger">): Promise<string | undefined> {
  try {
    return await host.chunks?.runtimePath();
  } catch (err) {
    host.logger.error({ err, code: E.internal_error }, "client hook chunks failed to build");
    return undefined;
  }
}

/** What serving a page needs from the HTTP host. */
type PageHost = Pick<
  HttpHost,
  | "devMode"
  | "logger"
  | "security"
  | "csrf"
  | "client"
  | "devOverlay"
  | "chunks"
  | "recovery"
  | "title"
  | "head"
  | "openSession"
  | "pageDataMs"
  | "pageStreamMs"
  | "persistence"
>;

/**
 * A page GET (or the not-found page, or a failed action's page): a pending session with
 * the page mounted, answered as its server-rendered HTML with the page's status and
 * title — or the 3xx a `redirect()` during setup asked for.
 */
export async function servePage(
  host: PageHost,
  req: IncomingMessage,
  res: ServerResponse,
  actionFailure?: { readonly data: unknown; readonly status: number },
): Promise<void> {
  const url = pageUrl(req);
  if (req.method === "HEAD") {
    // A HEAD must not mount a session: answer the headers a GET would carry.
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end();
    return;
  }
  const sec = host.security;
  let sid = readSessionCookie(req.headers.cookie, host.devMode);
  let setCookie = false;
  if (sid === undefined || !isTokenShaped(sid)) {
    sid = randomToken();
    setCookie = true;
  }
  // The first page of a process builds the client and the chunk set: side by side.
  const hooksBuilt = hookRuntime(host);
  const clientSrc = await host.client.path();
  const scripts: string[] = [];
  // After the core client's (deferred scripts run in order): recovery dispatches events
  // into the core client's listeners.
  if (host.recovery !== undefined) scripts.push(await host.recovery.path());
  if (host.devOverlay !== undefined) scripts.push(await host.devOverlay.path());
  const hooks = await hooksBuilt;
  const rec = requestRecord(req);
  // Asked once per page: the session's events carry it (`EventContext.userId`).
  const userId = sec.userOf?.(req);
  const restore =
    actionFailure === undefined ? await handedOff(host, req, sid, userId, url) : undefined;
  let session: Session | ErrorCode | Redirect;
  try {
    session = host.openSession(
      {
        url,
        request: requestInfo(req),
        ...(actionFailure === undefined ? {} : { actionData: actionFailure.data }),
        ...(restore === undefined ? {} : { restore }),
      },
      sid,
      {
        userId,
        requestId: rec?.requestId,
        ip: clientIp(req, { trustProxy: sec.trustProxy }),
      },
    );
  } catch (err) {
    return renderFailed(host, res, err, url.pathname);
  }
  if (session instanceof Redirect) return sendRedirect(res, session.location, session.httpStatus);
  if (typeof session === "string") {
    return sendError(res, session, session === E.server_busy ? RETRY_SOON : undefined);
  }
  // The page GET's request id follows the session into its event logs, and vice versa.
  if (rec !== undefined) rec.sessionId = session.id;
  const view = session.root as PageView;
  await view.settle(host.pageDataMs);
  if (view.failure !== undefined) {
    const report = describeError(view.failure, E.render_error);
    host.logger.error(
      {
        err: view.failure,
        code: E.render_error,
        path: url.pathname,
        component_stack: report.componentStack,
      },
      "page render failed; its _error page answers",
    );
  }
  let html: string;
  const nonce = responseNonce(res);
  try {
    const entry = view.state.entry.peek();
    const pageHead = entry.page?.head?.(view.state.info());
    html = renderSessionPage({
      head: pageHead === undefined ? host.head : [host.head, pageHead],
      ...(nonce === undefined ? {} : { nonce }),
      title: view.title ?? host.title,
      root: session.root.root,
      clientSrc,
      scripts,
      ...(hooks === undefined ? {} : { hooks }),
      resumeToken: session.token,
      csrf: host.csrf.sign(sid),
    });
  } catch (err) {
    session.dispose();
    throw err;
  }
  // Secure (and so `__Host-`) unless devMode serves plain http (browsers drop Secure
  // cookies set over http, except on localhost).
  const https = isHttps(req, sec.trustProxy !== false);
  const cookieSecure = !(host.devMode && !https);
  const cookies: string[] = [];
  if (setCookie) {
    cookies.push(
      serializeCookie(sessionCookieName(cookieSecure), sid, {
        httpOnly: true,
        secure: cookieSecure,
        sameSite: "Lax",
        path: "/",
      }),
    );
  }
  const csrfToken = host.csrf.sign(sid);
  const csrfName = csrfCookieName(cookieSecure);
  if (sec.csrf !== undefined && readCookie(req.headers.cookie, csrfName) !== csrfToken) {
    // Readable by the page's JS for fetch() calls (double submit); worthless without the sid.
    cookies.push(
      serializeCookie(csrfName, csrfToken, {
        httpOnly: false,
        secure: cookieSecure,
        sameSite: "Lax",
        path: "/",
      }),
    );
  }
  // Appended: middleware (auth) may have set cookies of its own on this response.
  if (cookies.length > 0) res.appendHeader("set-cookie", cookies);
  const status = actionFailure?.status ?? view.state.status;
  const headers: Record<string, string | number> = {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  };
  // The not-found page is a refusal too: coded like every other one.
  if (view.state.entry.peek().page === undefined) headers["x-vango-error"] = E.not_found;
  if (view.pending > 0 && host.pageStreamMs > 0) {
    res.writeHead(status, headers);
    return streamRest(host, res, view, session, html, nonce);
  }
  const body = Buffer.from(html, "utf8");
  headers["content-length"] = body.byteLength;
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * The persisted values of the page handed off under the key a middleware named
 * (`HAND_OFF_LOCAL`), when that page was this browser's, this user's and at this URL;
 * else `undefined` (a key this browser presents is spent either way).
 */
async function handedOff(
  host: PageHost,
  req: IncomingMessage,
  sid: string,
  userId: string | undefined,
  url: URL,
): Promise<ReadonlyMap<string, readonly unknown[]> | undefined> {
  const key = requestLocals(req).get(HAND_OFF_LOCAL);
  if (typeof key !== "string" || host.persistence === undefined) return undefined;
  let cp: Awaited<ReturnType<Persistence["takeHandOff"]>>;
  try {
    cp = await host.persistence.takeHandOff(key, sid);
  } catch (err) {
    host.logger.warn(
      { err, code: E.store_unavailable, op: "takeHandOff" },
      "handed-off page state unavailable: the page starts afresh",
    );
    return undefined;
  }
  if (cp === undefined) return undefined;
  // Taken: this browser's. Another user's page (or another page) is not this one's to show.
  const at = new URL(cp.url, "http://localhost");
  if (cp.userId !== userId || at.pathname + at.search !== url.pathname + url.search) {
    return undefined;
  }
  return new Map(cp.state);
}

/**
 * Out-of-order streaming: the document up to its boot data goes out now (the fallbacks
 * of what is still loading in place); each later arrival is rendered and sent as a swap
 * chunk (`render/stream-swap.ts`), for up to `pageStreamMs`; then the boot data and the
 * end of the document. The client script is deferred, so the socket attaches only after
 * that: the session's tree is what the browser shows, and later data comes as patches.
 */
async function streamRest(
  host: PageHost,
  res: ServerResponse,
  view: PageView,
  session: Session,
  html: string,
  nonce: string | undefined,
): Promise<void> {
  const at = html.lastIndexOf(`<script type="application/json" id="${BOOT_ID}"`);
  // The boot data closes the stream (the shell always has it; else: before `</body>`).
  const cut = at >= 0 ? at : html.lastIndexOf("</body>");
  res.write(html.slice(0, cut));
  const swap = new StreamSwap(nonce);
  const deadline = performance.now() + host.pageStreamMs;
  const out: Patch[] = [];
  try {
    while (view.pending > 0 && session.state === SessionState.Pending && !res.destroyed) {
      const left = deadline - performance.now();
      if (left <= 0 || !(await view.progressed(left))) break;
      // Evicted meanwhile, or the client went away: stop rendering for nobody.
      if (session.state !== SessionState.Pending || res.destroyed) break;
      out.length = 0;
      view.flush(out);
      const chunk = swap.chunk(view.root, out);
      if (chunk !== "") res.write(chunk);
    }
  } catch (err) {
    // A render that failed while streaming: the session reports it as it would live, the
    // page keeps what it showed.
    host.logger.error({ err, code: E.render_error }, "streamed render failed");
  }
  res.end(html.slice(cut));
}

/**
 * A POST to a page with an `action` (a form, JavaScript off): success is a 303 back to
 * the page (post-redirect-get), `invalid(…)` the page again with its errors and 422, a
 * `redirect()` a 303 there.
 */
export async function serveAction(
  host: PageHost,
  req: IncomingMessage,
  res: ServerResponse,
  match: RouteMatch,
): Promise<void> {
  const url = pageUrl(req);
  // The CSRF check read it already, unless the check is off or the path exempt.
  const body = formBody(req) ?? (await readBody(req, host.security.csrf?.form ?? FORM_LIMITS));
  if (typeof body === "string") return sendError(res, body, { connection: "close" });
  const form = formFields([...new URLSearchParams(body.toString("utf8"))]);
  let r: unknown;
  try {
    r = await match.page.action!({
      form,
      params: match.params,
      url,
      request: requestInfo(req),
      userId: host.security.userOf?.(req),
    });
  } catch (err) {
    const c = controlOf(err);
    if (c instanceof Redirect) return sendRedirect(res, c.location, 303);
    if (c instanceof NotFound) return sendError(res, E.not_found);
    throw err;
  }
  if (isFailure(r)) {
    req.method = "GET";
    return servePage(host, req, res, r);
  }
  sendRedirect(res, url.pathname + url.search, 303);
}

/** A page whose components threw while mounting: 500 `render_error` (with the report in devMode). */
function renderFailed(host: PageHost, res: ServerResponse, err: unknown, path: string): void {
  const code = codeOf(err);
  const report = describeError(err, code);
  host.logger.error(
    { err, code, path, component_stack: report.componentStack },
    "page render failed",
  );
  sendError(res, code, undefined, host.devMode ? formatReport(report) : undefined);
}

function codeOf(err: unknown): ErrorCode {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === "string" && c in E ? (c as ErrorCode) : E.render_error;
}

const RETRY_SOON = { "retry-after": "5" };
/** Body limits of a page action's form when the CSRF check did not read it. */
const FORM_LIMITS = { maxBytes: 64 * 1024, timeoutMs: 10_000 };

function sendRedirect(res: ServerResponse, location: string, status: number): void {
  res.writeHead(status, { location, "cache-control": "no-store", "content-length": "0" });
  res.end();
}

/** The page's URL: path and query of the request, on the origin its Host names. */
function pageUrl(req: IncomingMessage): URL {
  const host = req.headers.host;
  try {
    return new URL(req.url ?? "/", `http://${host ?? "localhost"}`);
  } catch {
    return new URL(req.url ?? "/", "http://localhost");
  }
}
