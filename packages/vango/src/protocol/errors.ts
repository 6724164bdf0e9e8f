/**
 * The one registry of coded errors for the whole framework: each code's HTTP status
 * (when it surfaces on an HTTP response), WebSocket close code (when it ends a socket)
 * and default message. docs/protocol.md lists the same table; a test keeps them equal.
 */
import { CloseCode } from "./constants.ts";
import { ErrorCode } from "./error-code.ts";

export { ErrorCode, errorFromId, errorId, ProtocolError } from "./error-code.ts";

export interface ErrorInfo {
  /** HTTP status. */
  readonly status: number;
  /** WebSocket close code. */
  readonly close: number;
  /** Default human-readable message (not a contract: match on the code). */
  readonly message: string;
}

const C = CloseCode;

/**
 * @example
 * res.writeHead(ERRORS.rate_limited.status); ws.close(ERRORS.rate_limited.close, "rate_limited");
 */
export const ERRORS: Readonly<Record<ErrorCode, ErrorInfo>> = {
  [ErrorCode.frame_malformed]: { status: 400, close: C.Malformed, message: "Malformed frame" },
  [ErrorCode.limit_exceeded]: {
    status: 400,
    close: C.LimitExceeded,
    message: "A size or count limit was exceeded",
  },
  [ErrorCode.depth_exceeded]: {
    status: 400,
    close: C.LimitExceeded,
    message: "Nesting depth limit exceeded",
  },
  [ErrorCode.unknown_type]: { status: 400, close: C.Malformed, message: "Unknown type code" },
  [ErrorCode.frame_too_large]: {
    status: 413,
    close: C.MessageTooBig,
    message: "Frame exceeds the size limit",
  },
  [ErrorCode.payload_too_large]: {
    status: 413,
    close: C.MessageTooBig,
    message: "Payload too large",
  },
  [ErrorCode.version_unsupported]: {
    status: 400,
    close: C.VersionUnsupported,
    message: "Protocol version not supported",
  },
  [ErrorCode.handshake_timeout]: {
    status: 408,
    close: C.HandshakeFailed,
    message: "No handshake in time",
  },
  [ErrorCode.handshake_invalid]: {
    status: 400,
    close: C.HandshakeFailed,
    message: "Invalid handshake",
  },
  [ErrorCode.csrf_invalid]: {
    status: 403,
    close: C.PolicyViolation,
    message: "Invalid CSRF token",
  },
  [ErrorCode.origin_forbidden]: {
    status: 403,
    close: C.PolicyViolation,
    message: "Origin not allowed",
  },
  [ErrorCode.rate_limited]: { status: 429, close: C.PolicyViolation, message: "Too many requests" },
  [ErrorCode.too_many_connections]: {
    status: 503,
    close: C.TryAgainLater,
    message: "Too many connections",
  },
  [ErrorCode.session_expired]: { status: 410, close: C.SessionGone, message: "Session expired" },
  [ErrorCode.session_not_found]: {
    status: 404,
    close: C.SessionGone,
    message: "Session not found",
  },
  [ErrorCode.resume_invalid]: {
    status: 400,
    close: C.ResumeInvalid,
    message: "Invalid resume token",
  },
  [ErrorCode.slow_consumer]: {
    status: 503,
    close: C.SlowConsumer,
    message: "Client too slow to receive updates",
  },
  [ErrorCode.handler_error]: {
    status: 500,
    close: C.InternalError,
    message: "Event handler failed",
  },
  [ErrorCode.internal_error]: {
    status: 500,
    close: C.InternalError,
    message: "Internal server error",
  },
  [ErrorCode.unauthorized]: {
    status: 401,
    close: C.Unauthorized,
    message: "Authentication required",
  },
  [ErrorCode.forbidden]: { status: 403, close: C.Forbidden, message: "Forbidden" },
  [ErrorCode.not_found]: { status: 404, close: C.NotFound, message: "Not found" },
  [ErrorCode.server_shutdown]: {
    status: 503,
    close: C.GoingAway,
    message: "Server shutting down",
  },
  [ErrorCode.idle_timeout]: { status: 408, close: C.IdleTimeout, message: "Idle timeout" },
  [ErrorCode.encode_invalid]: {
    status: 500,
    close: C.InternalError,
    message: "Value cannot be encoded",
  },
  [ErrorCode.bad_request]: { status: 400, close: C.PolicyViolation, message: "Bad request" },
  [ErrorCode.method_not_allowed]: {
    status: 405,
    close: C.PolicyViolation,
    message: "Method not allowed",
  },
  [ErrorCode.connection_limited]: {
    status: 429,
    close: C.PolicyViolation,
    message: "Too many connections from this client",
  },
  [ErrorCode.config_invalid]: {
    status: 500,
    close: C.InternalError,
    message: "Invalid configuration",
  },
  [ErrorCode.server_busy]: {
    status: 503,
    close: C.TryAgainLater,
    message: "Server busy, try again later",
  },
  [ErrorCode.render_error]: {
    status: 500,
    close: C.InternalError,
    message: "A component failed to render",
  },
  [ErrorCode.request_timeout]: {
    status: 408,
    close: C.PolicyViolation,
    message: "Request not received in time",
  },
  // 499 is nginx's "client closed request": recorded, never sent (nobody is listening).
  [ErrorCode.client_closed_request]: {
    status: 499,
    close: C.GoingAway,
    message: "Client closed the request",
  },
  [ErrorCode.uri_too_long]: {
    status: 414,
    close: C.PolicyViolation,
    message: "URI too long",
  },
  [ErrorCode.state_unserializable]: {
    status: 500,
    close: C.InternalError,
    message: "State value cannot be persisted",
  },
  [ErrorCode.state_invalid]: {
    status: 500,
    close: C.InternalError,
    message: "Persisted state cannot be decoded",
  },
  [ErrorCode.state_limit_exceeded]: {
    status: 500,
    close: C.InternalError,
    message: "Persisted state over its size or depth limit",
  },
  [ErrorCode.bus_message_invalid]: {
    status: 500,
    close: C.InternalError,
    message: "Malformed shared-state bus message",
  },
  [ErrorCode.store_unavailable]: {
    status: 503,
    close: C.TryAgainLater,
    message: "Session store unavailable",
  },
  [ErrorCode.migration_invalid]: {
    status: 500,
    close: C.InternalError,
    message: "Invalid migration list",
  },
  [ErrorCode.migration_changed]: {
    status: 500,
    close: C.InternalError,
    message: "An applied migration was changed",
  },
  [ErrorCode.migration_failed]: {
    status: 500,
    close: C.InternalError,
    message: "A migration failed",
  },
  // SessionGone: the session has ended, and clients that know only that close code
  // reload the page as for session_expired.
  [ErrorCode.catch_up_too_slow]: {
    status: 503,
    close: C.SessionGone,
    message: "Client too slow to catch up",
  },
  [ErrorCode.upload_too_large]: {
    status: 413,
    close: C.MessageTooBig,
    message: "Upload over its size limit",
  },
  [ErrorCode.upload_type_refused]: {
    status: 415,
    close: C.PolicyViolation,
    message: "Upload of a refused file type",
  },
  [ErrorCode.upload_count_exceeded]: {
    status: 400,
    close: C.PolicyViolation,
    message: "Too many files uploaded at once",
  },
  [ErrorCode.upload_cancelled]: {
    status: 499,
    close: C.GoingAway,
    message: "Upload cancelled",
  },
  [ErrorCode.upload_stalled]: {
    status: 408,
    close: C.PolicyViolation,
    message: "Upload stalled",
  },
  [ErrorCode.upload_aborted]: {
    status: 400,
    close: C.PolicyViolation,
    message: "Upload given up by the browser",
  },
  [ErrorCode.auth_expired]: {
    status: 401,
    close: C.Unauthorized,
    message: "Sign-in expired or revoked",
  },
};
