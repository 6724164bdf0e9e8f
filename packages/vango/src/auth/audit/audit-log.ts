/**
 * The audit log: `record()` never waits and never throws — it samples, redacts and
 * queues an event, and returns. A writer takes the queue in batches (one multi-row
 * INSERT per batch) on a timer or as soon as a batch is full, through a circuit
 * breaker with a deadline, so a database that is down or stalls costs the app nothing
 * but the events it cannot hold:
 *
 * - the queue is bounded (`maxQueue`): past it, new events are dropped (`queue_full`);
 * - a batch whose write fails goes back to the head of the queue and is tried again up
 *   to `maxAttempts` times, then dropped (`write_failed`); while the circuit is open no
 *   write is tried and no attempt is spent;
 * - at `close()`, what cannot be written before the deadline is dropped (`shutdown`).
 *
 * Every drop is counted in `vango_audit_dropped_total{reason}` and logged — one warning
 * per 10 s at most, with the counts since the last one, so an outage does not flood
 * the log it is reported in. Sampling is per action (`sample: { "guard.refused": 0.1 }`;
 * 1 for any action not listed): sampled-out events were never meant to be kept and are
 * not drops.
 */
import { isSpanContextValid, trace } from "@opentelemetry/api";
import type { WatchedDependency } from "../../observability/health.ts";
import type { VangoMetrics } from "../../observability/metrics.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import {
  BreakerState,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from "../../server/core/circuit-breaker.ts";
import type { Logger } from "../../server/core/logger.ts";
import {
  type AuditRedaction,
  auditMetadata,
  auditText,
  type CompiledRedaction,
  compileRedaction,
} from "./metadata.ts";
import { logAuditSink } from "./sinks.ts";

/** One event as the app (or auth) reports it. */
export interface AuditEvent {
  /** What happened: `login.success`, `todo.delete` (letters, digits, `._:-`, ≤ 64). */
  readonly action: string;
  /** What it happened to (an id, a name; ≤ 256 characters kept). */
  readonly target?: string | undefined;
  /** Anything else worth keeping: redacted by the log's rules, ≤ 2 KB of JSON kept. */
  readonly metadata?: unknown;
  readonly requestId?: string | undefined;
  readonly sessionId?: string | undefined;
  readonly userId?: string | undefined;
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
  /** Default: the active OpenTelemetry span's trace, if any. */
  readonly traceId?: string | undefined;
}

/** A row as written (`audit_events` columns). */
export interface AuditRow {
  readonly ts: Date;
  readonly requestId: string | null;
  readonly traceId: string | null;
  readonly sessionId: string | null;
  readonly userId: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** JSON text (`jsonb`), or null. */
  readonly metadata: string | null;
}

/** Where batches go: Postgres (`postgresAuditSink`), the log (`logAuditSink`), or yours. */
export interface AuditSink {
  write(rows: readonly AuditRow[]): Promise<void>;
}

export interface AuditLogOptions {
  /** Where rows go (default: `info` lines on the app's logger, as `logAuditSink` writes them). */
  readonly sink?: AuditSink;
  /** Most events waiting to be written (default 10,000). */
  readonly maxQueue?: number;
  /** Most rows per write (default 500). */
  readonly batchSize?: number;
  /** Ms between writes while events wait (default 1,000). */
  readonly flushMs?: number;
  /** Writes tried per batch before it is dropped (default 3). */
  readonly maxAttempts?: number;
  /** Share of events kept per action, 0…1 (default 1 for every action). */
  readonly sample?: Readonly<Record<string, number>>;
  /** Extra redaction rules for `metadata`. */
  readonly redact?: AuditRedaction;
  /** Deadline and circuit around writes (default `{ timeoutMs: 5000, failureThreshold: 3, resetMs: 5000 }`). */
  readonly breaker?: CircuitBreakerOptions;
  /** Where drops and outages are logged (default: the logger of the app auth is wired into). */
  readonly logger?: Logger;
}

const ACTION = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Ms between two "dropped" warnings. */
const DROP_LOG_MS = 10_000;
type Queued = { row: AuditRow; attempts: number };

/** Name of the audit log in readiness (`health.watch`). */
export const AUDIT_DEPENDENCY = "audit_log";

/**
 * @example
 * const audit = new AuditLog({ sink: postgresAuditSink(pool), sample: { "guard.refused": 0.2 } });
 * audit.record({ action: "invoice.void", target: id, userId, metadata: { amount } });
 */
export class AuditLog {
  readonly #sink: AuditSink;
  readonly #maxQueue: number;
  readonly #batchSize: number;
  readonly #flushMs: number;
  readonly #maxAttempts: number;
  readonly #sample: ReadonlyMap<string, number>;
  readonly #redact: CompiledRedaction;
  readonly #breaker: CircuitBreaker;
  #queue: Queued[] = [];
  #timer: NodeJS.Timeout | undefined = undefined;
  /** The delay `#timer` was set with. */
  #timerMs = 0;
  #writing: Promise<void> | undefined = undefined;
  #closed = false;
  #logger: Logger | undefined;
  #metrics: VangoMetrics | undefined = undefined;
  #unsample: (() => void) | undefined = undefined;
  #dropped: Record<string, number> = {};
  #dropErr: unknown = undefined;
  #lastDropLog = 0;

  constructor(options: AuditLogOptions) {
    this.#sink = options.sink ?? logAuditSink({ info: (o, m) => this.#logger?.info(o, m) });
    this.#maxQueue = positive("maxQueue", options.maxQueue ?? 10_000);
    this.#batchSize = positive("batchSize", options.batchSize ?? 500);
    this.#flushMs = positive("flushMs", options.flushMs ?? 1_000);
    this.#maxAttempts = positive("maxAttempts", options.maxAttempts ?? 3);
    const sample = new Map<string, number>();
    for (const [action, rate] of Object.entries(options.sample ?? {})) {
      if (!(rate >= 0 && rate <= 1)) throw new RangeError(`audit sample ${action}: 0…1`);
      sample.set(action, rate);
    }
    this.#sample = sample;
    this.#redact = compileRedaction(options.redact);
    this.#logger = options.logger;
    this.#breaker = new CircuitBreaker(
      { timeoutMs: 5_000, failureThreshold: 3, resetMs: 5_000, ...options.breaker },
      (t) => {
        if (t.to === BreakerState.Open && t.from === BreakerState.Closed) {
          this.#logger?.warn(
            {
              dependency: AUDIT_DEPENDENCY,
              code: ErrorCode.store_unavailable,
              cause: t.cause,
              err: t.error,
            },
            "audit sink unavailable: events are queued (bounded) until it answers",
          );
        } else if (t.to === BreakerState.Closed) {
          this.#logger?.info(
            { dependency: AUDIT_DEPENDENCY, down_ms: t.downMs },
            "audit sink recovered",
          );
          this.#logDrops();
        }
      },
    );
  }

  /** Events waiting to be written. */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Connects the app's logger (unless one was given) and metrics; `auth.wire` and
   * `auth.attach` call it.
   */
  bind(deps: { readonly logger?: Logger; readonly metrics?: VangoMetrics | undefined }): void {
    this.#logger ??= deps.logger;
    if (deps.metrics !== undefined && this.#metrics === undefined) {
      this.#metrics = deps.metrics;
      this.#unsample = deps.metrics.sampleAuditQueue(() => this.#queue.length);
    }
  }

  /**
   * Queues one event (sampled, redacted, truncated); returns at once. An `action` that is
   * not a short name is a `RangeError` (a bug in the caller, not an event to lose).
   */
  record(e: AuditEvent): void {
    if (!ACTION.test(e.action)) throw new RangeError(`audit action ${JSON.stringify(e.action)}`);
    const rate = this.#sample.get(e.action);
    if (rate !== undefined && (rate === 0 || Math.random() >= rate)) return;
    if (this.#closed || this.#queue.length >= this.#maxQueue) {
      this.#drop(this.#closed ? "shutdown" : "queue_full", 1);
      return;
    }
    this.#queue.push({ row: this.#row(e), attempts: 0 });
    if (this.#queue.length >= this.#batchSize) this.#schedule(0);
    else this.#schedule(this.#flushMs);
  }

  /** Writes what is queued now (tests, shutdown); resolves when the queue was tried once. */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
    if (this.#queue.length > 0) await this.#write();
  }

  /**
   * Stops taking events and writes what is queued within `deadlineMs` (default 5 s);
   * what is left then is dropped (`shutdown`).
   */
  async close(deadlineMs = 5_000): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const until = performance.now() + deadlineMs;
    while (this.#queue.length > 0 && performance.now() < until) {
      const before = this.#queue.length;
      await Promise.race([this.flush(), sleep(Math.max(0, until - performance.now()))]);
      if (this.#queue.length >= before && this.#breaker.state !== BreakerState.Closed) {
        // The sink stays unreachable past the deadline: waiting would only delay the exit.
        const left = until - performance.now();
        if (this.#breaker.retryInMs() >= left) break;
        await sleep(this.#breaker.retryInMs());
      }
    }
    if (this.#queue.length > 0) {
      this.#drop("shutdown", this.#queue.length);
      this.#queue = [];
    }
    this.#logDrops();
    this.#unsample?.();
    this.#unsample = undefined;
  }

  /** Readiness: `degraded` while the sink's circuit is open (requests are still served). */
  status(): ReturnType<WatchedDependency["status"]> {
    const state = this.#breaker.state;
    if (state === BreakerState.Closed) return { status: "ok", state };
    return { status: "degraded", state, error: "circuit_open" };
  }

  #row(e: AuditEvent): AuditRow {
    return {
      ts: new Date(),
      requestId: auditText(e.requestId, 128),
      traceId: auditText(e.traceId ?? activeTraceId(), 32),
      sessionId: auditText(e.sessionId, 128),
      userId: auditText(e.userId, 256),
      action: e.action,
      target: auditText(e.target, 256),
      ip: auditText(e.ip, 64),
      userAgent: auditText(e.userAgent, 512),
      metadata: auditMetadata(e.metadata, this.#redact),
    };
  }

  #schedule(ms: number): void {
    if (this.#writing !== undefined || this.#closed) return;
    if (this.#timer !== undefined) {
      // A batch filled up while the timer ran: write it now rather than at the tick.
      if (ms > 0 || this.#timerMs === 0) return;
      clearTimeout(this.#timer);
    }
    this.#timerMs = ms;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#write();
    }, ms);
    this.#timer.unref();
  }

  #write(): Promise<void> {
    if (this.#writing !== undefined) return this.#writing;
    const batch = this.#queue.splice(0, this.#batchSize);
    if (batch.length === 0) return Promise.resolve();
    const done = this.#writeBatch(batch).finally(() => {
      this.#writing = undefined;
      if (this.#queue.length === 0) return;
      // A full batch goes at once; after a failure, wait for the circuit (or the timer).
      const wait =
        this.#breaker.state === BreakerState.Closed
          ? this.#queue.length >= this.#batchSize
            ? 0
            : this.#flushMs
          : Math.max(this.#flushMs, this.#breaker.retryInMs());
      this.#schedule(wait);
    });
    this.#writing = done;
    return done;
  }

  async #writeBatch(batch: Queued[]): Promise<void> {
    const rows = batch.map((q) => q.row);
    const r = await this.#breaker.run(() => this.#sink.write(rows));
    if (r.ok) {
      this.#metrics?.auditWritten(rows.length);
      return;
    }
    // Not tried (circuit open): no attempt spent. Tried and failed: one more attempt.
    const retry: Queued[] = [];
    let failed = 0;
    for (const q of batch) {
      if (r.reason !== "open") q.attempts++;
      if (q.attempts >= this.#maxAttempts) failed++;
      else retry.push(q);
    }
    if (failed > 0) this.#drop("write_failed", failed, r.error);
    // Back to the head, oldest first; past the bound the newest go (new events were
    // already counted in, the retried ones are older).
    this.#queue = retry.concat(this.#queue);
    const over = this.#queue.length - this.#maxQueue;
    if (over > 0) {
      this.#queue.length = this.#maxQueue;
      this.#drop("queue_full", over);
    }
  }

  #drop(reason: "queue_full" | "write_failed" | "shutdown", n: number, err?: unknown): void {
    this.#metrics?.auditDropped(reason, n);
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + n;
    if (err !== undefined) this.#dropErr = err;
    if (this.#lastDropLog === 0 || performance.now() - this.#lastDropLog >= DROP_LOG_MS) {
      this.#logDrops();
    }
  }

  /** Logs the drops counted since the last such line (one line per 10 s at most). */
  #logDrops(): void {
    if (Object.keys(this.#dropped).length === 0) return;
    this.#lastDropLog = performance.now();
    this.#logger?.warn(
      {
        dependency: AUDIT_DEPENDENCY,
        dropped: this.#dropped,
        queued: this.#queue.length,
        ...(this.#dropErr === undefined ? {} : { err: this.#dropErr }),
      },
      "audit events dropped",
    );
    this.#dropped = {};
    this.#dropErr = undefined;
  }
}

function positive(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`audit ${name}: an integer ≥ 1`);
  return n;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** The trace of the active span (an app with an OpenTelemetry SDK), else undefined. */
function activeTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const c = span.spanContext();
  return isSpanContextValid(c) ? c.traceId : undefined;
}
