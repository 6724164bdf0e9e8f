/**
 * Serves the on-demand chunks (the hook runtime, built-in hooks, the app's hooks and
 * islands) at `/_vango/chunk/<hash>.js`, each built once, compressed once (brotli and
 * gzip) and cached forever by browsers like the core client. The set is built on the
 * first page (its runtime URL goes into the page's boot data), once per process for a
 * given `minify` and `clientDir`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { resolve } from "node:path";
import type { ChunkSet } from "../../client/build-chunks.ts";
import { CHUNK_PATH_PREFIX } from "../../protocol/dom-attrs.ts";
import { ErrorCode as E } from "../../protocol/errors.ts";
import { sendError } from "../core/http-error.ts";
import { type PrebuiltTools, type Prepared, prepare, sendPrepared } from "./client-asset.ts";

/** Route label of the chunks in metrics, logs and spans. */
export const CHUNK_ROUTE = "/_vango/chunk";

export type ChunkBuilder = () => Promise<ChunkSet>;

interface PreparedSet {
  readonly runtimePath: string;
  readonly byPath: ReadonlyMap<string, Prepared>;
}

/** Default builds by minify and client dir, shared by a process's apps. */
const defaultSets = new Map<string, Promise<ChunkSet>>();

/**
 * The chunks of the bundled runtime and built-ins plus the app's `*.client.ts` modules
 * under `clientDir`; esbuild is loaded only on first use.
 * @example new ChunkAssets(defaultChunkBuilder(true, "/srv/app/src/client"))
 */
export function defaultChunkBuilder(minify: boolean, clientDir: string | undefined): ChunkBuilder {
  const key = `${minify}\0${clientDir ?? ""}`;
  return () => {
    let set = defaultSets.get(key);
    if (set === undefined) {
      set = import("../../client/build-chunks.ts").then(async (m) =>
        m.buildChunks({ minify, hooks: await m.chunkEntries(clientDir) }),
      );
      defaultSets.set(key, set);
      // A failed build is not kept: the next page retries.
      set.catch(() => defaultSets.delete(key));
    }
    return set;
  };
}

/**
 * The chunk set `vango build` wrote, when it fits the app: minified like the app's, and
 * built for the app's `clientDir`. Otherwise the default builder (esbuild, on first use).
 * @example new ChunkAssets(chunkBuilderFor(prebuiltTools(options.clientBuilder), true, clientDir))
 */
export function chunkBuilderFor(
  tools: PrebuiltTools | undefined,
  minify: boolean,
  clientDir: string | undefined,
): ChunkBuilder {
  const given = tools?.chunks;
  const same = (a: string | undefined, b: string | undefined) =>
    a === undefined || b === undefined ? a === b : resolve(a) === resolve(b);
  return given !== undefined && minify && same(given.clientDir, clientDir)
    ? async () => given.set
    : defaultChunkBuilder(minify, clientDir);
}

export class ChunkAssets {
  readonly #build: ChunkBuilder;
  #prepared: Promise<PreparedSet> | undefined;

  /** @example new ChunkAssets(() => buildChunks({ minify: true, hooks })) */
  constructor(build: ChunkBuilder) {
    this.#build = build;
  }

  /** Builds (once) and returns the runtime chunk's URL path, which pages put in their boot data. */
  async runtimePath(): Promise<string> {
    return (await this.#get()).runtimePath;
  }

  /** True when `pathname` is under the chunk prefix. */
  matches(pathname: string): boolean {
    return pathname.startsWith(CHUNK_PATH_PREFIX) && pathname.endsWith(".js");
  }

  /** Answers a GET/HEAD for a chunk; an unknown (or outdated) hash gets the coded 404. */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const built = (await this.#get()).byPath.get(pathname);
    if (built === undefined) return sendError(res, E.not_found);
    sendPrepared(req, res, built);
  }

  #get(): Promise<PreparedSet> {
    if (!this.#prepared) {
      this.#prepared = this.#build().then(async (set) => {
        const all = [set.runtime, ...set.hooks.values()];
        const prepared = await Promise.all(all.map((b) => prepare(b, CHUNK_PATH_PREFIX)));
        return {
          runtimePath: prepared[0]!.path,
          byPath: new Map(prepared.map((p) => [p.path, p])),
        };
      });
      this.#prepared.catch(() => {
        this.#prepared = undefined;
      });
    }
    return this.#prepared;
  }
}
