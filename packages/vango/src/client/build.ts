/**
 * Node-side: bundles the browser client (`main.ts` and the protocol code it imports)
 * into one ES2022 IIFE with esbuild (class fields, `??` and `?.` are native in every
 * evergreen browser, so nothing is down-levelled). The server serves it under its hash.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import * as C from "../protocol/constants.ts";
import { ErrorCode } from "../protocol/error-code.ts";
import { JsonTag } from "../protocol/json-value.ts";

/**
 * The browser entry's source. `src/` ships in the package, and both this module's source
 * (`src/client/build.ts`) and its compiled form (`dist/client/build.js`, whose directory
 * has no `main.ts`) are two levels below the package root, so one relative path serves
 * both. (A path string, not `new URL`: the global `URL` may be a DOM shim's, happy-dom's,
 * in test environments.)
 */
export const CLIENT_ENTRY = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../src/client/main.ts",
);

/** The dev overlay's entry (a chunk served only in devMode), found the same way. */
export const DEV_OVERLAY_ENTRY = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../src/client/dev-overlay.ts",
);

/** The form recovery chunk's entry (a deferred script after the core client's). */
export const RECOVERY_ENTRY = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../src/client/recovery-main.ts",
);

export interface ClientBuild {
  readonly code: string;
  /** First 16 hex digits of the code's SHA-256. */
  readonly hash: string;
}

/** The protocol's `as const` objects whose members the client reads (`FrameType.Patches`, …). */
function constantObjects(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>([
    ["JsonTag", JsonTag],
    ["ErrorCode", ErrorCode],
  ]);
  for (const [name, v] of Object.entries(C)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      out.set(name, v as Record<string, unknown>);
    }
  }
  return out;
}

/**
 * Keys of the protocol's constant objects. They only ever appear as property names of
 * those objects inside the bundle, so the minifier may shorten them; the same idea as
 * Preact's `mangle.json`. The min-bundle tests run against the mangled output.
 */
export function constantKeys(): string[] {
  const keys = new Set<string>();
  for (const v of constantObjects().values()) {
    for (const k of Object.keys(v)) if (/^[A-Z][A-Za-z0-9]*$/.test(k)) keys.add(k);
  }
  return [...keys].sort();
}

/**
 * Property names that never leave the bundle (frame, patch and event fields the client
 * builds or reads itself, its own state objects, the protocol reader/writer) and are
 * never DOM or builtin names the client also uses, so the minifier may shorten them.
 * Not listed, because pages or apps see them: the `window.__vango` handle (`status`,
 * `seq`, `ws`, `clockOffset`, `cseq`, `handled`, `hook`, `stop`), the boot JSON (`v`, `ws`, `token`,
 * `csrf`, `h`), the
 * `vango:error` detail (`type`, `code`, `fatal`, `cseq`, `message`).
 */
const INTERNAL_PROPS = [
  // frames
  "patches resumeToken resumed nextSeq lastCseq serverTime features version lastSeq",
  "viewport tzOffset nonce root",
  // patches and wire nodes (not `from`: `Array.from`)
  "op parent index to node html hid align smooth url payload kind tag attrs children text",
  // events and listener specs (not `stop`: the handle's method)
  "fields path mods event prevent debounce throttle raw specs",
  // client state
  "doc hids listen muted processed typed typedCseq forget flush scan dispose el start end ev",
  // protocol reader, writer, limits
  "u8 uint sint bool f64 str count done ensure finish reset buf pos limits maxString maxItems",
  "maxVNodeDepth maxPatchDepth maxHookDepth maxFrameBytes",
]
  .join(" ")
  .split(" ");

const IMPORT =
  /import\s*\{([^}]*)\}\s*from\s*"[^"]*\/(?:constants|patch|json-value|error-code)\.ts"/g;
const MEMBER = /(?<![\w$.]|typeof\s+)([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\b/g;

/**
 * Replaces `FrameType.Patches`-style reads (also through `import { PatchOp as P }`) with
 * their literal values, as a `const enum` would: esbuild keeps object constants as
 * objects, and the literals are smaller and let the unused objects drop out.
 * @example
 * inlineConstants('import { FrameType } from "./constants.ts"; f(FrameType.Ack);')
 * // '… f(5);'
 */
export function inlineConstants(src: string, objects = constantObjects()): string {
  const local = new Map<string, Record<string, unknown>>(objects);
  for (const m of src.matchAll(IMPORT)) {
    for (const spec of m[1]!.split(",")) {
      const [name, alias] = spec.trim().split(/\s+as\s+/);
      const obj = objects.get(name!);
      if (obj && alias) local.set(alias, obj);
    }
  }
  return src.replace(MEMBER, (all, obj: string, key: string) => {
    const v = local.get(obj)?.[key];
    return typeof v === "number" || typeof v === "string" ? JSON.stringify(v) : all;
  });
}

const inlinePlugin = (): Plugin => ({
  name: "vango-inline-constants",
  setup(b) {
    const objects = constantObjects();
    b.onLoad({ filter: /[\\/]src[\\/](client|protocol)[\\/][\w-]+\.ts$/ }, async (args) => ({
      contents: inlineConstants(await readFile(args.path, "utf8"), objects),
      loader: "ts",
    }));
  },
});

/**
 * @example
 * const { code, hash } = await buildClient({ minify: true });
 * // serve `code` at `/_vango/client.${hash}.js`
 */
export async function buildClient(opts: {
  minify: boolean;
  /** Another entry than the core client (an on-demand chunk such as the dev overlay). */
  entry?: string;
}): Promise<ClientBuild> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [opts.entry ?? CLIENT_ENTRY],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: opts.minify,
    plugins: opts.minify ? [inlinePlugin()] : [],
    mangleProps: opts.minify
      ? new RegExp(`^(${[...constantKeys(), ...INTERNAL_PROPS].join("|")})$`)
      : undefined,
    legalComments: "none",
    // The client's own settings, so that no tsconfig.json is read: esbuild applies the
    // nearest one to each file outside node_modules — the repository's in a clone, none
    // once installed — and the bundle would differ between the two. These are the ones of
    // the repository's that change esbuild's output (strict mode: the sources are
    // modules, written for it).
    tsconfigRaw: { compilerOptions: { strict: true, verbatimModuleSyntax: true } },
    drop: opts.minify ? ["debugger"] : [],
    charset: "utf8",
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.text;
  return { code, hash: createHash("sha256").update(code).digest("hex").slice(0, 16) };
}
