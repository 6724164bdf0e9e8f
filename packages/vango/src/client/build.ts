/**
 * Node-side: bundles the browser client (`main.ts` and the protocol code it imports)
 * into one ES2020 IIFE with esbuild. The server serves the result under its hash.
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as C from "../protocol/constants.ts";
import { JsonTag } from "../protocol/json-value.ts";

export interface ClientBuild {
  readonly code: string;
  /** First 16 hex digits of the code's SHA-256. */
  readonly hash: string;
}

/**
 * Keys of the protocol's constant objects (`FrameType.Patches`, `PatchOp.SetText`, …).
 * They only ever appear as property names of those objects inside the bundle, so the
 * minifier may shorten them (esbuild does not inline object constants); the same idea
 * as Preact's `mangle.json`. The min-bundle tests run against the mangled output.
 */
export function constantKeys(): string[] {
  const keys = new Set<string>();
  for (const v of [...Object.values(C), JsonTag]) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const k of Object.keys(v)) if (/^[A-Z][A-Za-z0-9]*$/.test(k)) keys.add(k);
    }
  }
  return [...keys].sort();
}

/**
 * @example
 * const { code, hash } = await buildClient({ minify: true });
 * // serve `code` at `/_vango/client.${hash}.js`
 */
export async function buildClient(opts: { minify: boolean }): Promise<ClientBuild> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    // A string URL: the global `URL` may be a DOM shim's (happy-dom) in test environments.
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), "main.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: opts.minify,
    mangleProps: opts.minify ? new RegExp(`^(${constantKeys().join("|")})$`) : undefined,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  return { code, hash: createHash("sha256").update(code).digest("hex").slice(0, 16) };
}
