/**
 * Request ids: an incoming `X-Request-Id` is honoured when it is a safe token
 * (≤ 128 chars of `[A-Za-z0-9._-]`), otherwise a UUID is generated; the id is echoed on
 * the response. Validation keeps log injection and header abuse out of every log line
 * that carries the id.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export const REQUEST_ID_HEADER = "x-request-id";
const VALID = /^[A-Za-z0-9._-]{1,128}$/;

/** Whether `id` is acceptable as a client-supplied request id. */
export function isValidRequestId(id: string): boolean {
  return VALID.test(id);
}

/**
 * Returns the request's id (the valid incoming header, else a new UUID) and, when `res`
 * is given and headers are not yet sent, sets `X-Request-Id` on it.
 * @example
 * const id = requestId(req, res);
 * const log = childLogger(logger, { request_id: id });
 */
export function requestId(req: IncomingMessage, res?: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === "string" && VALID.test(incoming) ? incoming : randomUUID();
  if (res !== undefined && !res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
