/**
 * Flash messages: a short note ("Saved", "Signed out") that shows on the page the user
 * sees next — this page, the page a live navigation leads to, or the page a full load
 * brings (a redirect, a form posted without JavaScript, another tab of the session).
 *
 * Pending messages live in a session signal (`vango.flash`: every tab of the browser
 * session, any instance), tagged with the tab that flashed them. `<Toasts>` shows a
 * tab's own messages at once and the untagged ones (flashed from an HTTP action, or
 * left by a tab that closed) when it mounts; a message it showed is taken off the
 * pending list once it has been on screen for `TAKE_MS` — so a tab that leaves at once
 * (a redirect to a full page load) leaves it for the next page — and pending messages
 * older than `FLASH_TTL_MS` are dropped.
 */
import { randomBytes } from "node:crypto";
import { createRoot, runWithOwner } from "../reactive/index.ts";
import type { RequestInfo } from "../routing/page-info.ts";
import { SESSION_COOKIE, SESSION_COOKIE_SECURE } from "../server/security/cookies.ts";
import { useSession } from "../server/session/session-context.ts";
import type { GlobalSignal } from "../state/global-signal.ts";
import { globalSignal, sharedState } from "../state/shared-state.ts";
import { sessionKey } from "./session-signal.ts";

export type FlashKind = "info" | "success" | "error";

/** A flashed message. */
export interface FlashMessage {
  readonly id: string;
  readonly text: string;
  readonly kind: FlashKind;
  /** `Date.now()` when it was flashed. */
  readonly at: number;
  /** Id of the tab (session) that flashed it; "" when none will show it itself. */
  readonly by: string;
}

/** Name of the session signal holding the pending messages. */
export const FLASH_KEY = "vango.flash";
/** Pending messages older than this are dropped. */
export const FLASH_TTL_MS = 60_000;
/** Most pending messages per browser session (the oldest go first). */
export const FLASH_MAX = 20;

/** @internal The pending list of browser session `sid` (under the current owner). */
export function flashSignal(sid: string): GlobalSignal<readonly FlashMessage[]> {
  return globalSignal<readonly FlashMessage[]>(sessionKey(sid, FLASH_KEY), []);
}

/**
 * @internal The pending list as `<Toasts>` holds it: a page parked while idle lets go of
 * it (messages for a tab are flashed by its own requests, and a page built again takes
 * the list again).
 */
export function toastsFlashSignal(sid: string): GlobalSignal<readonly FlashMessage[]> {
  return sharedState().releasableSignal<readonly FlashMessage[]>(sessionKey(sid, FLASH_KEY), []);
}

/** @internal `list` without expired messages, plus `msg`, at most {@link FLASH_MAX}. */
export function withMessage(list: readonly FlashMessage[], msg: FlashMessage): FlashMessage[] {
  const fresh = list.filter((m) => msg.at - m.at < FLASH_TTL_MS);
  fresh.push(msg);
  return fresh.slice(-FLASH_MAX);
}

function message(text: string, kind: FlashKind, by: string): FlashMessage {
  return { id: randomBytes(9).toString("base64url"), text, kind, at: Date.now(), by };
}

/** Flashes a message: a function usable from the component's handlers. */
export type FlashFn = (text: string, kind?: FlashKind) => void;

/**
 * The flash of this page's session. Call in setup; call the result from handlers.
 * @example
 * const flash = useFlash();
 * <button onClick={async () => { await save(); flash("Saved", "success"); }}>Save</button>
 */
export function useFlash(): FlashFn {
  const session = useSession("useFlash()");
  const pending = flashSignal(session.sid);
  return (text, kind = "info") => {
    pending.set(withMessage(pending.peek(), message(text, kind, session.id)));
  };
}

/**
 * Flashes a message from a page action (with or without JavaScript) for the next page
 * the browser session shows.
 * @example
 * export async function action(ctx: ActionContext) { await add(ctx.form.get("title")); flash(ctx, "Added"); redirect("/todos"); }
 */
export function flash(
  ctx: { readonly request: RequestInfo },
  text: string,
  kind: FlashKind = "info",
): void {
  const c = ctx.request.cookies;
  const sid = c.get(SESSION_COOKIE_SECURE) ?? c.get(SESSION_COOKIE);
  if (sid === undefined) return;
  holdPending(sid, (list) => withMessage(list, message(text, kind, "")));
}

/**
 * @internal Applies `update` to the pending list of `sid` and holds the list for
 * {@link FLASH_TTL_MS} (a global signal nobody holds is dropped): for writes no mounted
 * component owns — an action's flash, a closing tab's hand-over.
 */
export function holdPending(
  sid: string,
  update: (list: readonly FlashMessage[]) => readonly FlashMessage[],
): void {
  runWithOwner(null, () =>
    createRoot((dispose) => {
      const pending = flashSignal(sid);
      pending.set(update(pending.peek()));
      setTimeout(dispose, FLASH_TTL_MS).unref();
    }),
  );
}
