/**
 * App options and their resolved defaults. Every field here is read by the runtime.
 */

import type { IncomingMessage } from "node:http";
import type { AppHealthOptions, AppMetricsOptions } from "../../observability/app-observability.ts";
import type { Limits as DecodeLimits } from "../../protocol/limits.ts";
import type { RouteTable } from "../../routing/route-table.ts";
import type { Bus } from "../../state/bus.ts";
import type { AnyStateType } from "../../state/codec.ts";
import type { BusSettings } from "../../state/shared-state.ts";
import type { VChild } from "../../vdom/vnode.ts";
import type { Logger } from "../core/logger.ts";
import type { HttpMiddleware } from "../core/middleware.ts";
import type { ClientBuilder } from "../http/client-asset.ts";
import type { StaticFilesOptions } from "../http/static-files.ts";
import type { SecurityOptions } from "../security/options.ts";
import type { EventMiddleware } from "../session/event-context.ts";
import type { SessionLimits, SessionTimeouts } from "../session/services.ts";
import type { SessionStore } from "../session/session-store.ts";

/** Every limit of the server: the session bounds plus the socket's. */
export interface ServerLimits extends SessionLimits {
  /** Decode limits for incoming frames (protocol defaults, but 16,000 items per collection). */
  readonly decode?: Partial<DecodeLimits>;
}

export interface ServerTimeouts extends SessionTimeouts {
  /**
   * A page request waits this long for its data (resources, async components) so fast
   * data renders inline; slower data shows its `<Async>` fallback and streams later in
   * the response (`pageStreamMs`), or arrives as patches once the socket attaches
   * (default 50 ms; 0 answers at once).
   */
  readonly pageDataMs: number;
  /**
   * Data still loading after `pageDataMs` streams in the same response (out of order:
   * each `<Async>` as its data arrives) for up to this long after the page's HTML; what
   * is slower arrives as patches once the socket attaches (default 5 s; 0 ends the
   * response at once; below `pendingTtlMs`). The client script runs when the response ends.
   */
  readonly pageStreamMs: number;
  /**
   * A page built again from its checkpoint (a resume after a restart or on another
   * instance, or a parked page woken) first waits `pageDataMs` for its data; when it
   * then does not yet render what the browser shows because data is still loading, it
   * waits this much longer before sending the page whole (default 1 s; 0 sends it at
   * once). The browser already shows the page: waiting spares it a full resync and a
   * flash of fallbacks, when a fresh process's first queries are slow. The socket's
   * first events wait meanwhile.
   */
  readonly resumeDataMs: number;
  /** A socket must send its Handshake within this time (default 5 s). */
  readonly handshakeMs: number;
  /**
   * Interval of transport pings; a socket silent for two intervals is dropped (25 s). A
   * sweep that comes late because the process stalled drops no one: the pongs that came
   * meanwhile are still unread then.
   */
  readonly heartbeatMs: number;
  /** A connection with no client event for this long is closed as `idle_timeout`; 0 = never (the default: the browser client reconnects at once, so an idle close frees nothing unless the app wants tabs to drop their sessions). */
  readonly idleMs: number;
  /**
   * Graceful shutdown's one deadline (default 5 s): `app.close()` / `listening.close()`
   * wait this long for closing handshakes and in-flight requests, then destroy the
   * sockets still open (a client that stopped reading would otherwise hold the process
   * for the WebSocket's 30 s close timeout). 0 destroys them at once. Keep it below the
   * orchestrator's grace period (Kubernetes: 30 s).
   */
  readonly shutdownMs: number;
  /**
   * `listen()`'s server: a request's headers must arrive within this (Node's
   * `headersTimeout`; default 10 s, Node's own is 60 s). Slowloris defence.
   */
  readonly headersMs: number;
  /**
   * `listen()`'s server: the whole request, body included, must arrive within this
   * (Node's `requestTimeout`; default 30 s, Node's own is 300 s), else 408 and the
   * connection is closed. Raise it for large uploads over slow links.
   */
  readonly requestMs: number;
  /** `listen()`'s server: an idle keep-alive connection is closed after this (default 5 s, as Node). Behind a load balancer, set it above the balancer's idle timeout. */
  readonly keepAliveMs: number;
}

/** Where and how sessions are persisted (`createApp({ persistence })`). */
export interface PersistenceOptions {
  /**
   * Where checkpoints go: a `SessionStore` (Redis, Postgres, memory…). Default: a file
   * snapshot in `dir` — a single instance that restarts keeps its sessions.
   */
  readonly store?: SessionStore;
  /**
   * The state directory: the default file store's checkpoints, and the secret generated
   * when `VANGO_SECRET` is unset outside production (default `.vango` in the working
   * directory).
   */
  readonly dir?: string;
  /** A session that changed is checkpointed within this many ms (default 1,000). */
  readonly checkpointMs?: number;
  /**
   * How long a checkpoint outlives its session in this process's memory (default 10
   * minutes). While the session is held, its checkpoint's TTL is set again every half of
   * this, also when its state stopped changing, so a crash never finds an open tab's
   * checkpoint expired.
   */
  readonly ttlMs?: number;
  /** Codecs for persisted values of your own classes (`StateType`). */
  readonly types?: readonly AnyStateType[];
}

export const DEFAULT_PERSISTENCE = Object.freeze({
  dir: ".vango",
  checkpointMs: 1_000,
  ttlMs: 10 * 60_000,
});

export interface AppOptions extends SecurityOptions {
  /** Path pattern → component (or `{ component, title }`); `:name` segments become `props.params`. */
  readonly routes: RouteTable;
  /** Default document title. */
  readonly title?: string;
  /** Relaxes origin checks and the cookie `Secure` flag for local http development. */
  readonly devMode?: boolean;
  /**
   * The app secret (≥ 16 bytes): CSRF and resume tokens derive from it, so every instance
   * that shares it can resume every session. Unset: `VANGO_SECRET`, else (outside
   * production) a secret generated once and kept in the persistence `dir`.
   */
  readonly secret?: string | Uint8Array;
  /**
   * Session persistence: the values of signals components create in setup, the page's
   * URL and what the browser shows are checkpointed, so a restarted process or another
   * instance resumes the session without a reload. Default on, with a file snapshot;
   * `false` keeps sessions in this process only.
   */
  readonly persistence?: false | PersistenceOptions;
  /** Extra origins (`https://app.example.com`) allowed to open the WebSocket. */
  readonly allowedOrigins?: readonly string[];
  readonly limits?: Partial<ServerLimits>;
  readonly timeouts?: Partial<ServerTimeouts>;
  readonly logger?: Logger;
  /**
   * Turn off V8's allocation-site pretenuring for the process (default `true`): render
   * objects that live until a session's next event otherwise get allocated in old space,
   * which made p99 latency under load ~4× worse (BENCHMARKS.md). `false` leaves V8's
   * flags alone.
   */
  readonly v8Tuning?: boolean;
  /** Serve the minified client (default: true unless `devMode`). */
  readonly minifyClient?: boolean;
  /**
   * Form recovery (default `true`): a small script beside the client records what the
   * user types (in `sessionStorage`, per tab) and puts it back after a reload or after
   * the server rebuilt the page (docs/forms.md). Password, file and hidden inputs are
   * never kept; `data-no-recover` opts a control or a form out.
   */
  readonly formRecovery?: boolean;
  /** Builds the browser client; defaults to the bundled client build. */
  readonly clientBuilder?: ClientBuilder;
  /** Middleware around every event handler, outermost first. */
  readonly eventMiddleware?: readonly EventMiddleware[];
  /** Middleware around every HTTP request the app answers, outermost first. */
  readonly httpMiddleware?: readonly HttpMiddleware[];
  /**
   * Fills `requestLocals(req)` of a WebSocket upgrade whose session is rebuilt here —
   * after a restart, or on another instance — as the HTTP middleware did for the page's
   * own request, so the rebuilt page sees the same locals (`auth.wire` sets it: the page
   * is rebuilt signed in). Runs only for rebuilds, before the page is built.
   */
  readonly upgradeLocals?: (req: IncomingMessage) => void | Promise<void>;
  /** `service` field of the default logger's lines (default `OTEL_SERVICE_NAME`, else `"vango"`). */
  readonly service?: string;
  /** Prometheus metrics on a per-app registry (default on); `false` records nothing. */
  readonly metrics?: false | AppMetricsOptions;
  /** Bearer token (≥ 16 chars) exposing `GET /metrics` on the main port; without it, never. */
  readonly metricsToken?: string;
  /** `/health/live`, `/health/ready`, `/health/startup` (default on, no checks); `false` turns them off. */
  readonly health?: false | AppHealthOptions;
  /** Static files for paths no route matches (GET/HEAD): a folder, or the folder with options. */
  readonly publicDir?: string | StaticFilesOptions;
  /**
   * Folder of the app's client hooks and islands: every `*.client.ts` (`.tsx`, `.js`)
   * under it becomes an on-demand chunk, named by its path from here
   * (`hook("./chart.client.ts")`, `<Island src="./chart.client.ts">`). Built-in hooks
   * need nothing.
   */
  readonly clientDir?: string;
  /** Extra `<head>` content of every page (stylesheets, icons, meta tags). */
  readonly head?: VChild;
  /**
   * The bus `globalSignal`, `presence` and `broadcast` reach the app's other instances
   * on (`RedisBus`), or it with settings (`{ adapter, maxMessageBytes, presenceTtlMs, … }`).
   * The process's shared state connects to it at startup (one bus per process) and
   * leaves it at `close()`; readiness reports it as `bus`. Without it, shared state
   * stays in this process (an in-process `MemoryBus`).
   */
  readonly bus?: Bus | BusSettings;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  maxSessions: 50_000,
  maxDetached: 10_000,
  maxPayload: 1024 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  // 256 kbit/s: below that a backlog of any size (the kernel buffers in between are
  // already full when one shows) takes minutes, and a live page is no longer live.
  minDrainRate: 32 * 1024,
  historyFrames: 128,
  historyBytes: 512 * 1024,
  maxQueuedEvents: 256,
  maxPending: 10_000,
  maxPendingPerIp: 32,
  maxHeapRatio: 0.85,
});

export const DEFAULT_TIMEOUTS: ServerTimeouts = Object.freeze({
  handshakeMs: 5_000,
  pageDataMs: 50,
  pageStreamMs: 5_000,
  resumeDataMs: 1_000,
  pendingTtlMs: 15_000,
  resumeWindowMs: 60_000,
  parkAfterMs: 30_000,
  heartbeatMs: 25_000,
  idleMs: 0,
  shutdownMs: 5_000,
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
});

export function resolveServerLimits(p: Partial<ServerLimits> | undefined): ServerLimits {
  return Object.freeze({ ...DEFAULT_SERVER_LIMITS, ...p });
}

export function resolveTimeouts(p: Partial<ServerTimeouts> | undefined): ServerTimeouts {
  const t = { ...DEFAULT_TIMEOUTS, ...p };
  // The default stream window gives way to a short pending TTL set on its own: half of
  // the wait for the socket is left for the client to attach.
  if (p?.pageStreamMs === undefined) {
    t.pageStreamMs = Math.min(t.pageStreamMs, Math.floor(t.pendingTtlMs / 2));
  }
  return Object.freeze(t);
}
