/**
 * The error codes that never travel in a frame: HTTP refusals, startup, storage and
 * upload errors. Kept out of `error-code.ts` so their text never enters the browser
 * bundle's minifier input: the client build tree-shakes this whole module (only the
 * server builds `ErrorCode` from it), and a server code added here cannot shift the
 * core client's minified names — and its brotli size — as it did when the list sat
 * beside the wire codes (+37 B for three upload codes).
 */
export const SERVER_CODES = [
  "server_busy",
  "request_timeout",
  "client_closed_request",
  "uri_too_long",
  "state_unserializable",
  "state_invalid",
  "state_limit_exceeded",
  "migration_invalid",
  "migration_changed",
  "migration_failed",
  "bus_message_invalid",
  "upload_too_large",
  "upload_type_refused",
  "upload_count_exceeded",
  "upload_cancelled",
  "upload_stalled",
  "upload_aborted",
] as const;
