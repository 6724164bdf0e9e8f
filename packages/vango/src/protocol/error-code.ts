/**
 * Error codes and `ProtocolError`: the small, client-safe half of the error registry
 * (the HTTP/close mapping and messages live in `errors.ts`, which the browser never needs).
 */
import { createError } from "../errors/create-error.ts";
import { SERVER_CODES } from "./server-codes.ts";

/**
 * The codes that travel in frames (Error frames, handshake statuses), in wire-id order:
 * a code's id is its 1-based position, so the list is append-only (a test locks the ids
 * against docs/protocol.md). Only this list ships in the browser client, so a code the
 * server uses only on HTTP or at startup belongs in {@link SERVER_CODES}
 * (`server-codes.ts`) — where it costs the client nothing.
 */
const WIRE_CODES = [
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
  "render_error",
  "catch_up_too_slow",
  "store_unavailable",
  "auth_expired",
] as const;

/** A code that can travel in a frame. */
export type WireCode = (typeof WIRE_CODES)[number];

export type ErrorCode = WireCode | (typeof SERVER_CODES)[number];

/**
 * @example
 * throw new ProtocolError(ErrorCode.limit_exceeded, "string 5000000 > 4194304");
 */
export const ErrorCode: { readonly [K in ErrorCode]: K } = /* @__PURE__ */ byName();

/** The client build inlines `ErrorCode.x` reads; marked pure, the object then drops out. */
function byName(): { readonly [K in ErrorCode]: K } {
  const all: readonly ErrorCode[] = [...WIRE_CODES, ...SERVER_CODES];
  return Object.freeze(Object.fromEntries(all.map((c) => [c, c])) as { [K in ErrorCode]: K });
}

/** True when `code` can travel in a frame (it has a wire id). */
export function isWireCode(code: ErrorCode): code is WireCode {
  return (WIRE_CODES as readonly string[]).includes(code);
}

/**
 * Wire id of an error code (1-based). A server-only code is sent as `internal_error`:
 * it means nothing to a client, and what it names stays on the server.
 */
export function errorId(code: ErrorCode): number {
  const i = (WIRE_CODES as readonly string[]).indexOf(code);
  return i < 0 ? WIRE_CODES.indexOf("internal_error") + 1 : i + 1;
}

/** Error code for a wire id, or `undefined` when the id is unknown. */
export function errorFromId(id: number): WireCode | undefined {
  return WIRE_CODES[id - 1];
}

/**
 * The only error protocol decoders throw. `code` identifies it; the message is for
 * humans and carries no contract.
 * @example
 * try { decodeFrame(bytes) } catch (e) { if (e instanceof ProtocolError) log(e.code) }
 */
export const ProtocolError = /* @__PURE__ */ createError<ErrorCode>("ProtocolError", 400);
export type ProtocolError = InstanceType<typeof ProtocolError>;
