/**
 * The logger interface the runtime writes to: the pino call shape (`obj, msg`), so a
 * pino instance can be passed as is. The default writes warnings and errors as JSON
 * lines to stderr and drops the rest (no cost when nobody listens).
 */

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

function write(level: string, obj: object, msg?: string): void {
  const line: Record<string, unknown> = { level, time: Date.now(), ...obj };
  if (msg !== undefined) line.msg = msg;
  const err = line.err;
  if (err instanceof Error) line.err = { message: err.message, stack: err.stack };
  process.stderr.write(JSON.stringify(line) + "\n");
}

const noop = (): void => {};

/** Warn and error to stderr as JSON lines; debug and info are dropped. */
export const defaultLogger: Logger = {
  debug: noop,
  info: noop,
  warn: (obj, msg) => write("warn", obj, msg),
  error: (obj, msg) => write("error", obj, msg),
};

/** A logger that drops everything. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
