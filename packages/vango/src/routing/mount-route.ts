/**
 * Mounts a matched route's component as a session's live view; route params reach the
 * component as `props.params`.
 */
import { ClientInfoContext } from "../render/client-info.ts";
import { provide } from "../render/context.ts";
import { mountLive } from "../render/live-root.ts";
import type { Session } from "../server/session/session.ts";
import type { SessionView } from "../server/session/view.ts";
import { createVNode } from "../vdom/create-element.ts";
import type { VChild } from "../vdom/vnode.ts";
import type { RouteMatch } from "./router.ts";

/**
 * @example session.setRoot(mountRoute(router.match("/users/7")!, session));
 */
export function mountRoute(match: RouteMatch, session: Session): SessionView {
  const page = createVNode(match.route.component, { params: match.params });
  const node = createVNode(SessionScope, { session, children: page });
  return mountLive(node, { onDirty: () => session.markDirty() });
}

/** Transparent wrapper that provides the session's handshake facts to the page. */
function SessionScope(props: { session: Session; children: VChild }): VChild {
  provide(ClientInfoContext, props.session.clientInfo);
  return props.children;
}
