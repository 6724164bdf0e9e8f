/**
 * Static files from one folder (`publicDir`): GET and HEAD only, paths confined to the
 * folder (decoded once, then resolved and prefix-checked; `..` segments, NUL, encoded
 * slashes and backslashes are refused before touching the disk), a weak ETag from size
 * and mtime with `304 Not Modified`, the content type by extension and a configurable
 * `Cache-Control`. Dot-files are never served.
 */
import { createReadStream, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";

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
    const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    res.setHeader("ETag", etag);
    res.setHeader("Cache-Control", this.#cacheControl);
    res.setHeader("Last-Modified", st.mtime.toUTCString());
    if (matchesEtag(req.headers["if-none-match"], etag)) {
      res.statusCode = 304;
      res.end();
      return true;
    }
    res.statusCode = 200;
    res.setHeader("Content-Type", contentTypeOf(file));
    res.setHeader("Content-Length", st.size);
    res.setHeader("X-Content-Type-Options", "nosniff");
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

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  for (const part of header.split(",")) {
    const t = part.trim();
    // Weak comparison (RFC 9110 §13.1.2): `W/` prefixes do not matter for If-None-Match.
    if (t === etag || t === etag.slice(2) || `W/${t}` === etag) return true;
  }
  return false;
}
