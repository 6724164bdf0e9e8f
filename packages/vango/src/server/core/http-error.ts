/**
 * The one refusal path of every HTTP answer Vango gives as an error — the guard's 403
 * and 429, 404 and 405, a refused WebSocket upgrade, the metrics listener's 401: the
 * registry's status, an `X-Vango-Error: <code>` header, and a body chosen by `Accept`
 * (a small HTML page for browsers, else `{"error":{"code","message"}}`). Clients match
 * on the code, never on the message. It lives in `core` because every room that
 * answers HTTP (http, ws upgrade, the metrics listener) refuses the same way.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { ERRORS, type ErrorCode } from "../../protocol/errors.ts";
import { escapeText } from "../../render/escape.ts";

/** Body of a coded JSON error response. */
export interface HttpErrorBody {
  /** `detail`: the developer report, in devMode only. */
  error: { code: ErrorCode; message: string; detail?: string };
}

/** A decision to refuse a request: the code, and headers that go with it (`Retry-After`). */
export interface Refusal {
  readonly code: ErrorCode;
  readonly headers?: OutgoingHttpHeaders;
}

/** What a refusal answers with, before it is written to a response or a raw socket. */
export interface ErrorResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** `undefined` for HEAD. */
  readonly body: string | undefined;
}

/** True when `accept` asks for a page (`text/html`), as browsers' navigations do. */
export function wantsHtml(accept: string | undefined): boolean {
  return accept?.includes("text/html") === true;
}

/**
 * Status, headers and body for `code`, as {@link sendError} writes them.
 * @example errorResponse("not_found", "text/html", "GET").status // 404
 */
export function errorResponse(
  code: ErrorCode,
  accept: string | undefined,
  method: string | undefined,
  detail?: string,
): ErrorResponse {
  const info = ERRORS[code];
  let body: string;
  let type: string;
  if (wantsHtml(accept)) {
    type = "text/html; charset=utf-8";
    const pre = detail === undefined ? "" : `<pre>${escapeText(detail)}</pre>`;
    body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${info.status} ${escapeText(info.message)}</title></head><body><main><h1>${info.status}</h1><p>${escapeText(info.message)}</p>${pre}<p><a href="/">Home</a></p></main></body></html>`;
  } else {
    type = "application/json; charset=utf-8";
    const error =
      detail === undefined
        ? { code, message: info.message }
        : { code, message: info.message, detail };
    body = JSON.stringify({ error } satisfies HttpErrorBody);
  }
  return {
    status: info.status,
    headers: {
      "content-type": type,
      "content-length": String(Buffer.byteLength(body)),
      "cache-control": "no-store",
      "x-vango-error": code,
    },
    body: method === "HEAD" ? undefined : body,
  };
}

/**
 * Ends `res` with the coded refusal for `code` (plus `headers`; `detail` is a developer
 * report, given in devMode only). Once headers were sent
 * nothing valid can follow, so the socket is destroyed instead.
 * @example sendError(res, ErrorCode.rate_limited, { "retry-after": "3" });
 */
export function sendError(
  res: ServerResponse,
  code: ErrorCode,
  headers?: OutgoingHttpHeaders,
  detail?: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const r = errorResponse(code, res.req?.headers.accept, res.req?.method, detail);
  res.writeHead(r.status, { ...headers, ...r.headers });
  res.end(r.body);
}

/** Writes a {@link Refusal}. */
export function sendRefusal(res: ServerResponse, r: Refusal): void {
  sendError(res, r.code, r.headers);
}
