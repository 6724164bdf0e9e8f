/**
 * The JSON error response every Vango middleware sends: the registry's status and a body
 * `{"error":{"code":"…","message":"…"}}`. Clients match on `code`, never on `message`.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { ERRORS, type ErrorCode } from "../../protocol/errors.ts";

/** Body of a coded HTTP error response. */
export interface HttpErrorBody {
  error: { code: ErrorCode; message: string };
}

/**
 * Ends `res` with the registry status of `code` and its JSON body. Does nothing if the
 * headers were already sent (the socket is then destroyed, as nothing valid can follow).
 * @example sendError(res, ErrorCode.rate_limited, { "retry-after": "3" });
 */
export function sendError(res: ServerResponse, code: ErrorCode, headers?: OutgoingHttpHeaders) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const info = ERRORS[code];
  const body = JSON.stringify({ error: { code, message: info.message } } satisfies HttpErrorBody);
  res.writeHead(info.status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(res.req?.method === "HEAD" ? undefined : body);
}
