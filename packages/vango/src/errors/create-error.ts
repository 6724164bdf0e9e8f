/**
 * The one error factory, in Fastify's style (`createError(code, message, statusCode)` in
 * `@fastify/error`): every coded error class of Vango comes from {@link createError}, so
 * all of them share one shape — `code` to match on, `status` for HTTP, `name` for logs,
 * `cause` when one error wraps another — and `instanceof VangoError` catches any of them.
 * It sits below every other folder (it imports nothing), so the reactive core, the
 * protocol (and with it the browser client) and the server build their classes from it.
 */

/** Base of every coded Vango error. Match on `code`, never on the message. */
export class VangoError<C extends string = string> extends Error {
  /** Stable machine-readable code (`csrf_invalid`, `reactive_cycle`, …). */
  readonly code: C;
  /** HTTP status this error answers with when it reaches an HTTP response. */
  readonly status: number;

  constructor(code: C, status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.status = status;
  }
}

/** A class made by {@link createError}: `new Cls(code, detail?, { cause })`. */
export interface VangoErrorClass<C extends string> {
  new (code: C, detail?: string, options?: ErrorOptions): VangoError<C>;
  readonly prototype: VangoError<C>;
}

/**
 * Makes a named error class whose instances carry one of the codes `C`, with the
 * message `"<code>: <detail>"` and an HTTP status (a fixed number, or looked up per
 * code — the server's classes read the error registry).
 * @example
 * export const ProtocolError = createError<ErrorCode>("ProtocolError", 400);
 * export type ProtocolError = InstanceType<typeof ProtocolError>;
 * throw new ProtocolError("limit_exceeded", "string 5000000 > 4194304");
 */
export function createError<C extends string>(
  name: string,
  status: number | ((code: C) => number) = 500,
): VangoErrorClass<C> {
  const statusOf = typeof status === "number" ? () => status : status;
  const cls = class extends VangoError<C> {
    constructor(code: C, detail?: string, options?: ErrorOptions) {
      super(code, statusOf(code), detail === undefined ? code : `${code}: ${detail}`, options);
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  cls.prototype.name = name;
  return cls;
}
