/**
 * The CLI's pure parts, in-process: the code frame, the typed route manifest's text,
 * the build entry, package names, the workspace check, the error codes' docs, and how
 * `start` reads and checks the prebuilt client, recovery script and hook chunks.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { entrySource } from "../../src/cli/build.ts";
import { CliError, CliErrorCode, EXIT_USAGE } from "../../src/cli/cli-error.ts";
import { inWorkspace, PACKAGE_ROOT, packageName } from "../../src/cli/create.ts";
import { checkSources } from "../../src/cli/dev.ts";
import { codeFrame, formatProblem } from "../../src/cli/dev-messages.ts";
import { routesSource } from "../../src/cli/gen.ts";
import { runServer } from "../../src/cli/run-server.ts";
import { loadPrebuiltClient } from "../../src/cli/start.ts";
import { silentLogger } from "../../src/server/core/logger.ts";
import { compressClient } from "../../src/server/http/client-asset.ts";

const REPO = resolve(PACKAGE_ROOT, "../..");

/** Type errors of `files` (paths from the repo root) compiled with the repo's options. */
function typeCheck(files: Record<string, string>): string[] {
  const configPath = join(REPO, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const options = {
    ...ts.parseJsonConfigFileContent(config.config, ts.sys, REPO).options,
    noEmit: true,
  };
  const virtual = new Map(Object.entries(files).map(([f, code]) => [join(REPO, f), code]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, lang, onError, create) => {
    const code = virtual.get(resolve(file));
    return code === undefined
      ? getSourceFile(file, lang, onError, create)
      : ts.createSourceFile(file, code, lang, true);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => virtual.has(resolve(file)) || fileExists(file);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => virtual.get(resolve(file)) ?? readFile(file);
  // The virtual files' folders exist only here: module resolution looks for them first.
  const dirs = new Set([...virtual.keys()].map((f) => dirname(f)));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) => dirs.has(resolve(dir)) || (directoryExists?.(dir) ?? true);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && virtual.has(resolve(d.file.fileName)))
    .map((d) => `${d.file!.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

describe("cli pieces", () => {
  it("codeFrame marks the line and the column", () => {
    expect(codeFrame("a\nb\nc(\nd\ne\nf", 3, 2)).toBe(
      ["  1 | a", "  2 | b", "> 3 | c(", "    |  ^", "  4 | d", "  5 | e"].join("\n"),
    );
    expect(codeFrame("only(", 1, 5)).toBe("> 1 | only(\n    |     ^");
    expect(
      formatProblem({
        code: "compile_error",
        message: "Expected }",
        location: "a.tsx:1:5",
        frame: "F",
      }),
    ).toBe("compile_error: Expected }\n    at a.tsx:1:5\n\nF");
  });

  it("routesSource: pages only, params typed, paths as template literal types", () => {
    const src = routesSource([
      { key: "/", file: "/a/index.tsx" },
      { key: "/_layout", file: "/a/_layout.tsx" },
      { key: "/admin/_middleware", file: "/a/admin/_middleware.ts" },
      { key: "/docs/*slug", file: "/a/docs/[...slug].tsx" },
      { key: "/items/:id", file: "/a/items/[id].tsx" },
    ]);
    expect(src).toContain('export const ROUTES = ["/", "/docs/*slug", "/items/:id"] as const;');
    expect(src).toContain('  "/items/:id": { id: string };');
    expect(src).toContain('  "/": {};');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a template literal type
    expect(src).toContain('export type Path = "/" | `/docs/${string}` | `/items/${string}`;');
  });

  it("the route manifest type-checks: vango's Link (prefetch too) with only the app's paths", () => {
    const src = routesSource([
      { key: "/", file: "/a/index.tsx" },
      { key: "/items/:id", file: "/a/items/[id].tsx" },
    ]);
    const usage = `import { href, Link, useTypedNavigate } from "./routes.gen.tsx";
export function Nav() {
  const go = useTypedNavigate();
  return () => (
    <nav>
      <Link href="/" prefetch class="home">Home</Link>
      <Link href={href("/items/:id", { id: "4" })} prefetch>Item</Link>
      {/* @ts-expect-error: not a path of this app */}
      <Link href="/nowhere">Nowhere</Link>
      <button type="button" onClick={() => go("/items/7")}>Seven</button>
    </nav>
  );
}
`;
    expect(typeCheck({ "app/routes.gen.tsx": src, "app/links.tsx": usage })).toEqual([]);
  }, 120_000);

  it("entrySource imports every route and the set-up statically", () => {
    const src = entrySource(
      "/app",
      [
        { key: "/", file: "/app/app/routes/index.tsx" },
        { key: "/items/:id", file: "/app/app/routes/items/[id].tsx" },
      ],
      "/app/app/server.tsx",
      "my-app",
    );
    expect(src).toBe(
      [
        'import * as r0 from "./app/routes/index.tsx";',
        'import * as r1 from "./app/routes/items/[id].tsx";',
        'export { default as setup } from "./app/server.tsx";',
        'export const name = "my-app";',
        'export const routes = {"/": r0, "/items/:id": r1};',
        "",
      ].join("\n"),
    );
    expect(entrySource("/app", [], undefined, "x")).toContain("export const setup = undefined;");
  });

  it("packageName and inWorkspace", () => {
    expect(packageName("/tmp/My App!")).toBe("my-app-");
    expect(packageName("/tmp/.hidden")).toBe("hidden");
    expect(inWorkspace(join(REPO, "examples", "new-app"))).toBe(true);
    expect(inWorkspace(join(REPO, "examples", "a", "b"))).toBe(false);
    expect(inWorkspace("/tmp/elsewhere")).toBe(false);
  });

  it("usage errors exit 64, others 1; every code is in the getting-started guide", () => {
    expect(new CliError(CliErrorCode.usage, "x").exitCode).toBe(EXIT_USAGE);
    expect(new CliError(CliErrorCode.not_built, "x").exitCode).toBe(1);
    const guide = readFileSync(join(REPO, "docs/getting-started.md"), "utf8");
    const section = guide.slice(guide.indexOf("## Errors"));
    for (const code of Object.values(CliErrorCode)) expect(section).toContain(`\`${code}\``);
  });
});

describe("runServer", () => {
  const Home = () => <h1>home</h1>;

  it("hands the options to the app's set-up, calls created and close, adds the dev channel", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vango-run-"));
    const calls: string[] = [];
    const s = await runServer({
      root: dir,
      name: "t",
      routes: { "/": Home },
      setup: (options) => {
        calls.push(`setup:${Object.keys(options.routes).join()}`);
        return {
          options: { ...options, title: "Set up" },
          created: () => void calls.push("created"),
          close: () => void calls.push("close"),
        };
      },
      dev: { eventsUrl: "/_vango/dev/events" },
      port: 0,
      metricsPort: false,
      logger: silentLogger,
      env: { VANGO_STATE_DIR: dir },
    });
    const html = await (await fetch(`http://127.0.0.1:${s.port}/`)).text();
    expect(html).toContain('<meta name="vango-dev" content="/_vango/dev/events">');
    expect(html).toContain("<title>Set up</title>");
    expect(s.metricsPort).toBeUndefined();
    await s.close();
    expect(calls).toEqual(["setup:/", "created", "close"]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses devMode in production mode", async () => {
    await expect(
      runServer({
        root: tmpdir(),
        name: "t",
        routes: { "/": Home },
        setup: (options) => ({ ...options, devMode: true }),
        port: 0,
        metricsPort: false,
        logger: silentLogger,
        env: { NODE_ENV: "production" },
      }),
    ).rejects.toMatchObject({ code: CliErrorCode.start_failed });
  });
});

describe("checkSources", () => {
  it("finds the first syntax error with its place and frame; the digest follows content", async () => {
    const root = mkdtempSync(join(tmpdir(), "vango-check-"));
    const app = join(root, "app");
    mkdirSync(join(app, "routes"), { recursive: true });
    writeFileSync(join(app, "routes/index.tsx"), "export default () => <h1>hi</h1>;\n");
    writeFileSync(join(app, "data.json"), "{}");
    const ok = await checkSources(root, app);
    expect(ok.problem).toBeUndefined();
    expect((await checkSources(root, app)).digest).toBe(ok.digest);
    writeFileSync(join(app, "data.json"), "[]");
    const changed = await checkSources(root, app);
    expect(changed.digest).not.toBe(ok.digest);
    writeFileSync(join(app, "routes/index.tsx"), "export default () => <h1>hi</h1;\n");
    const bad = await checkSources(root, app);
    expect(bad.problem).toMatchObject({
      code: "compile_error",
      location: "app/routes/index.tsx:1:32",
    });
    expect(bad.problem?.frame).toContain("> 1 | export default () => <h1>hi</h1;");
    rmSync(root, { recursive: true, force: true });
  });
});

describe("loadPrebuiltClient", () => {
  const script = (code: string, prefix: string) => {
    const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
    return { code, hash, file: `${prefix}${hash}.js` };
  };
  const client = script(
    "(function(){var n=0;function inc(){n++}inc();})();\n".repeat(50),
    "client.",
  );
  const { code, hash, file } = client;
  const recovery = script(
    "(()=>{var r=sessionStorage;r.clear();})();\n".repeat(40),
    "client-recovery.",
  );
  const hook = script(
    "window.__vangoHooks.define('Tooltip',{mounted(){}});\n".repeat(30),
    "chunk.",
  );
  const runtime = script(
    `(()=>{startHooks(document,{"Tooltip":"/_vango/chunk/${hook.hash}.js"});})();\n`.repeat(20),
    "chunk.",
  );
  type Script = typeof client;
  const entry = (s: Script) => ({
    hash: s.hash,
    file: s.file,
    br: `${s.file}.br`,
    gzip: `${s.file}.gz`,
  });
  const full = {
    ...entry(client),
    recovery: entry(recovery),
    chunks: { clientDir: "app/client", runtime: entry(runtime), hooks: { Tooltip: entry(hook) } },
  };

  /** A `dist/` as `vango build` writes it; `manifest` overrides its manifest. */
  async function dist(manifest?: unknown): Promise<string> {
    const root = mkdtempSync(join(tmpdir(), "vango-dist-"));
    const dir = join(root, "client");
    mkdirSync(dir);
    for (const s of [client, recovery, hook, runtime]) {
      const body = Buffer.from(s.code);
      const { br, gzip } = await compressClient(body);
      writeFileSync(join(dir, s.file), body);
      writeFileSync(join(dir, `${s.file}.br`), br!);
      writeFileSync(join(dir, `${s.file}.gz`), gzip!);
    }
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest ?? full));
    return root;
  }
  const bytes = (root: string, name: string) => readFileSync(join(root, "client", name));

  it("reads the client, recovery script and hook chunks with the files the manifest names, byte for byte", async () => {
    const root = await dist();
    const { client: c, tools } = await loadPrebuiltClient(root, "/srv/app");
    expect([c.code, c.hash]).toEqual([code, hash]);
    expect(c.br).toEqual(bytes(root, `${file}.br`));
    expect(c.gzip).toEqual(bytes(root, `${file}.gz`));
    for (const [got, want] of [
      [tools.recovery, recovery],
      [tools.chunks?.set.runtime, runtime],
      [tools.chunks?.set.hooks.get("Tooltip"), hook],
    ] as const) {
      expect([got?.code, got?.hash]).toEqual([want.code, want.hash]);
      expect(got?.br).toEqual(bytes(root, `${want.file}.br`));
      expect(got?.gzip).toEqual(bytes(root, `${want.file}.gz`));
    }
    expect([...(tools.chunks?.set.hooks.keys() ?? [])]).toEqual(["Tooltip"]);
    // The hook folder, from the app's root (dist/'s parent by default).
    expect(tools.chunks?.clientDir).toBe(resolve("/srv/app/app/client"));
    const noDir = await dist({ ...full, chunks: { ...full.chunks, clientDir: null } });
    const own = await loadPrebuiltClient(noDir);
    expect(own.tools.chunks?.clientDir).toBeUndefined();
    rmSync(root, { recursive: true, force: true });
    rmSync(noDir, { recursive: true, force: true });
  });

  it("a manifest of an older build: no compressed files, no recovery script or chunks", async () => {
    const root = await dist({ hash, file });
    const { client: c, tools } = await loadPrebuiltClient(root);
    expect([c.code, c.br, c.gzip]).toEqual([code, undefined, undefined]);
    expect(tools).toEqual({ recovery: undefined, chunks: undefined });
    rmSync(root, { recursive: true, force: true });
  });

  it("refuses a dist/client/ whose files do not match its manifest with cli_not_built", async () => {
    const manifest = (m: unknown) => (r: string) =>
      writeFileSync(join(r, "client/manifest.json"), JSON.stringify(m));
    const cases: [string, (root: string) => void | Promise<void>][] = [
      ["no manifest", (r) => rmSync(join(r, "client/manifest.json"))],
      ["manifest not JSON", (r) => writeFileSync(join(r, "client/manifest.json"), "{")],
      ["manifest null", (r) => writeFileSync(join(r, "client/manifest.json"), "null")],
      ["client missing", (r) => rmSync(join(r, "client", file))],
      ["client edited", (r) => writeFileSync(join(r, "client", file), `${code};`)],
      [
        "brotli of other bytes",
        (r) => writeFileSync(join(r, "client", `${file}.br`), gzipSync("x")),
      ],
      ["gzip not gzip", (r) => writeFileSync(join(r, "client", `${file}.gz`), "plain")],
      ["a path outside the folder", manifest({ hash, file: `../client/${file}` })],
      ["recovery edited", (r) => writeFileSync(join(r, "client", recovery.file), "x")],
      ["recovery missing", (r) => rmSync(join(r, "client", recovery.file))],
      ["recovery entry not an object", manifest({ ...full, recovery: "x" })],
      [
        "recovery brotli of other bytes",
        (r) => writeFileSync(join(r, "client", `${recovery.file}.br`), brotliCompressSync("x")),
      ],
      ["runtime edited", (r) => writeFileSync(join(r, "client", runtime.file), "x")],
      ["hook gzip not gzip", (r) => writeFileSync(join(r, "client", `${hook.file}.gz`), "x")],
      ["hook missing", (r) => rmSync(join(r, "client", hook.file))],
      [
        "a hook the runtime does not name",
        manifest({ ...full, chunks: { ...full.chunks, hooks: { Tooltip: entry(recovery) } } }),
      ],
      [
        "chunks without a runtime",
        manifest({ ...full, chunks: { ...full.chunks, runtime: null } }),
      ],
      ["chunks without hooks", manifest({ ...full, chunks: { ...full.chunks, hooks: null } })],
      ["clientDir not a path", manifest({ ...full, chunks: { ...full.chunks, clientDir: 1 } })],
      ["chunks not an object", manifest({ ...full, chunks: 1 })],
    ];
    for (const [what, spoil] of cases) {
      const root = await dist();
      await spoil(root);
      await expect(loadPrebuiltClient(root), what).rejects.toMatchObject({
        code: CliErrorCode.not_built,
      });
      rmSync(root, { recursive: true, force: true });
    }
  });
});
