/**
 * `sessionSignal`: a signal shared by every tab of one browser session — the pages that
 * carry the same session cookie — on every instance of the app. It is a global signal
 * (`global-signal.ts`: last writer wins, late joiners ask their peers) under a key made
 * from a hash of the cookie, so the cookie itself never travels on the bus.
 */
import { createHash } from "node:crypto";
import { useSession } from "../server/session/session-context.ts";
import type { GlobalSignal, GlobalSignalOptions } from "../state/global-signal.ts";
import { globalSignal } from "../state/shared-state.ts";

/**
 * @internal The global key of session signal `key` for the browser session `sid`.
 * @example sessionKey("q3V0dGVyZmx5X3N0cmVhbTE", "cart") // "s.<22 chars>.cart"
 */
export function sessionKey(sid: string, key: string): string {
  const h = createHash("sha256").update("vango.session:").update(sid).digest("base64url");
  return `s.${h.slice(0, 22)}.${key}`;
}

/**
 * A signal every tab of this browser session shares (any instance). Call in a page's
 * component setup; the value lives while a tab holds it (and a write reaches the tabs
 * that hold it then).
 * @example
 * function CartBadge() {
 *   const cart = sessionSignal<string[]>("cart", []);
 *   return () => <span>{cart().length}</span>;   // the same count in every tab
 * }
 */
export function sessionSignal<T>(
  key: string,
  initial: T,
  options?: GlobalSignalOptions<T>,
): GlobalSignal<T> {
  const session = useSession("sessionSignal()");
  return globalSignal(sessionKey(session.sid, key), initial, options);
}
