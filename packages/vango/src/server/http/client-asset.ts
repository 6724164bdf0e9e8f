/**
 * Serves the browser client bundle at `/_vango/client.<hash>.js`: built and compressed
 * once (brotli quality 11 and gzip, off the event loop; a bundle that brings its
 * compressed forms, as `vango start`'s prebuilt one does, is not compressed again),
 * content-addressed, so it can be cached forever (`immutable`). Each request gets the smallest coding its
 * `Accept-Encoding` allows, with `Vary: Accept-Encoding` and an ETag per coding;
 * revalidation answers 304.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ChunkSet } from "../../client/build-chunks.ts";
import { ErrorCode as E } from "../../protocol/errors.ts";
import { sendError } from "../core/http-error.ts";
import {
  type Encoded,
  encodedBody,
  ifNoneMatch,
  isNegotiable,
  negotiateCoding,
  precompress,
  setCodingHeaders,
  setContentEncoding,
} from "./representation.ts";

export interface ClientBundle {
  readonly code: string;
  readonly hash: string;
  /**
   * `code` compressed ahead of time with brotli (`vango build` writes it at quality 11):
   * served as given, so the process does not compress it at startup. Without it the
   * server compresses `code` itself.
   */
  readonly br?: Buffer | undefined;
  /** `code` compressed ahead of time with gzip; as `br`. */
  readonly gzip?: Buffer | undefined;
}

export type ClientBuilder = () => Promise<ClientBundle>;

export const CLIENT_PATH_PREFIX = "/_vango/client.";
/** Route label of the client bundle in metrics, logs and spans. */
export const CLIENT_ROUTE = "/_vango/client";
/** Where the dev overlay chunk is served (devMode only). */
export const DEV_OVERLAY_PREFIX = "/_vango/client-dev.";
/** Where the form recovery chunk is served. */
export const RECOVERY_PREFIX = "/_vango/client-recovery.";

/**
 * Brotli's best and slowest quality: ~23 ms for the ~20 KB client, paid once per process
 * for a file every page loads (quality 9 left it ~7 % larger).
 */
const CLIENT_BROTLI_QUALITY = 11;

/**
 * The client's compressed forms as the server makes them (brotli quality 11, gzip 9), for
 * `vango build` to write them ahead of time.
 * @example const { br, gzip } = await compressClient(Buffer.from(code));
 */
export function compressClient(body: Buffer): Promise<Encoded> {
  return precompress(body, CLIENT_BROTLI_QUALITY);
}

export interface Prepared {
  readonly body: Buffer;
  readonly encoded: Encoded;
  readonly etag: string;
  readonly path: string;
}

/**
 * Compressed forms by bundle: the default builder hands every app of a process the same
 * bundle object, so the process compresses it once; a weak map lets bundles nobody
 * serves any more go.
 */
const prepared = new WeakMap<ClientBundle, Promise<Prepared>>();

/**
 * The bundle's compressed forms (its own `br`/`gzip` when it brings them) and ETag,
 * served at `<prefix><hash>.js` (memoised per bundle).
 */
export function prepare(bundle: ClientBundle, prefix: string): Promise<Prepared> {
  let p = prepared.get(bundle);
  if (p === undefined) {
    const body = Buffer.from(bundle.code, "utf8");
    p = precompress(body, CLIENT_BROTLI_QUALITY, bundle).then((encoded) => ({
      body,
      encoded,
      etag: `"${bundle.hash}"`,
      path: `${prefix}${bundle.hash}.js`,
    }));
    prepared.set(bundle, p);
    p.catch(() => prepared.delete(bundle));
  }
  return p;
}

/** Default builds by `minify`: at most two per process, shared by every app in it. */
const defaultBuilds = new Map<boolean, Promise<ClientBundle>>();
/** Chunk builds by entry kind and `minify`, shared by every app in the process. */
const chunkBuilds = new Map<string, Promise<ClientBundle>>();

/**
 * An on-demand chunk: the dev overlay (readable; devMode only) or the form recovery
 * script, built on first use and shared by the process's apps.
 * @example new ClientAsset(chunkBuilder("recovery", true), RECOVERY_PREFIX)
 */
export function chunkBuilder(kind: "devOverlay" | "recovery", minify: boolean): ClientBuilder {
  const id = `${kind}:${minify}`;
  return () => {
    let build = chunkBuilds.get(id);
    if (build === undefined) {
      build = import("../../client/build.ts").then((b) =>
        b.buildClient({
          minify,
          entry: kind === "devOverlay" ? b.DEV_OVERLAY_ENTRY : b.RECOVERY_ENTRY,
        }),
      );
      chunkBuilds.set(id, build);
      build.catch(() => chunkBuilds.delete(id));
    }
    return build;
  };
}

/**
 * The bundled browser client, built with esbuild on first use and then shared by every
 * app in the process. esbuild is loaded only then, so apps that pass their own
 * `clientBuilder`, and tests, never load it.
 * @example new ClientAsset(defaultClientBuilder(true))
 */
export function defaultClientBuilder(minify: boolean): ClientBuilder {
  return () => {
    let build = defaultBuilds.get(minify);
    if (build === undefined) {
      build = import("../../client/build.ts").then(({ buildClient }) => buildClient({ minify }));
      defaultBuilds.set(minify, build);
      // A failed build is not kept: the next request retries.
      build.catch(() => defaultBuilds.delete(minify));
    }
    return build;
  };
}

/**
 * The bundled client's tools built ahead of time (minified, as `vango build` writes them),
 * handed to {@link prebuiltClientBuilder} so an app serves them without esbuild.
 */
export interface PrebuiltTools {
  /** The form recovery script. */
  readonly recovery?: ClientBundle | undefined;
  /**
   * The hook chunks, built for `clientDir` (absolute; `undefined`: the built-in hooks only).
   * An app whose `clientDir` is another folder builds its own set as without them.
   */
  readonly chunks?:
    | { readonly clientDir: string | undefined; readonly set: PrebuiltChunkSet }
    | undefined;
}

/** A {@link ChunkSet} whose chunks may bring their compressed forms. */
export interface PrebuiltChunkSet extends ChunkSet {
  readonly runtime: ClientBundle;
  readonly hooks: ReadonlyMap<string, ClientBundle>;
}

/** Builders that hand out the bundled client built ahead of time, with its prebuilt tools. */
const prebuilt = new WeakMap<ClientBuilder, PrebuiltTools>();

/**
 * A builder for the bundled client built ahead of time (`vango build`'s, with its
 * compressed forms): unlike a builder of an app's own client, it keeps the bundled
 * client's tools — hook chunks, form recovery, the dev overlay — served from `tools`
 * where given (and the app minifies), else built on first use as with the default builder.
 * @example createApp({ routes, clientBuilder: prebuiltClientBuilder({ code, hash, br, gzip }) })
 */
export function prebuiltClientBuilder(
  bundle: ClientBundle,
  tools: PrebuiltTools = {},
): ClientBuilder {
  const build: ClientBuilder = async () => bundle;
  prebuilt.set(build, tools);
  return build;
}

/** The tools given to {@link prebuiltClientBuilder} with `build` (`undefined` for any other builder). */
export function prebuiltTools(build: ClientBuilder | undefined): PrebuiltTools | undefined {
  return build === undefined ? undefined : prebuilt.get(build);
}

/**
 * The form recovery script's builder: the prebuilt one when there is one and the app
 * minifies (it was built minified), else built on first use.
 */
export function recoveryBuilder(tools: PrebuiltTools | undefined, minify: boolean): ClientBuilder {
  const given = tools?.recovery;
  return given !== undefined && minify ? async () => given : chunkBuilder("recovery", minify);
}

/**
 * True when `build` serves the bundled client (none given, or {@link prebuiltClientBuilder}'s),
 * so the app serves the bundled client's chunks beside it; an app's own builder brings its
 * own tools.
 */
export function isBundledClient(build: ClientBuilder | undefined): boolean {
  return build === undefined || prebuilt.has(build);
}

export class ClientAsset {
  readonly #build: ClientBuilder;
  readonly #prefix: string;
  #prepared: Promise<Prepared> | undefined;

  /**
   * `prefix`: where the bundle is served (`<prefix><hash>.js`).
   * @example new ClientAsset(() => buildClient({ minify: true }))
   */
  constructor(build: ClientBuilder, prefix = CLIENT_PATH_PREFIX) {
    this.#build = build;
    this.#prefix = prefix;
  }

  /** Builds (once) and returns the public URL path of the bundle. */
  async path(): Promise<string> {
    return (await this.#get()).path;
  }

  /** True when `pathname` addresses a client bundle (any hash). */
  matches(pathname: string): boolean {
    return pathname.startsWith(this.#prefix) && pathname.endsWith(".js");
  }

  /** Answers a GET/HEAD for the bundle; an outdated hash gets the coded 404. */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const built = await this.#get();
    if (pathname !== built.path) return sendError(res, E.not_found);
    sendPrepared(req, res, built);
  }

  #get(): Promise<Prepared> {
    if (!this.#prepared) {
      this.#prepared = this.#build().then((b) => prepare(b, this.#prefix));
      // A failed build must not be cached forever: the next request retries.
      this.#prepared.catch(() => {
        this.#prepared = undefined;
      });
    }
    return this.#prepared;
  }
}

/**
 * Answers a GET/HEAD with a prepared bundle: the smallest coding the request accepts,
 * `immutable` caching, and 304 for a matching `If-None-Match`.
 */
export function sendPrepared(req: IncomingMessage, res: ServerResponse, built: Prepared): void {
  const coding = negotiateCoding(req.headers["accept-encoding"], built.encoded);
  const etag = setCodingHeaders(res, coding, built.etag, isNegotiable(built.encoded));
  res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
  if (ifNoneMatch(req.headers["if-none-match"], etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const body = encodedBody(built.encoded, coding) ?? built.body;
  res.statusCode = 200;
  setContentEncoding(res, coding);
  res.setHeader("Content-Type", "text/javascript; charset=utf-8");
  res.setHeader("Content-Length", body.byteLength);
  res.end(req.method === "HEAD" ? undefined : body);
}
