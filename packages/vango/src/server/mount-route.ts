/**
 * Mounts a matched route's component as a session's live view; route params reach the
 * component as `props.params`.
 */
import { mountLive } from "../render/live-root.ts";
import { createVNode } from "../vdom/create-element.ts";
import type { LiveRoot } from "./live-root.ts";
import type { RouteMatch } from "./router-match.ts";
import type { Session } from "./session.ts";

/**
 * @example session.setRoot(mountRoute(router.match("/users/7")!, session));
 */
export function mountRoute(match: RouteMatch, session: Session): LiveRoot {
  const node = createVNode(match.route.component, { params: match.params });
  return mountLive(node, { onDirty: () => session.markDirty() });
}
