/**
 * The logger interface the runtime writes to: the pino call shape (`obj, msg`), so a
 * pino instance can be passed as is. `createApp` defaults to the production pino logger
 * (`createLogger`, with redaction); `silentLogger` drops everything.
 */

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => {};

/**
 * A logger that drops everything.
 * @example createApp({ routes, logger: silentLogger });
 */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
