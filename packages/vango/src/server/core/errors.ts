/**
 * `ServerError`: a coded error the server runtime raises itself (a misuse of one of its
 * APIs, an impossible state), as opposed to one user code threw. Match on `code`.
 */
import type { ErrorCode } from "../../protocol/errors.ts";

/**
 * @example
 * try { await run(ctx) } catch (e) { if ((e as { code?: string }).code === "internal_error") … }
 */
export class ServerError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = "ServerError";
    this.code = code;
  }
}
