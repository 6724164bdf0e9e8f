/**
 * Static files from one folder (`publicDir`): GET and HEAD only, paths confined to the
 * folder (decoded once, then resolved and prefix-checked; `..` segments, NUL, encoded
 * slashes and backslashes are refused before touching the disk), a weak ETag from size
 * and mtime with `304 Not Modified`, the content type by extension and a configurable
 * `Cache-Control`. Dot-files are never served. Text files from 1 KiB to 4 MiB (css, js,
 * json, svg, html, txt, xml) are served brotli or gzip compressed by `Accept-Encoding`,
 * compressed once per version ({@link CompressedFiles}); formats that are compressed
 * already (png, woff2, …) never are.
 */
import { createReadStream, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { CompressedFiles, MAX_COMPRESS_BYTES, MIN_COMPRESS_BYTES } from "./compressed-files.ts";
import {
  type ContentCoding,
  encodedBody,
  ifNoneMatch,
  isNegotiable,
  negotiateCoding,
  setCodingHeaders,
  setContentEncoding,
} from "./representation.ts";

export interface StaticFilesOptions {
  /** The folder to serve. */
  readonly dir: string;
  /** `Cache-Control` of every file (default `public, max-age=0, must-revalidate`: revalidate by ETag). */
  readonly cacheControl?: string;
}

/** Route label of static files in metrics, logs and spans (one label for all of them). */
export const STATIC_ROUTE = "static";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".ico": "image/x-icon",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
};

/** Extensions of text formats, which compress well (images, fonts, archives do not). */
const COMPRESSIBLE: ReadonlySet<string> = new Set([
  ".html",
  ".css",
  ".js",
  ".mjs",
  ".json",
  ".map",
  ".txt",
  ".xml",
  ".webmanifest",
  ".svg",
]);

/**
 * True when a file of this name and size is served compressed to clients that accept it.
 * @example isCompressible("site.css", 20_000) // true; isCompressible("logo.png", 20_000) // false
 */
export function isCompressible(name: string, size: number): boolean {
  return (
    size >= MIN_COMPRESS_BYTES &&
    size <= MAX_COMPRESS_BYTES &&
    COMPRESSIBLE.has(extname(name).toLowerCase())
  );
}

/** Content type of a file name by its extension (`application/octet-stream` when unknown). */
export function contentTypeOf(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The file a URL path names inside `root`, or `undefined` when the path is unsafe or
 * malformed (the caller then lets the request fall through, never 500s).
 * @example resolveInside("/srv/public", "/css/site.css") // "/srv/public/css/site.css"
 */
export function resolveInside(root: string, urlPath: string): string | undefined {
  if (!urlPath.startsWith("/") || urlPath.endsWith("/")) return undefined;
  // Encoded separators and NUL would change meaning after decoding: refuse them outright.
  if (/%(2f|5c|00)/i.test(urlPath)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const segments = decoded.split("/");
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i]!;
    if (s === "" || s.startsWith(".")) return undefined; // `..`, `.`, dot-files, `//`
  }
  const full = resolve(root, `.${decoded}`);
  return full.startsWith(root + sep) ? full : undefined;
}

/** Serves files under one folder; see the module comment. */
export class StaticFiles {
  readonly #root: string;
  readonly #cacheControl: string;
  readonly #compressed = new CompressedFiles();

  /** @example const files = new StaticFiles({ dir: "public", cacheControl: "public, max-age=3600" }); */
  constructor(options: StaticFilesOptions) {
    this.#root = resolve(options.dir);
    this.#cacheControl = options.cacheControl ?? "public, max-age=0, must-revalidate";
  }

  /**
   * Answers `req` when `path` names a regular file in the folder and the method is GET or
   * HEAD; returns false (response untouched) otherwise.
   */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const file = resolveInside(this.#root, path);
    if (file === undefined) return false;
    let st: Stats;
    try {
      st = await stat(file);
    } catch {
      return false;
    }
    if (!st.isFile()) return false;
    const encoded = isCompressible(file, st.size)
      ? (await this.#compressed.get(file, st))?.encoded
      : undefined;
    const coding: ContentCoding =
      encoded === undefined ? "identity" : negotiateCoding(req.headers["accept-encoding"], encoded);
    const etagBase = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const etag = setCodingHeaders(
      res,
      coding,
      etagBase,
      encoded !== undefined && isNegotiable(encoded),
    );
    res.setHeader("Cache-Control", this.#cacheControl);
    res.setHeader("Last-Modified", st.mtime.toUTCString());
    if (ifNoneMatch(req.headers["if-none-match"], etag)) {
      res.statusCode = 304;
      res.end();
      return true;
    }
    res.statusCode = 200;
    res.setHeader("Content-Type", contentTypeOf(file));
    res.setHeader("X-Content-Type-Options", "nosniff");
    const body = encoded === undefined ? undefined : encodedBody(encoded, coding);
    if (body !== undefined) {
      setContentEncoding(res, coding);
      res.setHeader("Content-Length", body.byteLength);
      res.end(req.method === "HEAD" ? undefined : body);
      return true;
    }
    res.setHeader("Content-Length", st.size);
    if (req.method === "HEAD") {
      res.end();
      return true;
    }
    try {
      await pipeline(createReadStream(file), res);
    } catch {
      // The client went away, or the file vanished mid-read: nothing left to answer.
      res.destroy();
    }
    return true;
  }
}
