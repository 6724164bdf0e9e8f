/**
 * Per-app Prometheus metrics. Every app gets its own prom-client `Registry` (never the
 * global one, so two apps in one process or one test file never collide), and every
 * label value passes through a bounding function: event types and HTTP methods come
 * from closed sets, routes must be templates and are capped in number, so no request
 * can mint a new time series.
 */
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type Metric,
  Registry,
} from "prom-client";
import { EventType } from "../protocol/constants.ts";
import { ErrorCode } from "../protocol/errors.ts";
import {
  CounterFamily,
  type CounterSeries,
  HistogramFamily,
  type HistogramSeries,
} from "./metric-families.ts";

/** Histogram buckets for event handling: 0.5 ms … 2 s. */
export const EVENT_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2,
];
/** Histogram buckets for HTTP requests (SSR): 1 ms … 10 s. */
export const HTTP_BUCKETS: readonly number[] = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Seconds buckets for session store writes and restores (a file, Redis or Postgres call). */
export const STORE_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** `type` label values of event metrics: the protocol's event types, lower-cased. */
export const EVENT_TYPE_LABELS: readonly string[] = Object.keys(EventType).map((k) =>
  k.toLowerCase(),
);
/** HTTP methods kept as labels; anything else is recorded as `OTHER`. */
export const HTTP_METHODS: readonly string[] = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
];
/** `type` label values of `vango_websocket_errors_total`: the error registry's codes. */
export const WS_ERROR_LABELS: readonly string[] = Object.values(ErrorCode);

/** `outcome` values of `vango_auth_logins_total`. */
export const LOGIN_OUTCOMES: readonly string[] = ["success", "failure", "throttled"];
/** `reason` values of `vango_audit_dropped_total`. */
export const AUDIT_DROP_REASONS: readonly string[] = ["queue_full", "write_failed", "shutdown"];
/** Most distinct `reason` values of `vango_auth_refusals_total` (auth's codes are fewer). */
const MAX_REFUSAL_REASONS = 32;

/** Label of a request that matched no route. */
export const UNMATCHED_ROUTE = "unmatched";
/** Label of anything outside a bounded set (unknown event type, route over the cap). */
export const OTHER = "other";

/** What `sampleSessions` callbacks report at scrape time. */
export interface SessionSample {
  active: number;
  detached: number;
  /** Sessions whose idle view is parked (counted in `active` or `detached` too). */
  parked?: number;
  /** Estimated bytes held by all sessions. */
  memoryBytes: number;
}

export interface MetricsOptions {
  /** Register on this prom-client registry instead of a new one (e.g. one shared with the app's own metrics). */
  registry?: Registry;
  /** Prefix of the Vango metric names (default `"vango_"`). Default Node metrics keep theirs. */
  prefix?: string;
  /** Register Node default metrics (`process_*`, `nodejs_*`) on the same registry (default true). */
  collectDefault?: boolean;
  /** Most distinct route labels; further templates are recorded as `other` (default 500). */
  maxRoutes?: number;
  /** Most distinct dependency names for `vango_dependency_up` (default 64). */
  maxDependencies?: number;
}

type EventChildren = { count: CounterSeries; duration: HistogramSeries };

/**
 * The app's metrics. The runtime calls the typed recording methods; label values are
 * bounded here, whatever the caller passes.
 */
export class VangoMetrics {
  /** The per-app registry; serve it with `serveMetrics` or `metricsHandler`. */
  readonly registry: Registry;
  readonly #events: Map<string, EventChildren>;
  readonly #byCode: (EventChildren | undefined)[];
  readonly #other: EventChildren;
  readonly #patches: CounterSeries;
  readonly #wsErrors: Counter<"type">;
  readonly #reconnects: Counter;
  readonly #checkpoints: Counter<"outcome">;
  readonly #checkpointSeconds: Histogram;
  readonly #restores: Counter<"source">;
  readonly #restoreSeconds: Histogram;
  readonly #evictions: Counter;
  readonly #parks: Counter;
  readonly #wakes: Counter<"outcome">;
  readonly #wakeSeconds: Histogram;
  readonly #eventDuration: HistogramFamily;
  readonly #httpTotal: CounterFamily;
  readonly #httpDuration: HistogramFamily;
  readonly #dependencyUp: Gauge<"name">;
  readonly #busSent: CounterSeries;
  readonly #busFailed: CounterSeries;
  readonly #busOk: CounterSeries;
  readonly #busInvalid: CounterSeries;
  readonly #routes: Set<string>;
  readonly #maxRoutes: number;
  readonly #dependencies: Set<string>;
  readonly #maxDependencies: number;
  readonly #samplers: (() => SessionSample)[];
  readonly #logins: Counter<"outcome">;
  readonly #refusals: Counter<"reason">;
  readonly #refusalReasons: Set<string>;
  readonly #auditWritten: Counter;
  readonly #auditDropped: Counter<"reason">;
  readonly #auditQueues: (() => number)[];

  constructor(options: MetricsOptions = {}) {
    const p = options.prefix ?? "vango_";
    this.registry = options.registry ?? new Registry();
    byRegistry.set(this.registry, this);
    const registers = [this.registry];
    this.#routes = new Set();
    this.#maxRoutes = options.maxRoutes ?? 500;
    this.#dependencies = new Set();
    this.#maxDependencies = options.maxDependencies ?? 64;
    this.#samplers = [];
    const samplers = this.#samplers;
    let sample: SessionSample | undefined;
    const clear = (): void => {
      sample = undefined;
    };
    // One sampling pass per scrape feeds the three session gauges: a scrape collects
    // all metrics in one tick, so the sample is shared until the next macrotask.
    const take = (): SessionSample => {
      if (sample !== undefined) return sample;
      const s = { active: 0, detached: 0, parked: 0, memoryBytes: 0 };
      for (const fn of samplers) {
        const r = fn();
        s.active += r.active;
        s.detached += r.detached;
        s.parked += r.parked ?? 0;
        s.memoryBytes += r.memoryBytes;
      }
      sample = s;
      setImmediate(clear);
      return s;
    };
    new Gauge({
      name: `${p}active_sessions`,
      help: "Sessions with a connected WebSocket.",
      registers,
      collect() {
        this.set(take().active);
      },
    });
    new Gauge({
      name: `${p}detached_sessions`,
      help: "Sessions kept for resume after their WebSocket dropped.",
      registers,
      collect() {
        this.set(take().detached);
      },
    });
    new Gauge({
      name: `${p}parked_sessions`,
      help: "Sessions whose idle view is parked: disposed, kept as its checkpoint until the next event.",
      registers,
      collect() {
        this.set(take().parked ?? 0);
      },
    });
    new Gauge({
      name: `${p}session_memory_bytes`,
      help: "Estimated bytes held by all sessions.",
      registers,
      collect() {
        this.set(take().memoryBytes);
      },
    });
    const eventsTotal = new CounterFamily(`${p}events_total`, "Events handled, by event type.");
    this.#eventDuration = new HistogramFamily(
      `${p}event_duration_seconds`,
      "Event handling time (handler + render + diff), by event type.",
      EVENT_BUCKETS,
    );
    // Every type's series exists from the start (at 0), so rates and ratios are
    // defined before the first event of a type.
    this.#events = new Map();
    for (const type of [...EVENT_TYPE_LABELS, OTHER]) {
      this.#events.set(type, {
        count: eventsTotal.series(type, { type }),
        duration: this.#eventDuration.series(type, { type }),
      });
    }
    this.#other = this.#events.get(OTHER)!;
    this.#byCode = [];
    for (const [name, code] of Object.entries(EventType)) {
      this.#byCode[code] = this.#events.get(name.toLowerCase());
    }
    // Bumped once per rendered frame: a family series is plain arithmetic, where
    // prom-client's Counter.inc() hashes its (empty) label set on every call.
    const patchesTotal = new CounterFamily(
      `${p}patches_sent_total`,
      "Patch frames sent to clients.",
    );
    this.#patches = patchesTotal.series("", {});
    this.#wsErrors = new Counter({
      name: `${p}websocket_errors_total`,
      help: "WebSocket errors, by error code.",
      labelNames: ["type"] as const,
      registers,
    });
    this.#reconnects = new Counter({
      name: `${p}reconnects_total`,
      help: "Sessions resumed by a reconnecting client.",
      registers,
    });
    this.#checkpoints = new Counter({
      name: `${p}session_checkpoints_total`,
      help: "Session checkpoints written to the session store, by outcome (ok, error).",
      labelNames: ["outcome"] as const,
      registers,
    });
    this.#checkpointSeconds = new Histogram({
      name: `${p}session_checkpoint_duration_seconds`,
      help: "Time to encode and store a checkpoint (or a shutdown's batch of them).",
      buckets: [...STORE_BUCKETS],
      registers,
    });
    this.#restores = new Counter({
      name: `${p}session_restores_total`,
      help: "Sessions rebuilt in this process, by source (checkpoint, url).",
      labelNames: ["source"] as const,
      registers,
    });
    this.#restoreSeconds = new Histogram({
      name: `${p}session_restore_duration_seconds`,
      help: "Time to load a checkpoint and rebuild its page.",
      buckets: [...STORE_BUCKETS],
      registers,
    });
    this.#parks = new Counter({
      name: `${p}session_parks_total`,
      help: "Idle sessions whose view was parked (disposed, kept as its checkpoint).",
      registers,
    });
    this.#wakes = new Counter({
      name: `${p}session_wakes_total`,
      help: "Parked views built again for an event, by outcome (same: nothing sent; resync: the whole view sent; failed: session ended).",
      labelNames: ["outcome"] as const,
      registers,
    });
    this.#wakeSeconds = new Histogram({
      name: `${p}session_wake_duration_seconds`,
      help: "Time to build a parked view again (its data included).",
      buckets: [...STORE_BUCKETS],
      registers,
    });
    this.#evictions = new Counter({
      name: `${p}session_evictions_total`,
      help: "Detached sessions evicted from memory beyond maxDetached (resumable from the store).",
      registers,
    });
    this.#httpTotal = new CounterFamily(
      `${p}http_requests_total`,
      "HTTP requests, by route template, method and status.",
    );
    this.#httpDuration = new HistogramFamily(
      `${p}http_request_duration_seconds`,
      "HTTP request duration, by route template and method.",
      HTTP_BUCKETS,
    );
    const bus = new CounterFamily(
      `${p}bus_messages_total`,
      "Shared-state bus messages: out sent or failed (kept on this instance), in ok or invalid (dropped).",
    );
    this.#busSent = bus.series("out\u0000sent", { direction: "out", outcome: "sent" });
    this.#busFailed = bus.series("out\u0000failed", { direction: "out", outcome: "failed" });
    this.#busOk = bus.series("in\u0000ok", { direction: "in", outcome: "ok" });
    this.#busInvalid = bus.series("in\u0000invalid", { direction: "in", outcome: "invalid" });
    for (const family of [
      eventsTotal,
      patchesTotal,
      bus,
      this.#eventDuration,
      this.#httpTotal,
      this.#httpDuration,
    ]) {
      this.registry.registerMetric(family as unknown as Metric);
    }
    this.#dependencyUp = new Gauge({
      name: `${p}dependency_up`,
      help: "1 when the last readiness probe of a dependency succeeded, else 0.",
      labelNames: ["name"] as const,
      registers,
    });
    this.#logins = new Counter({
      name: `${p}auth_logins_total`,
      help: "Login attempts, by outcome (success, failure, throttled).",
      labelNames: ["outcome"] as const,
      registers,
    });
    for (const outcome of LOGIN_OUTCOMES) this.#logins.inc({ outcome }, 0);
    this.#refusals = new Counter({
      name: `${p}auth_refusals_total`,
      help: "Tokens and sign-ins refused, by auth refusal code.",
      labelNames: ["reason"] as const,
      registers,
    });
    this.#refusalReasons = new Set();
    this.#auditWritten = new Counter({
      name: `${p}audit_written_total`,
      help: "Audit events written to the audit sink.",
      registers,
    });
    this.#auditDropped = new Counter({
      name: `${p}audit_dropped_total`,
      help: "Audit events dropped, by reason (queue_full, write_failed, shutdown).",
      labelNames: ["reason"] as const,
      registers,
    });
    for (const reason of AUDIT_DROP_REASONS) this.#auditDropped.inc({ reason }, 0);
    this.#auditQueues = [];
    const queues = this.#auditQueues;
    new Gauge({
      name: `${p}audit_queue_length`,
      help: "Audit events waiting to be written.",
      registers,
      collect() {
        let n = 0;
        for (const q of queues) n += q();
        this.set(n);
      },
    });
    if (options.collectDefault !== false) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Records one handled event. `type` is an `EventType` code or name (`"click"`,
   * `"hook"`; `"hook.<name>"` counts as `"hook"`); anything unknown counts as `other`.
   * @example metrics.eventObserved("click", 0.0021);
   */
  eventObserved(type: string | number, seconds: number): void {
    let c: EventChildren | undefined;
    if (typeof type === "number") c = this.#byCode[type];
    else {
      c = this.#events.get(type);
      if (c === undefined && type.startsWith("hook")) c = this.#events.get("hook");
    }
    if (c === undefined) c = this.#other;
    c.count.value++;
    this.#eventDuration.observe(c.duration, seconds);
  }

  /** Counts `frames` patch frames sent (default 1). */
  patchesSent(frames = 1): void {
    this.#patches.value += frames;
  }

  /**
   * Counts a WebSocket error by its registry code (unknown strings count as `other`).
   * @example metrics.websocketError(ErrorCode.payload_too_large);
   */
  websocketError(code: string): void {
    this.#wsErrors.inc({ type: WS_ERROR_LABELS.includes(code) ? code : OTHER });
  }

  /** Counts a session resumed by a reconnecting client. */
  reconnected(): void {
    this.#reconnects.inc();
  }

  /** Records one checkpoint write (or a shutdown batch). */
  checkpointed(outcome: "ok" | "error", seconds: number): void {
    this.#checkpoints.inc({ outcome });
    this.#checkpointSeconds.observe(seconds);
  }

  /** Records one session rebuilt from a checkpoint or from its URL. */
  restored(source: "checkpoint" | "url", seconds: number): void {
    this.#restores.inc({ source });
    this.#restoreSeconds.observe(seconds);
  }

  /** Counts a detached session evicted from memory. */
  evicted(): void {
    this.#evictions.inc();
  }

  /** Counts an idle session's view parked. */
  parked(): void {
    this.#parks.inc();
  }

  /** Records a parked view built again. */
  woke(outcome: "same" | "resync" | "failed", seconds: number): void {
    this.#wakes.inc({ outcome });
    this.#wakeSeconds.observe(seconds);
  }

  /**
   * Records one HTTP request. Pass the matched route **template** (`/users/:id`) or
   * `undefined` when nothing matched — never the raw path.
   * @example metrics.httpObserved("/users/:id", req.method, res.statusCode, 0.012);
   */
  httpObserved(
    route: string | undefined,
    method: string | undefined,
    status: number,
    seconds: number,
  ): void {
    const r = this.#routeLabel(route);
    const m = method !== undefined && HTTP_METHODS.includes(method) ? method : "OTHER";
    const s = Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : OTHER;
    const key = `${r}\u0000${m}`;
    this.#httpTotal.series(`${key}\u0000${s}`, { route: r, method: m, status: s }).value++;
    this.#httpDuration.observe(this.#httpDuration.series(key, { route: r, method: m }), seconds);
  }

  /**
   * Registers a scrape-time source for the session gauges (several sources add up).
   * Returns a function that unregisters it.
   * @example metrics.sampleSessions(() => ({ active: live.size, detached: parked.size, memoryBytes: est() }));
   */
  sampleSessions(sampler: () => SessionSample): () => void {
    this.#samplers.push(sampler);
    return () => {
      const i = this.#samplers.indexOf(sampler);
      if (i >= 0) this.#samplers.splice(i, 1);
    };
  }

  /** Sets `vango_dependency_up{name}` (called by `createHealth` on each readiness probe). */
  dependencyObserved(name: string, up: boolean): void {
    let n = name;
    if (!this.#dependencies.has(n)) {
      if (this.#dependencies.size >= this.#maxDependencies) n = OTHER;
      else this.#dependencies.add(n);
    }
    this.#dependencyUp.set({ name: n }, up ? 1 : 0);
  }

  /**
   * Counts a login attempt: `success`, `failure` (credentials refused) or `throttled`.
   * @example metrics.loginObserved("failure");
   */
  loginObserved(outcome: string): void {
    this.#logins.inc({ outcome: LOGIN_OUTCOMES.includes(outcome) ? outcome : OTHER });
  }

  /**
   * Counts a refused token or sign-in by its auth refusal code (`token_expired`, …).
   * @example metrics.authRefused("token_signature_invalid");
   */
  authRefused(reason: string): void {
    let r = reason;
    if (!this.#refusalReasons.has(r)) {
      if (this.#refusalReasons.size >= MAX_REFUSAL_REASONS) r = OTHER;
      else this.#refusalReasons.add(r);
    }
    this.#refusals.inc({ reason: r });
  }

  /** Counts `n` audit events written. */
  auditWritten(n: number): void {
    this.#auditWritten.inc(n);
  }

  /**
   * Counts `n` audit events dropped for `reason` (`queue_full`, `write_failed`, `shutdown`).
   * @example metrics.auditDropped("queue_full", 1);
   */
  auditDropped(reason: string, n: number): void {
    this.#auditDropped.inc({ reason: AUDIT_DROP_REASONS.includes(reason) ? reason : OTHER }, n);
  }

  /**
   * Registers a scrape-time source of `vango_audit_queue_length` (several add up);
   * returns its removal.
   */
  sampleAuditQueue(length: () => number): () => void {
    this.#auditQueues.push(length);
    return () => {
      const i = this.#auditQueues.indexOf(length);
      if (i >= 0) this.#auditQueues.splice(i, 1);
    };
  }

  /**
   * Counts a shared-state message handed to the bus (`sent`) or kept on this instance
   * because the bus failed or its circuit is open (`failed`).
   * @example metrics.busPublished("sent");
   */
  busPublished(outcome: "sent" | "failed"): void {
    (outcome === "sent" ? this.#busSent : this.#busFailed).value++;
  }

  /**
   * Counts a shared-state message from another instance: used (`ok`) or dropped as
   * malformed (`invalid`).
   * @example metrics.busReceived("invalid");
   */
  busReceived(outcome: "ok" | "invalid"): void {
    (outcome === "ok" ? this.#busOk : this.#busInvalid).value++;
  }

  /** Prometheus text exposition of the registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  #routeLabel(route: string | undefined): string {
    if (route === undefined || route === "") return UNMATCHED_ROUTE;
    if (this.#routes.has(route)) return route;
    if (this.#routes.size >= this.#maxRoutes) return OTHER;
    this.#routes.add(route);
    return route;
  }
}

const byRegistry = new WeakMap<Registry, VangoMetrics>();

/**
 * The metrics registered on `registry` (an app's `app.metrics`), for features that
 * record into the app's metrics after it was built (`auth.attach(app)`).
 * @example const metrics = metricsOf(app.metrics);
 */
export function metricsOf(registry: Registry | undefined): VangoMetrics | undefined {
  return registry === undefined ? undefined : byRegistry.get(registry);
}

/**
 * Creates the per-app metrics.
 * @example
 * const metrics = createMetrics();
 * metrics.httpObserved("/todos/:id", "GET", 200, 0.004);
 * await serveMetrics({ registry: metrics.registry });
 */
export function createMetrics(options: MetricsOptions = {}): VangoMetrics {
  return new VangoMetrics(options);
}
