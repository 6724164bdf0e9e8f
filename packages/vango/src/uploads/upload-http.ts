/**
 * The upload endpoint: the process's upload fields by token, and the HTTP requests the
 * upload chunk sends them.
 *
 * - `POST /_vango/upload/<field>` with `{"files":[{"name","size","type"}]}` announces a
 *   selection; the answer is `{"chunk":<bytes>,"files":[{"id"}|{"error"}]}`, or the
 *   coded refusal of the first file when none was accepted.
 * - `PUT /_vango/upload/<field>/<id>?offset=<n>` sends one chunk; 204 with
 *   `X-Vango-Upload-Offset` (the bytes received) when it was written.
 * - `DELETE /_vango/upload/<field>/<id>` cancels.
 *
 * Everything about a chunk is judged from its headers before its body is read: the
 * browser session (the request's session cookie must be the field's), the upload, the
 * offset (the bytes received so far), the `Content-Length` (required; exactly the chunk
 * size, the last chunk exactly the rest; never past the declared size). A refused chunk
 * is answered with `Connection: close`, so its body is never read. The guard in front
 * has already checked the CSRF header (these are unsafe methods) and the rate limits.
 *
 * HTTP requests rather than socket frames: a chunk on its own connection does not hold
 * up the page's events and patches behind megabytes of file, its answer carries the
 * offset so a chunk cut short is simply sent again, and `Content-Length` lets every
 * limit be checked before reading (measured in BENCHMARKS.md: HTTP chunks and socket
 * frames both run at disk speed on loopback). The cost: a chunk must reach the instance
 * that holds the page's session (see docs/uploads.md).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { UPLOAD_PATH } from "../protocol/constants.ts";
import { ErrorCode as E, type ErrorCode } from "../protocol/errors.ts";
import { sendError } from "../server/core/http-error.ts";
import { readSessionCookie } from "../server/security/cookies.ts";
import { readBody } from "../server/security/csrf.ts";
import type { AnnouncedFile, UploadField } from "./upload-field.ts";

export const UPLOAD_PREFIX = UPLOAD_PATH;
/** Route label of upload requests in metrics, logs and spans. */
export const UPLOAD_ROUTE = "/_vango/upload";
/** Response header: bytes of the upload received so far. */
export const OFFSET_HEADER = "x-vango-upload-offset";

/** Largest announcement body (names and types of `maxFiles` files). */
const ANNOUNCE_MAX_BYTES = 64 * 1024;
const ANNOUNCE_TIMEOUT_MS = 10_000;
/** A chunk whose body stalls this long is cut (and may be sent again). */
const CHUNK_IDLE_MS = 30_000;
const MAX_NAME = 255;
const TOKEN = /^[A-Za-z0-9_-]{24}$/;

const fields = new Map<string, UploadField>();

/** @internal Makes `field` reachable at its URL. */
export function registerField(field: UploadField): void {
  fields.set(field.token, field);
}

/** @internal Removes `field` (its component went). */
export function unregisterField(field: UploadField): void {
  if (fields.get(field.token) === field) fields.delete(field.token);
}

/** Upload fields reachable in this process (a gauge for tests and leaks). */
export function uploadFieldCount(): number {
  return fields.size;
}

const CLOSE = { connection: "close" } as const;

/**
 * Answers a request under {@link UPLOAD_PREFIX}.
 * @example if (path.startsWith(UPLOAD_PREFIX)) return serveUpload(req, res, path, devMode);
 */
export async function serveUpload(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  devMode: boolean,
): Promise<void> {
  const parts = path.slice(UPLOAD_PREFIX.length).split("/");
  const field = fields.get(parts[0] ?? "");
  const sid = readSessionCookie(req.headers.cookie, devMode);
  // Another browser session's field is answered as if there were none.
  if (parts.length > 2 || field === undefined || field.closed || sid !== field.sid) {
    return sendError(res, E.upload_not_found, CLOSE);
  }
  if (parts.length === 1) {
    if (req.method !== "POST") return sendError(res, E.method_not_allowed, { allow: "POST" });
    return announce(req, res, field);
  }
  const id = parts[1]!;
  if (!TOKEN.test(id)) return sendError(res, E.upload_not_found, CLOSE);
  if (req.method === "DELETE") {
    field.cancel(id);
    res.writeHead(204).end();
    return;
  }
  if (req.method !== "PUT") return sendError(res, E.method_not_allowed, { allow: "PUT, DELETE" });
  return chunk(req, res, field, id);
}

async function announce(
  req: IncomingMessage,
  res: ServerResponse,
  field: UploadField,
): Promise<void> {
  const body = await readBody(req, {
    maxBytes: ANNOUNCE_MAX_BYTES,
    timeoutMs: ANNOUNCE_TIMEOUT_MS,
  });
  if (!Buffer.isBuffer(body)) {
    if (body === "client_closed_request") return;
    return sendError(res, body, CLOSE);
  }
  const files = parseAnnouncement(body);
  if (files === undefined) return sendError(res, E.bad_request);
  const results = await field.announce(files);
  const accepted = results.some((r) => "id" in r);
  if (!accepted && results.length > 0) {
    return sendError(res, (results[0] as { error: ErrorCode }).error);
  }
  const json = JSON.stringify({ chunk: field.chunkBytes, files: results });
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(json);
}

/** The files of an announcement body, or `undefined` when it is not one. */
export function parseAnnouncement(body: Buffer): AnnouncedFile[] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  const list = (v as { files?: unknown } | null)?.files;
  if (!Array.isArray(list) || list.length === 0 || list.length > 1000) return undefined;
  const out: AnnouncedFile[] = [];
  for (const f of list as unknown[]) {
    const { name, size, type } = (f ?? {}) as Record<string, unknown>;
    if (typeof name !== "string" || name.length === 0 || name.length > MAX_NAME) return undefined;
    if (typeof type !== "string" || type.length > MAX_NAME) return undefined;
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return undefined;
    out.push({ name, size, type });
  }
  return out;
}

async function chunk(
  req: IncomingMessage,
  res: ServerResponse,
  field: UploadField,
  id: string,
): Promise<void> {
  const entry = field.upload(id);
  if (entry === undefined) return sendError(res, E.upload_not_found, CLOSE);
  const offsetHeader = { ...CLOSE, [OFFSET_HEADER]: String(entry.received) };
  const offset = intParam(new URL(req.url ?? "/", "http://x").searchParams.get("offset"));
  const length = intParam(req.headers["content-length"]);
  if (offset !== entry.received || length === undefined || req.headers["transfer-encoding"]) {
    return sendError(res, E.upload_chunk_invalid, offsetHeader);
  }
  if (offset + length > entry.size) return sendError(res, E.upload_too_large, offsetHeader);
  // Exactly a chunk, the last one exactly the rest: a flood of tiny chunks is refused here.
  if (length !== Math.min(field.chunkBytes, entry.size - offset)) {
    return sendError(res, E.upload_chunk_invalid, offsetHeader);
  }
  req.setTimeout(CHUNK_IDLE_MS, () => req.destroy());
  const received = await field.writeChunk(id, offset, length, req);
  if (received === undefined) {
    // Cut short (the client is gone, nobody reads this) or refused as busy or cancelled.
    if (req.destroyed) return;
    const now = field.upload(id);
    if (now === undefined) return sendError(res, E.upload_not_found, CLOSE);
    return sendError(res, E.upload_chunk_invalid, {
      ...CLOSE,
      [OFFSET_HEADER]: String(now.received),
    });
  }
  res.writeHead(204, { [OFFSET_HEADER]: String(received) }).end();
}

function intParam(v: string | string[] | undefined | null): number | undefined {
  if (typeof v !== "string" || !/^\d{1,15}$/.test(v)) return undefined;
  return Number(v);
}
