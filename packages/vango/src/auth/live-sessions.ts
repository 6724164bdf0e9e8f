/**
 * Signed-in live sessions and this instance's view of revocations.
 *
 * **Per event, no round trip.** The event middleware compares the clock with the
 * session's access window and reads a flag: that is all. Revocations arrive the other
 * way — the family store announces each one (Redis pub/sub; in process for the memory
 * store), and this listener ends every live sign-in of that family at once: the user
 * signal turns anonymous, and a session that has been live is sent `auth_expired` and
 * the login page (with `next` where it was, and the page's state handed off for the
 * login to bring back). A session not live yet learns it on its first event.
 *
 * **The access window moves on in place.** A live page cannot receive new cookies, and
 * sending it to a page load every 15 minutes would lose its state. When its access
 * token's time is up, the event that finds it checks what a refresh would check — the
 * sign-in's own end, its revocation, the user still in the directory (roles re-read) —
 * and extends the window by one access lifetime. That costs one directory call per
 * session per access lifetime (the revocation is the view's to answer: the page request
 * put the sign-in in it; one store call when it cannot); the browser's cookies are
 * refreshed by its next HTTP request as usual.
 *
 * **Revocation view.** Families seen by HTTP requests are remembered as revoked or not
 * (bounded, least recently used first). A "not revoked" is only trusted while the
 * announcement feed is up — it was concluded from the absence of announcements — so
 * when the feed drops, those answers go; revocations stay (they never come undone), and
 * so do the ones made here while the store is down, which the view keeps apart until the
 * store has taken them. When the feed is back, every tracked live session's family is
 * checked in one call (announcements may have been missed in between), and the
 * revocations the store has not taken yet are written to it (and so announced to every
 * instance); also whenever the store's circuit closes again.
 */

import { ErrorCode } from "../protocol/errors.ts";
import type { PageView } from "../routing/page-view.ts";
import type { EventContext } from "../server/session/event-context.ts";
import { SessionState } from "../server/session/services.ts";
import type { Session } from "../server/session/session.ts";
import { AUTH_STORE, type AuthCore } from "./core.ts";
import type { RevocationListener } from "./families/family-store.ts";
import { loginUrl } from "./redirects.ts";
import { authOfSession, EndReason, type SessionAuth } from "./session-auth.ts";

/** Families whose revocation state is remembered. */
const VIEW_MAX = 100_000;
/** Tries of the check after the feed is back (the store's circuit may still be open). */
const RECHECK_ATTEMPTS = 20;
const RECHECK_DELAY_MS = 250;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class LiveSessions implements RevocationListener {
  readonly #core: AuthCore;
  readonly #byFamily = new Map<string, Set<WeakRef<SessionAuth>>>();
  /** Store answers and announcements: family → revoked (least recently used first). */
  readonly #view = new Map<string, boolean>();
  /** Revoked here, not (yet) in the store: it was down (oldest first). */
  readonly #unstored = new Set<string>();
  /** The announcement feed is up: the view's "not revoked" may answer. */
  #trusted = true;
  /** Bumped when the feed drops or comes back: a store answer asked for before is stale. */
  #epoch = 0;
  #storing: Promise<void> | undefined = undefined;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(core: AuthCore) {
    this.#core = core;
    this.#unsubscribe = core.families.subscribe(this);
    this.#timer = setInterval(() => this.sweep(), 60_000).unref();
  }

  /** Tracked live sign-ins (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const set of this.#byFamily.values()) n += set.size;
    return n;
  }

  /** The announcement feed is up (its "not revoked" answers count). */
  get trusted(): boolean {
    return this.#trusted;
  }

  /** Revocations made here that the store has not taken yet. */
  get unstored(): number {
    return this.#unstored.size;
  }

  /** Pass to {@link remember} with the answer of a store call started now. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Follows a signed-in page's state until its session is gone. */
  track(sa: SessionAuth): void {
    const fam = sa.family;
    if (fam === undefined) return;
    let set = this.#byFamily.get(fam);
    if (set === undefined) {
      set = new Set();
      this.#byFamily.set(fam, set);
    }
    set.add(new WeakRef(sa));
  }

  /**
   * What this instance knows of `fam`: revoked (always answered), not revoked (while the
   * feed is up), or `undefined` (ask the store).
   */
  known(fam: string): boolean | undefined {
    if (this.#unstored.has(fam)) return true;
    const v = this.#view.get(fam);
    if (v === undefined || (!v && !this.#trusted)) return undefined;
    // Most recently used last: re-insert.
    this.#view.delete(fam);
    this.#view.set(fam, v);
    return v;
  }

  /**
   * The store's answer for `fam`, asked at `epoch`; ignored when the feed dropped or came
   * back since (an announcement may have been missed in between).
   */
  remember(fam: string, revoked: boolean, epoch: number): void {
    if (epoch !== this.#epoch || (!revoked && !this.#trusted)) return;
    this.#set(fam, revoked);
  }

  /** A revocation, from any instance (or this one): ends its live sign-ins now. */
  revoked(fam: string): void {
    this.#set(fam, true);
    const set = this.#byFamily.get(fam);
    if (set === undefined) return;
    this.#byFamily.delete(fam);
    for (const ref of set) {
      const sa = ref.deref();
      if (sa !== undefined) this.#end(sa, EndReason.Revoked);
    }
  }

  /**
   * A revocation made here that the store did not take (it is down): answered here
   * whatever the feed, and written to the store once it answers again.
   */
  notStored(fam: string): void {
    this.revoked(fam);
    this.#unstored.delete(fam);
    if (this.#unstored.size >= VIEW_MAX) {
      const oldest = this.#unstored.values().next().value;
      if (oldest !== undefined) this.#unstored.delete(oldest);
      this.#core.logger.warn(
        { code: ErrorCode.store_unavailable, family: oldest },
        "auth store down too long: a revocation made here will not reach it",
      );
    }
    this.#unstored.add(fam);
  }

  lost(): void {
    this.#trusted = false;
    this.#epoch++;
    for (const [fam, revoked] of this.#view) if (!revoked) this.#view.delete(fam);
  }

  resync(): void {
    this.#trusted = true;
    this.#epoch++;
    void this.#recheck();
  }

  /**
   * Writes the revocations made here while the store was down to it (each is announced
   * to every instance); those it takes are its to answer from then on. One run at a time.
   */
  store(): Promise<void> {
    if (this.#unstored.size === 0) return Promise.resolve();
    this.#storing ??= this.#store().finally(() => {
      this.#storing = undefined;
    });
    return this.#storing;
  }

  async #store(): Promise<void> {
    const core = this.#core;
    for (const fam of [...this.#unstored]) {
      const r = await core.breaker.run(() => core.families.revoke(fam));
      if (!r.ok) return;
      this.#unstored.delete(fam);
    }
    core.logger.info({ dependency: AUTH_STORE }, "revocations made during the outage stored");
  }

  /**
   * After the feed was down: the revocations made here go to the store, and the live
   * sign-ins' families are asked again in one call — retried while the store's circuit
   * is still open from the outage, until the feed drops again.
   */
  async #recheck(): Promise<void> {
    const core = this.#core;
    const epoch = this.#epoch;
    for (let attempt = 0; attempt < RECHECK_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        await sleep(Math.max(core.breaker.retryInMs(), RECHECK_DELAY_MS));
        // The feed dropped again (its own resync rechecks), or auth was closed.
        if (epoch !== this.#epoch || this.#timer === undefined) return;
      }
      await this.store();
      const fams = [...this.#byFamily.keys()];
      if (fams.length === 0 && this.#unstored.size === 0) return;
      const r = await core.breaker.run(() => core.families.revoked(fams));
      if (!r.ok) continue;
      for (let i = 0; i < fams.length; i++) {
        if (r.value[i] === true) this.revoked(fams[i]!);
        else this.remember(fams[i]!, false, epoch);
      }
      if (this.#unstored.size === 0) return;
    }
  }

  #set(fam: string, revoked: boolean): void {
    this.#view.delete(fam);
    if (this.#view.size >= VIEW_MAX) {
      const oldest = this.#view.keys().next().value;
      if (oldest !== undefined) this.#view.delete(oldest);
    }
    this.#view.set(fam, revoked);
  }

  /**
   * The event middleware's work: nothing for anonymous sessions, a clock comparison for
   * signed-in ones; the session whose sign-in ended is told once and its event dropped.
   */
  event(ctx: EventContext, next: () => Promise<void>): Promise<void> {
    const sa = authOfSession(ctx.session);
    if (sa === undefined) return next();
    if (sa.leaving) return Promise.resolve();
    if (sa.session !== ctx.session) sa.session = ctx.session;
    if (sa.ended !== undefined && !sa.told) {
      this.#tell(sa);
      return Promise.resolve();
    }
    const user = sa.user.peek();
    if (user === undefined) return next();
    if (Date.now() >= sa.accessExp) return this.#extend(sa, ctx, next);
    ctx.userId = user.id;
    return next();
  }

  /** Drops states whose sessions are gone. */
  sweep(): void {
    for (const [fam, set] of this.#byFamily) {
      for (const ref of set) if (ref.deref() === undefined) set.delete(ref);
      if (set.size === 0) this.#byFamily.delete(fam);
    }
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  async #extend(sa: SessionAuth, ctx: EventContext, next: () => Promise<void>): Promise<void> {
    const core = this.#core;
    const fam = sa.family!;
    const id = sa.userId!;
    const now = Date.now();
    if (now >= sa.signInExp) return this.#endAndTell(sa, EndReason.Expired);
    if (await core.isRevoked(fam)) return this.#endAndTell(sa, EndReason.Revoked);
    let user: Awaited<ReturnType<typeof core.users.findById>>;
    try {
      user = await core.users.findById(id);
    } catch (err) {
      // The directory failed: this event goes through as before, the next one asks again.
      core.logger.error({ err, user_id: id }, "user directory failed; access window not extended");
      ctx.userId = id;
      return next();
    }
    if (user === undefined) {
      await core.revoke(sa, fam, id, "user_gone");
      return this.#endAndTell(sa, EndReason.Revoked);
    }
    // The event may have raced a revocation announced while it waited.
    if (sa.ended !== undefined) return this.#tell(sa);
    sa.extend(user, Math.min(Date.now() + core.config.accessTtlMs, sa.signInExp));
    ctx.userId = user.id;
    return next();
  }

  #endAndTell(sa: SessionAuth, reason: EndReason): void {
    this.#end(sa, reason);
    if (!sa.told) this.#tell(sa);
  }

  /** A sign-out made from this page: no `auth_expired` for it (its other tabs are told). */
  signedOut(sa: SessionAuth): void {
    if (sa.end(EndReason.Revoked)) sa.told = true;
  }

  #end(sa: SessionAuth, reason: EndReason): void {
    const s = sa.session;
    if (!sa.end(reason)) return;
    if (s !== undefined) {
      s.userId = undefined;
      if (s.state === SessionState.Attached || s.state === SessionState.Detached) this.#tell(sa);
    }
  }

  /**
   * `auth_expired`, then the login page with `next` where the page was — and, with
   * session persistence, `restore`: the page hands itself off first (its checkpoint, as
   * the ended sign-in's user's), so the same user signing in again on this browser comes
   * back to it with its state. Its events are dropped meanwhile (one store write).
   */
  #tell(sa: SessionAuth): void {
    const s = sa.session;
    if (s === undefined || s.state === SessionState.Closed) return;
    sa.told = true;
    s.userId = undefined;
    s.sendError(ErrorCode.auth_expired, false);
    // A parked page is built again first: its URL and its hand-off need the view.
    if (s.parked) void s.wake().then(() => this.#toLogin(sa, s));
    else this.#toLogin(sa, s);
  }

  /** Sends the page to the login page, handing its state off first (see {@link #tell}). */
  #toLogin(sa: SessionAuth, s: Session): void {
    if (s.state === SessionState.Closed) return;
    const view = s.root as PageView;
    const here = view.state.url.peek();
    const login = this.#core.config.paths.login;
    if (here.pathname === login) return;
    const next = here.pathname + here.search;
    sa.leaving = true;
    void s.handOff(sa.endedUserId).then((key) => {
      sa.leaving = false;
      if (s.state === SessionState.Closed || s.root !== view) return;
      view.navigate(loginUrl(login, next, key), true, false);
    });
  }
}
