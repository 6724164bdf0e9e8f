/**
 * The sign-in state of one page request and the live session it starts. Auth's HTTP
 * middleware makes one per request and hands it to the page through `requestLocals`,
 * so components (`useUser()`), the page's action and `enter` checks read it from the
 * page's request, and the event middleware finds it from the session. It outlives the
 * request: when the sign-in is revoked or ends while the page is live, the same object
 * turns anonymous (its `user` signal, which components render from) and the session is
 * told (`auth_expired`) and sent to the login page.
 *
 * It also carries the request facts an audit row needs (request id, client address,
 * user agent, session id), so every audit call made from the page has them.
 */
import type { ServerResponse } from "node:http";
import type { RequestRecord } from "../observability/http-observer.ts";
import { type ReadonlySignal, type Signal, signal } from "../reactive/index.ts";
import type { RequestInfo } from "../routing/page-info.ts";
import type { PageView } from "../routing/page-view.ts";
import { ConfigError } from "../server/core/errors.ts";
import type { Session } from "../server/session/session.ts";
import type { CookieWriter } from "./cookies.ts";
import type { AuthCore } from "./core.ts";
import type { AuthUser } from "./users.ts";

/** The `requestLocals` key auth's state lives under. */
export const AUTH_LOCAL: unique symbol = Symbol("vango.auth");

/** Why a live sign-in ended. */
export const EndReason = {
  /** The sign-in's lifetime passed. */
  Expired: "expired",
  /** Revoked: a logout, a reused refresh token, an admin, a deleted user. */
  Revoked: "revoked",
} as const;
export type EndReason = (typeof EndReason)[keyof typeof EndReason];

/** A sign-in as the state holds it. */
export interface SignInFacts {
  readonly user: AuthUser;
  readonly family: string;
  /** When the access window ends (ms since the epoch); a live session extends it. */
  readonly accessExp: number;
  /** When the sign-in ends (ms since the epoch). */
  readonly signInExp: number;
}

/** Request facts for audit rows and the login throttle. */
export interface RequestFacts {
  /** The auth that made the state. */
  readonly core: AuthCore;
  readonly ip: string;
  readonly userAgent: string | undefined;
  readonly record: RequestRecord | undefined;
}

export class SessionAuth {
  readonly core: AuthCore;
  readonly #user: Signal<AuthUser | undefined> = signal<AuthUser | undefined>(undefined);
  family: string | undefined = undefined;
  accessExp = Number.POSITIVE_INFINITY;
  signInExp = Number.POSITIVE_INFINITY;
  readonly ip: string;
  readonly userAgent: string | undefined;
  readonly #record: RequestRecord | undefined;
  /** Cookies of the HTTP response being made; `undefined` once it is sent (live). */
  cookies: CookieWriter | undefined = undefined;
  /** The response being made (for `Retry-After` on a throttled login), while it is. */
  res: ServerResponse | undefined = undefined;
  /** The live session, once its first event came. */
  session: Session | undefined = undefined;
  /** Why the sign-in ended while the page was live (`undefined`: it did not). */
  ended: EndReason | undefined = undefined;
  /** The session was told (`auth_expired`, sent to login). */
  told = false;
  /** Whose sign-in ended (the user a page handed off to login may come back as). */
  endedUserId: string | undefined = undefined;
  /** The page is being handed off on its way to login: its events are dropped. */
  leaving = false;

  constructor(facts: RequestFacts) {
    this.core = facts.core;
    this.ip = facts.ip;
    this.userAgent = facts.userAgent;
    this.#record = facts.record;
  }

  /** The signed-in user, as a signal (undefined: anonymous). */
  get user(): ReadonlySignal<AuthUser | undefined> {
    return this.#user;
  }

  /** The page request's id. */
  get requestId(): string | undefined {
    return this.#record?.requestId;
  }

  /** The live session's public id (known once the page request mounted it). */
  get sessionId(): string | undefined {
    return this.session?.id ?? this.#record?.sessionId;
  }

  get userId(): string | undefined {
    return this.#user.peek()?.id;
  }

  /** Records a sign-in (verified token, refresh or login). */
  signIn(s: SignInFacts): void {
    this.family = s.family;
    this.accessExp = s.accessExp;
    this.signInExp = s.signInExp;
    this.ended = undefined;
    this.told = false;
    this.#user.set(s.user);
  }

  /** A live session's access window moved on (the user re-read: roles may have changed). */
  extend(user: AuthUser, accessExp: number): void {
    this.accessExp = accessExp;
    const cur = this.#user.peek();
    if (cur === undefined || cur.name !== user.name || !sameRoles(cur.roles, user.roles)) {
      this.#user.set(user);
    }
  }

  /**
   * The sign-in ended: anonymous from now on (components showing the user re-render).
   * False when it was anonymous already.
   */
  end(reason: EndReason): boolean {
    const user = this.#user.peek();
    if (user === undefined) return false;
    this.endedUserId = user.id;
    this.ended = reason;
    this.told = false;
    this.family = undefined;
    this.accessExp = Number.POSITIVE_INFINITY;
    this.signInExp = Number.POSITIVE_INFINITY;
    this.#user.set(undefined);
    return true;
  }
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

/** The state in a page request's locals, or `undefined` when auth is not wired in. */
export function authOfRequest(request: RequestInfo): SessionAuth | undefined {
  return request.locals.get(AUTH_LOCAL) as SessionAuth | undefined;
}

/** Like {@link authOfRequest}, but a `ConfigError` when auth is not wired into the app. */
export function requireAuthOf(request: RequestInfo, what: string): SessionAuth {
  const sa = authOfRequest(request);
  if (sa === undefined) {
    throw new ConfigError(
      "auth",
      `${what} needs auth wired into the app: createApp(auth.wire({ … }))`,
    );
  }
  return sa;
}

/**
 * The state of a live session: its page request's (the view is awake whenever a handler
 * or an event middleware asks). Read through the view each time rather than cached in a
 * WeakMap keyed by sessions, whose table V8 keeps at its peak size after they are gone.
 */
export function authOfSession(s: Session): SessionAuth | undefined {
  const request = (s.root as Partial<PageView>).state?.request;
  return request === undefined ? undefined : authOfRequest(request);
}
