/**
 * The server runtime's coded errors, made by the one factory (`errors/create-error.ts`)
 * with statuses from the error registry (`protocol/errors.ts`): `ServerError` for a
 * misuse of a runtime API or an impossible state, `ConfigError` for a nonsensical
 * `createApp` option found at startup. Both are `VangoError`s; match on `code`.
 */
import { createError } from "../../errors/create-error.ts";
import { ERRORS, ErrorCode } from "../../protocol/errors.ts";

/**
 * @example
 * try { await run(ctx) } catch (e) { if (e instanceof ServerError && e.code === "internal_error") … }
 */
export const ServerError = createError<ErrorCode>("ServerError", (code) => ERRORS[code].status);
export type ServerError = InstanceType<typeof ServerError>;

const ConfigBase = createError<typeof ErrorCode.config_invalid>("ConfigError");

/**
 * A nonsensical option; `code` is always `config_invalid`.
 * @example
 * try { createApp(options) } catch (e) { if (e instanceof ConfigError) console.error(e.option) }
 */
export class ConfigError extends ConfigBase {
  /** The option at fault (`limits.maxPayload`). */
  readonly option: string;

  constructor(option: string, detail: string) {
    super(ErrorCode.config_invalid, `${option}: ${detail}`);
    this.option = option;
  }
}
