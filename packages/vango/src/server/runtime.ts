/**
 * Everything one app shares across its HTTP handler, upgrade handler and sessions,
 * assembled once by `createApp`.
 */
import type { VangoMetrics } from "../observability/metrics.ts";
import type { Limits } from "../protocol/limits.ts";
import type { RouteMatch, Router } from "../routing/router.ts";
import type { VChild } from "../vdom/vnode.ts";
import type { ServerLimits, ServerTimeouts } from "./config/options.ts";
import type { Logger } from "./core/logger.ts";
import type { HttpContext } from "./core/middleware.ts";
import type { Transport } from "./core/transport.ts";
import type { ClientAsset } from "./http/client-asset.ts";
import type { CsrfSigner } from "./security/csrf.ts";
import type { SessionManager } from "./session/manager.ts";
import type { Session } from "./session/session.ts";
import type { LiveRoot } from "./session/view.ts";
import type { Connection } from "./ws/connection.ts";

/** Mounts the matched route's component for `session` (its `onDirty` marks the session). */
export type MountFn = (match: RouteMatch, session: Session) => LiveRoot;

export interface Runtime {
  readonly devMode: boolean;
  readonly title: string | undefined;
  readonly allowedOrigins: readonly string[];
  readonly limits: ServerLimits;
  readonly timeouts: ServerTimeouts;
  readonly decodeLimits: Limits;
  readonly logger: Logger;
  readonly router: Router;
  readonly sessions: SessionManager;
  readonly csrf: CsrfSigner;
  readonly client: ClientAsset;
  readonly mount: MountFn;
  readonly handshakeMs: number;
  readonly connections: Set<Connection>;
  /** HTTP middleware chain around the app's own request handling. */
  runHttp: (ctx: HttpContext) => Promise<void>;
  /** Set once `close()` started: new pages and sockets are refused. */
  closing: boolean;
  /** Extra `<head>` content of every page. */
  readonly head: VChild | undefined;
  /** The app's metrics (`undefined` when off); code outside the session core may record into it. */
  readonly metrics: VangoMetrics | undefined;
  /** Wraps each WebSocket transport (counts coded errors and closes into `metrics`). */
  readonly wrapTransport: (t: Transport) => Transport;
}
