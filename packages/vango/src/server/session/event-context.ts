/**
 * The context every event middleware sees, and the innermost step of the event chain.
 */
import type { EventBinding } from "../../vdom/host.ts";
import type { Middleware } from "../core/middleware.ts";
import type { IncomingEvent } from "./event-payload.ts";
import type { Session } from "./session.ts";

/** What event middleware sees for one event. */
export interface EventContext {
  /** Public session id for logs and spans (not the cookie, not the resume token). */
  readonly sessionId: string;
  /** Route pattern of the session's page (`/users/:id`). */
  readonly route: string;
  /** DOM event name the handler is bound to (`click`, `input`, …). */
  readonly eventName: string;
  /** Hydration id of the target element. */
  readonly hid: number;
  /** Client sequence number of the event. */
  readonly cseq: number;
  /** The decoded event as it came off the wire. */
  readonly event: IncomingEvent;
  /** What the handler receives. */
  readonly payload: unknown;
  readonly binding: EventBinding;
  /** The session the event belongs to. */
  readonly session: Session;
  /**
   * The user the app's `userOf` returned for the page request that created the session
   * (`undefined` without `userOf` or for anonymous requests). An auth middleware may
   * replace it; `tracingEventMiddleware({ recordUserId: true })` reads it.
   */
  userId: string | undefined;
  /** Patches the event produced; set once the handler finished and the view flushed. */
  patchCount: number;
}

export type EventMiddleware = Middleware<EventContext>;

/**
 * Innermost step of the event chain: calls the bound handler, then flushes the view so
 * `ctx.patchCount` is known to the middleware around it. Returns a promise only when
 * the handler did (a synchronous handler costs no promise).
 */
export function invokeHandler(ctx: EventContext): void | Promise<void> {
  const before = ctx.session.patchesSent;
  const r = ctx.binding.handler(ctx.payload);
  if (r !== null && typeof r === "object" && typeof (r as Promise<unknown>).then === "function") {
    return settle(ctx, r as Promise<unknown>, before);
  }
  finish(ctx, before);
}

async function settle(ctx: EventContext, r: Promise<unknown>, before: number): Promise<void> {
  await r;
  finish(ctx, before);
}

function finish(ctx: EventContext, before: number): void {
  ctx.session.flush();
  ctx.patchCount = ctx.session.patchesSent - before;
}
