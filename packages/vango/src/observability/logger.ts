/**
 * The production logger: pino writing JSON lines `{level, ts, service, env, …, msg}` with
 * the active OpenTelemetry span's `trace_id`/`span_id`, secrets and e-mail addresses
 * redacted, long values cut and info logs optionally sampled. Warnings and errors are
 * never sampled. Redaction walks the logged object by key name (see `log-sanitize.ts`)
 * instead of pino's path-based `redact`, because path lists miss secrets at depths
 * nobody listed; the walk runs only for lines that are actually written.
 */
import { isSpanContextValid, trace } from "@opentelemetry/api";
import { type DestinationStream, type Level, type LogFn, type Logger, pino } from "pino";
import {
  DEFAULT_SANITIZE,
  type SanitizeOptions,
  sanitize,
  sanitizeString,
  secretKeySet,
} from "./log-sanitize.ts";

export type { Logger } from "pino";

export interface LoggerOptions {
  /** `service` field of every line. */
  service: string;
  /** `env` field (default `NODE_ENV` or `"development"`). */
  env?: string;
  /** Minimum level (default `"info"`). */
  level?: Level;
  /**
   * Fraction (0..1) of `info`, `debug` and `trace` lines kept (default 1). `warn`,
   * `error` and `fatal` are always written.
   */
  sampleInfo?: number;
  /** Where lines go (default stdout). Any `{ write(line) }` works, e.g. for tests. */
  destination?: DestinationStream;
  /** Extra key names to redact, in addition to the built-in secret names. */
  redactKeys?: string[];
  /** Strings are cut after this many characters (default 2048). */
  maxStringLength?: number;
  /** Arrays are cut after this many items (default 50). */
  maxArrayLength?: number;
  /** Random source for sampling, `[0, 1)` (default `Math.random`). */
  random?: () => number;
}

/** Fields the runtime attaches to child loggers. */
export interface LogContext {
  request_id?: string;
  session_id?: string;
  route?: string;
  user_id?: string;
}

const INFO = 30;

function traceFields(): object {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const ctx = span.spanContext();
  return isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
}

/**
 * Creates the app logger.
 * @example
 * const log = createLogger({ service: "shop", env: "production", level: "info", sampleInfo: 0.1 });
 * childLogger(log, { request_id: id, route: "/cart" }).info({ status: 200, latency_ms: 3 }, "request");
 */
export function createLogger(options: LoggerOptions): Logger {
  const sample = options.sampleInfo ?? 1;
  if (!(sample >= 0 && sample <= 1)) throw new RangeError("sampleInfo must be within 0..1");
  const random = options.random ?? Math.random;
  const san: SanitizeOptions = {
    maxStringLength: options.maxStringLength ?? DEFAULT_SANITIZE.maxStringLength,
    maxArrayLength: options.maxArrayLength ?? DEFAULT_SANITIZE.maxArrayLength,
    maxDepth: DEFAULT_SANITIZE.maxDepth,
    extraKeys: secretKeySet(options.redactKeys),
  };
  const max = san.maxStringLength;
  const opts: pino.LoggerOptions = {
    level: options.level ?? "info",
    base: { service: options.service, env: options.env ?? process.env.NODE_ENV ?? "development" },
    messageKey: "msg",
    timestamp: () => `,"ts":"${new Date().toISOString()}"`,
    mixin: traceFields,
    // `formatters.log` has already turned errors into sanitised plain objects.
    serializers: { err: (e: unknown) => e },
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => sanitize(obj, san) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args: Parameters<LogFn>, method, level) {
        if (level <= INFO && sample < 1 && !(random() < sample)) return;
        const a = args as unknown[];
        // pino takes an error's message as `msg` only after this hook: scrub it here.
        if (a[0] instanceof Error && typeof a[1] !== "string") a.splice(1, 0, a[0].message);
        for (let i = 0; i < a.length; i++) {
          const v = a[i];
          if (typeof v === "string") a[i] = sanitizeString(v, max);
        }
        method.apply(this, args);
      },
    },
  };
  const logger = options.destination === undefined ? pino(opts) : pino(opts, options.destination);
  // pino applies `formatters.bindings` to the root only; children are created with
  // `Object.create(parent)`, so this override reaches every descendant.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, sanitize(bindings, san) as pino.Bindings, childOptions);
  } as Logger["child"];
  return logger;
}

/**
 * A child logger carrying the request/session context (undefined fields are left out).
 * @example childLogger(log, { session_id: s.id, route: s.route }).warn({ code }, "event refused");
 */
export function childLogger(parent: Logger, ctx: LogContext): Logger {
  const bindings: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx)) if (v !== undefined) bindings[k] = v;
  return parent.child(bindings);
}
