/**
 * `ConfigError`: a nonsensical `createApp` option, found at startup. Its own module so
 * every part that checks configuration (startup validation, the router) throws the same
 * coded error without importing the whole validator.
 */
import { ErrorCode } from "../../protocol/errors.ts";

/**
 * A nonsensical option; `code` is always `config_invalid`.
 * @example
 * try { createApp(options) } catch (e) { if (e instanceof ConfigError) console.error(e.option) }
 */
export class ConfigError extends Error {
  readonly code = ErrorCode.config_invalid;
  /** The option at fault (`limits.maxPayload`). */
  readonly option: string;

  constructor(option: string, detail: string) {
    super(`config_invalid: ${option}: ${detail}`);
    this.name = "ConfigError";
    this.option = option;
  }
}
