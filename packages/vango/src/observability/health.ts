/**
 * Health endpoints for orchestrators: `/health/live` (the process answers),
 * `/health/ready` (every dependency answers in time) and `/health/startup` (the
 * configuration is valid). Readiness probes run in parallel, each bounded by a timeout,
 * and concurrent probes share one run so a probe flood cannot multiply database load.
 *
 * Besides probes, readiness reads dependencies the app already watches (the circuit
 * breaker of the rate-limit store): no extra traffic to a dependency that is down, and
 * a third outcome, `degraded` — down, but the app serves around it — which keeps
 * readiness at 200 while its check says what is wrong.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";

/** What a Redis client must offer (ioredis `Redis` fits). */
export interface RedisPinger {
  ping(): Promise<unknown>;
}
/** What a Postgres client must offer (pg `Pool` or `Client` fits). */
export interface SqlQueryable {
  query(sql: string): Promise<unknown>;
}

export interface HealthChecks {
  /** Probed with `PING`. */
  redis?: RedisPinger;
  /** Probed with `SELECT 1`. */
  postgres?: SqlQueryable;
  /** Named checks; each resolves when healthy and rejects (or hangs) when not. */
  custom?: Record<string, () => Promise<unknown>>;
}

export interface HealthOptions {
  checks?: HealthChecks;
  /** Bound per check, in ms (default 2000). */
  timeoutMs?: number;
  /** Returns configuration errors; any error fails `/health/startup`. Run once, cached. */
  startupValidate?: () => string[];
  /** Receives each check's outcome (`createMetrics()` fits: sets `vango_dependency_up`). */
  metrics?: { dependencyObserved(name: string, up: boolean): void };
  /** Put error messages (not only codes) into the JSON body (default false). */
  verbose?: boolean;
  /** Path prefix (default `/health`). */
  basePath?: string;
}

export interface CheckResult {
  /** `degraded` only for watched dependencies: down, but requests are still served. */
  status: "ok" | "degraded" | "fail";
  latency_ms: number;
  /** `timeout`, the error's `code` (e.g. `ECONNREFUSED`) or `error`; the message when verbose. */
  error?: string;
  /** A watched dependency's own state (a circuit: `closed`, `open`, `half_open`). */
  state?: string;
}

export interface ReadyReport {
  /** 200 for `ok` and `degraded`, 503 for `fail` and `shutting_down`. */
  status: "ok" | "degraded" | "fail" | "shutting_down";
  checks: Record<string, CheckResult>;
}

/** A dependency the app watches itself (e.g. through a circuit breaker): read, never probed. */
export interface WatchedDependency {
  status(): {
    readonly status: "ok" | "degraded" | "fail";
    readonly state: string;
    readonly error?: string;
  };
}

export interface StartupReport {
  status: "ok" | "fail";
  errors: string[];
}

const TIMEOUT = Symbol("timeout");

function describe(err: unknown, verbose: boolean): string {
  if (err === TIMEOUT) return "timeout";
  const e = err as { code?: unknown; message?: unknown } | null;
  if (verbose && typeof e?.message === "string" && e.message !== "") {
    return e.message.slice(0, 300);
  }
  return typeof e?.code === "string" && /^[A-Z0-9_]{1,40}$/.test(e.code) ? e.code : "error";
}

/** Health endpoints and probes; see `createHealth`. */
export class Health {
  readonly #checks: [string, () => Promise<unknown>][];
  readonly #watched: [string, WatchedDependency][];
  readonly #timeoutMs: number;
  readonly #validate: (() => string[]) | undefined;
  readonly #metrics: HealthOptions["metrics"];
  readonly #verbose: boolean;
  readonly #base: string;
  #inflight: Promise<ReadyReport> | undefined;
  #startup: StartupReport | undefined;
  #shuttingDown: boolean;

  constructor(options: HealthOptions = {}) {
    const c = options.checks ?? {};
    this.#checks = [];
    const { redis, postgres } = c;
    if (redis !== undefined) this.#checks.push(["redis", () => redis.ping()]);
    if (postgres !== undefined) this.#checks.push(["postgres", () => postgres.query("SELECT 1")]);
    for (const [name, fn] of Object.entries(c.custom ?? {})) {
      if (name === "redis" || name === "postgres") {
        throw new RangeError(`health: custom check name "${name}" is reserved`);
      }
      this.#checks.push([name, fn]);
    }
    this.#watched = [];
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#validate = options.startupValidate;
    this.#metrics = options.metrics;
    this.#verbose = options.verbose ?? false;
    this.#base = options.basePath ?? "/health";
    this.#inflight = undefined;
    this.#startup = undefined;
    this.#shuttingDown = false;
  }

  /** From now on `/health/ready` answers 503 `shutting_down` (call at graceful shutdown). */
  setShuttingDown(): void {
    this.#shuttingDown = true;
  }

  /**
   * Adds `dep` to readiness under `name`: its status is read on each probe (no call is
   * made), `vango_dependency_up{name}` follows it, and `degraded` keeps readiness at 200.
   * @example health.watch("rate_limit_store", security.rateLimitStore);
   */
  watch(name: string, dep: WatchedDependency): void {
    if (this.#checks.some(([n]) => n === name) || this.#watched.some(([n]) => n === name)) {
      throw new RangeError(`health: check name "${name}" is taken`);
    }
    this.#watched.push([name, dep]);
  }

  /** Runs every check in parallel, each bounded by `timeoutMs`, and reads the watched ones. */
  ready(): Promise<ReadyReport> {
    if (this.#shuttingDown) return Promise.resolve({ status: "shutting_down", checks: {} });
    if (this.#inflight === undefined) {
      this.#inflight = this.#run().finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  /** The (cached) configuration validation result. */
  startup(): StartupReport {
    if (this.#startup === undefined) {
      let errors: string[];
      try {
        errors = this.#validate?.() ?? [];
      } catch (err) {
        errors = [`startupValidate threw: ${describe(err, true)}`];
      }
      this.#startup = { status: errors.length === 0 ? "ok" : "fail", errors };
    }
    return this.#startup;
  }

  /**
   * Answers `GET|HEAD <basePath>/{live,ready,startup}` and returns true; returns false
   * (and leaves `res` alone) for any other path.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    if (!path.startsWith(this.#base)) return false;
    const which = path.slice(this.#base.length);
    if (which !== "/live" && which !== "/ready" && which !== "/startup") return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(req, res, 405, { status: "fail", error: "method_not_allowed" }, { allow: "GET, HEAD" });
    } else if (which === "/live") {
      send(req, res, 200, { status: "ok" });
    } else if (which === "/startup") {
      const r = this.startup();
      send(req, res, r.status === "ok" ? 200 : 503, r);
    } else {
      this.ready().then(
        (r) => send(req, res, r.status === "ok" || r.status === "degraded" ? 200 : 503, r),
        () => send(req, res, 503, { status: "fail", checks: {} }),
      );
    }
    return true;
  }

  async #run(): Promise<ReadyReport> {
    const results = await Promise.all(this.#checks.map(([, fn]) => this.#probe(fn)));
    const checks: Record<string, CheckResult> = {};
    let status: ReadyReport["status"] = "ok";
    const add = (name: string, r: CheckResult): void => {
      checks[name] = r;
      if (r.status === "fail") status = "fail";
      else if (r.status === "degraded" && status === "ok") status = "degraded";
      this.#metrics?.dependencyObserved(name, r.status === "ok");
    };
    for (let i = 0; i < results.length; i++) add(this.#checks[i]![0], results[i]!);
    for (const [name, dep] of this.#watched) add(name, readWatched(dep));
    return { status, checks };
  }

  async #probe(fn: () => Promise<unknown>): Promise<CheckResult> {
    const start = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(reject, this.#timeoutMs, TIMEOUT);
    });
    try {
      // A check that throws synchronously counts as failed, not as a crashed probe.
      await Promise.race([Promise.resolve().then(fn), timeout]);
      return { status: "ok", latency_ms: elapsed(start) };
    } catch (err) {
      return { status: "fail", latency_ms: elapsed(start), error: describe(err, this.#verbose) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function readWatched(dep: WatchedDependency): CheckResult {
  const start = performance.now();
  const w = dep.status();
  const r: CheckResult = { status: w.status, latency_ms: elapsed(start), state: w.state };
  if (w.error !== undefined) r.error = w.error;
  return r;
}

const elapsed = (start: number): number => Math.round((performance.now() - start) * 100) / 100;

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: object,
  headers?: Record<string, string>,
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(json),
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : json);
}

/**
 * Creates the health endpoints.
 * @example
 * const health = createHealth({ checks: { redis, postgres: pool }, metrics });
 * http.createServer((req, res) => health.handle(req, res) || app.handler(req, res));
 */
export function createHealth(options: HealthOptions = {}): Health {
  return new Health(options);
}
