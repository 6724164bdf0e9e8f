/**
 * Error codes and `ProtocolError`: the small, client-safe half of the error registry
 * (the HTTP/close mapping and messages live in `errors.ts`, which the browser never needs).
 */
import { createError } from "../errors/create-error.ts";

/**
 * Every coded error in Vango, in wire-id order: a code's id is its 1-based position, so
 * the list is append-only (a test locks the ids against docs/protocol.md). Kept as one
 * list (the object below is derived from it) to halve its size in the client bundle.
 */
const CODES = [
  "frame_malformed",
  "limit_exceeded",
  "depth_exceeded",
  "unknown_type",
  "frame_too_large",
  "payload_too_large",
  "version_unsupported",
  "handshake_timeout",
  "handshake_invalid",
  "csrf_invalid",
  "origin_forbidden",
  "rate_limited",
  "too_many_connections",
  "session_expired",
  "session_not_found",
  "resume_invalid",
  "slow_consumer",
  "handler_error",
  "internal_error",
  "unauthorized",
  "forbidden",
  "not_found",
  "server_shutdown",
  "idle_timeout",
  "encode_invalid",
  "bad_request",
  "method_not_allowed",
  "connection_limited",
  "config_invalid",
  "server_busy",
  "render_error",
  "request_timeout",
  "client_closed_request",
  "uri_too_long",
  "state_unserializable",
  "state_invalid",
  "state_limit_exceeded",
  "store_unavailable",
  "migration_invalid",
  "migration_changed",
  "migration_failed",
  "auth_expired",
] as const;

export type ErrorCode = (typeof CODES)[number];

/**
 * @example
 * throw new ProtocolError(ErrorCode.limit_exceeded, "string 5000000 > 4194304");
 */
export const ErrorCode: { readonly [K in ErrorCode]: K } = /* @__PURE__ */ byName();

/** The client build inlines `ErrorCode.x` reads; marked pure, the object then drops out. */
function byName(): { readonly [K in ErrorCode]: K } {
  return Object.freeze(Object.fromEntries(CODES.map((c) => [c, c])) as { [K in ErrorCode]: K });
}

let ids: Map<ErrorCode, number> | undefined;

/** Wire id of an error code (1-based). */
export function errorId(code: ErrorCode): number {
  if (ids === undefined) {
    ids = new Map();
    for (let i = 0; i < CODES.length; i++) ids.set(CODES[i]!, i + 1);
  }
  const id = ids.get(code);
  if (id === undefined) throw new ProtocolError(ErrorCode.encode_invalid, `error code ${code}`);
  return id;
}

/** Error code for a wire id, or `undefined` when the id is unknown. */
export function errorFromId(id: number): ErrorCode | undefined {
  return CODES[id - 1];
}

/**
 * The only error protocol decoders throw. `code` identifies it; the message is for
 * humans and carries no contract.
 * @example
 * try { decodeFrame(bytes) } catch (e) { if (e instanceof ProtocolError) log(e.code) }
 */
export const ProtocolError = /* @__PURE__ */ createError<ErrorCode>("ProtocolError", 400);
export type ProtocolError = InstanceType<typeof ProtocolError>;
