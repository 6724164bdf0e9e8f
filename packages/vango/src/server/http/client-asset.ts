/**
 * Serves the browser client bundle at `/_vango/client.<hash>.js`: built once per
 * process (the build promise is cached), content-addressed, so it can be cached
 * forever (`immutable`); revalidation by ETag answers 304.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface ClientBundle {
  readonly code: string;
  readonly hash: string;
}

export type ClientBuilder = () => Promise<ClientBundle>;

export const CLIENT_PATH_PREFIX = "/_vango/client.";
/** Route label of the client bundle in metrics, logs and spans. */
export const CLIENT_ROUTE = "/_vango/client";

interface Built {
  readonly bundle: ClientBundle;
  readonly body: Buffer;
  readonly etag: string;
  readonly path: string;
}

export class ClientAsset {
  readonly #build: ClientBuilder;
  #built: Promise<Built> | undefined;

  /** @example new ClientAsset(() => buildClient({ minify: true })) */
  constructor(build: ClientBuilder) {
    this.#build = build;
  }

  /** Builds (once) and returns the public URL path of the bundle. */
  async path(): Promise<string> {
    return (await this.#get()).path;
  }

  /** True when `pathname` addresses a client bundle (any hash). */
  matches(pathname: string): boolean {
    return pathname.startsWith(CLIENT_PATH_PREFIX) && pathname.endsWith(".js");
  }

  /** Answers a GET/HEAD for the bundle; an outdated hash gets 404. */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const built = await this.#get();
    if (pathname !== built.path) {
      res.statusCode = 404;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end("not found");
      return;
    }
    res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
    res.setHeader("ETag", built.etag);
    if (etagMatches(req.headers["if-none-match"], built.etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader("Content-Type", "text/javascript; charset=utf-8");
    res.setHeader("Content-Length", built.body.byteLength);
    res.end(req.method === "HEAD" ? undefined : built.body);
  }

  #get(): Promise<Built> {
    if (!this.#built) {
      this.#built = this.#build().then((bundle) => ({
        bundle,
        body: Buffer.from(bundle.code, "utf8"),
        etag: `"${bundle.hash}"`,
        path: `${CLIENT_PATH_PREFIX}${bundle.hash}.js`,
      }));
      // A failed build must not be cached forever: the next request retries.
      this.#built.catch(() => {
        this.#built = undefined;
      });
    }
    return this.#built;
  }
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  for (const part of header.split(",")) {
    const t = part.trim();
    if (t === etag || t === `W/${etag}`) return true;
  }
  return false;
}
