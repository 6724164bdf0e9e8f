/**
 * The `vango` CLI end to end, as a user runs it (issue 16): `create` into a temporary
 * folder outside the repository, `npm install` (the `vango` dependency is this package
 * by `file:` path), the app's own `npm test`; `vango dev` in real Chromium — an edit
 * re-renders the open page without a reload and keeps the counter, a stylesheet edit
 * applies in place, an edit that does not compile and a module that throws at start show
 * in the overlay and the terminal while the page keeps working, so does a handler that
 * throws (with its code frame), and the overlay clears when they are fixed; `build` +
 * `start` with plain node in production mode and without esbuild, the client, form
 * recovery script and hook chunks served as the build compressed them; `gen` outputs and the typed route manifest pass `tsc`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingHttpHeaders, request } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  gunzipSync,
  gzipSync,
} from "node:zlib";
import { type Browser, chromium, type Page } from "playwright-core";
import { sparePort } from "vango/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { install, npm, npmEnv, type Running, spawnVango, tempDir, vango } from "./cli-process.ts";

let browser: Browser;
let dir = "";
let app = "";
const running: Running[] = [];

beforeAll(async () => {
  dir = tempDir("vango-cli-");
  app = join(dir, "my-app");
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
  });
});
afterAll(async () => {
  for (const r of running) r.kill();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function newPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  return { page, problems };
}

const connected = (page: Page) =>
  page.waitForFunction(() => document.documentElement.classList.contains("vango-connected"), null, {
    timeout: 60_000,
  });
const counter = (page: Page) => page.getByTestId("counter-value").textContent();
const marker = (page: Page) => page.evaluate(() => (window as { marker?: number }).marker);

/** A GET whose body comes back as the bytes on the wire (fetch would decode them). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** Replaces `from` with `to` in the app's file `rel`. */
function edit(rel: string, from: string | RegExp, to: string): void {
  const file = join(app, rel);
  const text = readFileSync(file, "utf8");
  const next = text.replace(from, to);
  expect(next, `${rel} has ${String(from)}`).not.toBe(text);
  writeFileSync(file, next);
}

describe("vango CLI", () => {
  it("misuse: coded messages and exit codes", async () => {
    const r = await vango(["frobnicate"], dir);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("cli_usage");
    expect((await vango(["create"], dir)).code).toBe(64);
    expect((await vango(["create", "x", "--template", "huge"], dir)).code).toBe(64);
    expect((await vango(["dev", "--port=1"], dir)).stderr).toContain("cli_usage");
    const notApp = await vango(["build"], dir);
    expect(notApp.code).toBe(1);
    expect(notApp.stderr).toContain("cli_not_an_app");
    for (const cmd of ["create", "dev", "build", "start", "gen"]) {
      const h = await vango([cmd, "--help"], dir);
      expect(h.code, cmd).toBe(0);
      expect(h.stdout, cmd).toContain(`vango ${cmd}`);
    }
  }, 120_000);

  it("create (minimal) + npm install + the app's own test", async () => {
    const r = await vango(["create", "my-app"], dir);
    expect(r.code, r.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
    expect(pkg.name).toBe("my-app");
    expect(pkg.dependencies.vango).toMatch(/^file:/);
    expect(Object.keys(pkg.scripts)).toEqual(
      expect.arrayContaining(["dev", "build", "start", "test"]),
    );
    expect((await vango(["create", "my-app"], dir)).stderr).toContain("cli_target_exists");
    await install(app);
    expect(await npm(["test"], app)).toContain("# pass 1");
    // docs/testing.md's node:test examples, run in the app as a user would copy them.
    const guide = readFileSync(join(import.meta.dirname, "../../../../docs/testing.md"), "utf8");
    const examples = [...guide.matchAll(/```tsx\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(examples).toHaveLength(2);
    for (const [i, code] of examples.entries()) {
      writeFileSync(join(app, `test/guide-${i}.test.tsx`), code);
    }
    expect(await npm(["test"], app)).toContain("# pass 3");
    for (const i of [0, 1]) rmSync(join(app, `test/guide-${i}.test.tsx`));
  }, 240_000);

  it("dev: edits re-render the open page keeping its state; errors show and clear", async () => {
    const port = await sparePort();
    const metricsPort = await sparePort();
    const d = spawnVango(["dev"], app, { PORT: String(port), METRICS_PORT: String(metricsPort) });
    running.push(d);
    await d.waitFor("vango dev on");
    const { page, problems } = await newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await connected(page);
    expect(await page.locator("h1").textContent()).toBe("Welcome to Vango");
    await page.evaluate(() => {
      (window as { marker?: number }).marker = 7;
    });
    await page.getByTestId("counter-inc").click();
    await page.getByTestId("counter-inc").click();
    await expect.poll(() => counter(page), { timeout: 60_000 }).toBe("2");

    // A code edit: the page shows the new code with the same state, no reload.
    let mark = d.output().length;
    edit("app/routes/index.tsx", "<h1>Welcome to Vango</h1>", "<h1>Welcome to Vango, edited</h1>");
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 60_000 })
      .toBe("Welcome to Vango, edited");
    await d.waitFor("reloaded app/routes/index.tsx", mark);
    expect(await counter(page)).toBe("2");
    expect(await marker(page)).toBe(7);
    await connected(page);
    await page.getByTestId("counter-inc").click();
    await expect.poll(() => counter(page), { timeout: 60_000 }).toBe("3");

    // A stylesheet edit applies in place.
    writeFileSync(join(app, "public/style.css"), "h1 { color: rgb(200, 0, 0); }\n");
    await expect
      .poll(() => page.locator("h1").evaluate((h) => getComputedStyle(h).color), {
        timeout: 60_000,
      })
      .toBe("rgb(200, 0, 0)");
    expect(await marker(page)).toBe(7);

    // An edit that does not compile: overlay with code, place and code frame; the page
    // keeps running the last good code.
    const overlay = page.locator("#vango-dev-overlay");
    mark = d.output().length;
    edit("app/routes/index.tsx", "<main>", "<main><p>{</p>");
    await overlay.waitFor({ timeout: 60_000 });
    const shown = (await overlay.textContent()) ?? "";
    expect(shown).toContain("compile_error");
    expect(shown).toMatch(/app\/routes\/index\.tsx:\d+:\d+/);
    expect(shown).toContain("> ");
    await d.waitFor("compile_error", mark);
    await page.keyboard.press("Escape");
    await page.getByTestId("counter-inc").click();
    await expect.poll(() => counter(page), { timeout: 60_000 }).toBe("4");
    edit("app/routes/index.tsx", "<main><p>{</p>", "<main>");
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 60_000 })
      .toBe("Welcome to Vango, edited");

    // A module that throws while the app starts: the old worker keeps serving.
    mark = d.output().length;
    edit(
      "app/routes/index.tsx",
      'import { signal } from "vango";',
      'import { signal } from "vango";\nthrow new Error("broken at import");',
    );
    await overlay.waitFor({ timeout: 60_000 });
    expect(await overlay.textContent()).toContain("broken at import");
    await d.waitFor("broken at import", mark);
    edit("app/routes/index.tsx", '\nthrow new Error("broken at import");', "");
    await overlay.waitFor({ state: "detached", timeout: 60_000 });
    await connected(page);
    expect(await counter(page)).toBe("4");
    expect(await marker(page)).toBe(7);

    // A handler that throws: its report with the place in the app and the code frame,
    // in the overlay and in the terminal; it clears once the code is fixed.
    const boom =
      '<button type="button" data-testid="boom" onClick={() => { throw new Error("handler broke"); }}>boom</button>';
    edit("app/routes/index.tsx", "</main>", `${boom}</main>`);
    await page.getByTestId("boom").waitFor({ timeout: 60_000 });
    mark = d.output().length;
    await page.getByTestId("boom").click();
    await overlay.waitFor({ timeout: 60_000 });
    const report = (await overlay.textContent()) ?? "";
    expect(report).toContain("handler_error: handler broke");
    expect(report).toMatch(/app\/routes\/index\.tsx:\d+:\d+/);
    expect(report).toContain("> "); // the code frame's marked line
    expect(report).toContain('throw new Error("handler broke")');
    await d.waitFor("handler broke", mark);
    edit("app/routes/index.tsx", boom, "");
    await overlay.waitFor({ state: "detached", timeout: 60_000 });
    await connected(page);
    expect(await counter(page)).toBe("4");
    expect(await marker(page)).toBe(7);

    // Only the problems the test made, and the restarts' dropped sockets.
    const unexpected = problems.filter(
      (p) =>
        !/compile_error|broken at import|handler broke|WebSocket connection to .* failed/.test(p),
    );
    expect(unexpected, d.output()).toEqual([]);
    // Metrics on METRICS_PORT, served by whichever worker runs now.
    const m = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(await m.text()).toContain("vango_active_sessions");
    await page.close();
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
  }, 400_000);

  it("dev: an app that cannot start yet shows why, and the page loads once it is fixed", async () => {
    const port = await sparePort();
    edit("app/routes/index.tsx", "<main>", "<main><p>{</p>");
    const d = spawnVango(["dev"], app, { PORT: String(port), METRICS_PORT: "off" });
    running.push(d);
    await d.waitFor("vango dev on");
    expect(d.output()).toContain("compile_error");
    const { page } = await newPage();
    const res = await page.goto(`http://127.0.0.1:${port}/`);
    expect(res?.status()).toBe(503);
    expect(await page.locator("#vango-dev-problem").textContent()).toMatch(
      /compile_error: .*\n\s+at app\/routes\/index\.tsx:\d+:\d+/,
    );
    edit("app/routes/index.tsx", "<main><p>{</p>", "<main>");
    await page.getByTestId("counter-value").waitFor({ timeout: 60_000 });
    await connected(page);
    await page.close();
    d.child.kill("SIGTERM");
    expect(await d.exited).toBe(0);
  }, 120_000);

  it("build + start: plain node, production mode, no esbuild", async () => {
    // An app hook in app/client/ (the CLI's clientDir): build bundles it into a chunk.
    mkdirSync(join(app, "app/client"), { recursive: true });
    writeFileSync(
      join(app, "app/client/mark.client.ts"),
      [
        'import { defineHook } from "vango/client";',
        "",
        "/** Marks its element while the pointer is over it; big enough to compress. */",
        "export default defineHook<{ label: string }>((ctx) => {",
        '  const enter = () => ctx.el.setAttribute("data-marked", ctx.options.label);',
        '  const leave = () => ctx.el.removeAttribute("data-marked");',
        '  ctx.el.addEventListener("pointerenter", enter);',
        '  ctx.el.addEventListener("pointerleave", leave);',
        "  return {",
        "    destroyed: () => {",
        '      ctx.el.removeEventListener("pointerenter", enter);',
        '      ctx.el.removeEventListener("pointerleave", leave);',
        "    },",
        "  };",
        "});",
        "",
      ].join("\n"),
    );
    const b = await npm(["run", "build"], app);
    expect(b).toContain("built 1 routes");
    const routes = JSON.parse(readFileSync(join(app, "dist/routes.json"), "utf8"));
    expect(routes).toEqual([{ key: "/", file: "app/routes/index.tsx" }]);
    const client = JSON.parse(readFileSync(join(app, "dist/client/manifest.json"), "utf8"));
    const prebuilt = (prefix: string) => ({
      hash: expect.stringMatching(/^[0-9a-f]{16}$/),
      file: expect.stringMatching(new RegExp(`^${prefix.replace(".", "\\.")}[0-9a-f]{16}\\.js$`)),
      br: expect.stringMatching(/\.js\.br$/),
      gzip: expect.stringMatching(/\.js\.gz$/),
    });
    // The client, and beside it the form recovery script and the hook chunks: the runtime,
    // the built-in hooks and the app's own.
    expect(client).toEqual({
      ...prebuilt("client."),
      recovery: prebuilt("client-recovery."),
      chunks: {
        clientDir: "app/client",
        runtime: prebuilt("chunk."),
        hooks: expect.objectContaining({
          Tooltip: prebuilt("chunk."),
          Sortable: prebuilt("chunk."),
          "./mark.client.ts": prebuilt("chunk."),
        }),
      },
    });
    type Built = { hash: string; file: string; br: string; gzip: string };
    const scripts: [string, Built][] = [
      [`/_vango/client-recovery.${client.recovery.hash}.js`, client.recovery],
      ...[
        client.chunks.runtime,
        ...Object.values(client.chunks.hooks as Record<string, Built>),
      ].map((f): [string, Built] => [`/_vango/chunk/${f.hash}.js`, f]),
    ];
    for (const f of [client, ...scripts.map(([, f]) => f)]) {
      expect(f.file.endsWith(`.${f.hash}.js`) || f.file === `chunk.${f.hash}.js`, f.file).toBe(
        true,
      );
      expect([f.br, f.gzip]).toEqual([`${f.file}.br`, `${f.file}.gz`]);
    }
    const built = (name: string) => readFileSync(join(app, "dist/client", name));
    // The runtime names every hook chunk by its URL.
    const runtimeCode = built(client.chunks.runtime.file).toString();
    for (const [url, f] of scripts.slice(2)) expect(runtimeCode, f.file).toContain(url);
    const code = built(client.file);
    expect(brotliDecompressSync(built(client.br))).toEqual(code);
    expect(gunzipSync(built(client.gzip))).toEqual(code);
    // Written at brotli quality 11 (text mode) and gzip level 9, as the server compresses.
    const q11 = {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: code.length,
      },
    };
    expect(built(client.br).equals(brotliCompressSync(code, q11))).toBe(true);
    expect(built(client.gzip).equals(gzipSync(code, { level: 9 }))).toBe(true);
    for (const [, f] of scripts) {
      const plain = built(f.file);
      const q = { params: { ...q11.params, [constants.BROTLI_PARAM_SIZE_HINT]: plain.length } };
      expect(built(f.br).equals(brotliCompressSync(plain, q)), f.file).toBe(true);
      expect(built(f.gzip).equals(gzipSync(plain, { level: 9 })), f.file).toBe(true);
    }

    // Production mode refuses to start without the shared secret.
    const port = await sparePort();
    const env = { PORT: String(port), METRICS_PORT: "off" };
    const refused = await vango(["start"], app, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("cli_start_failed");
    expect(refused.stderr).toContain("VANGO_SECRET");

    const secret = { VANGO_SECRET: "cli-test-secret-0123456789abcdef" };
    // A compressed file that is not the client's stops start: its URL is cached for a year.
    const brFile = join(app, "dist/client", client.br);
    const goodBr = built(client.br);
    writeFileSync(brFile, brotliCompressSync("other code"));
    const stale = await vango(["start"], app, { ...env, ...secret });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("cli_not_built");
    writeFileSync(brFile, goodBr);
    // So does a hook chunk that is not the one the manifest names.
    const hookFile = join(app, "dist/client", client.chunks.hooks.Tooltip.file);
    const goodHook = built(client.chunks.hooks.Tooltip.file);
    writeFileSync(hookFile, `${goodHook};`);
    const staleHook = await vango(["start"], app, { ...env, ...secret });
    expect(staleHook.code).toBe(1);
    expect(staleHook.stderr).toContain("cli_not_built");
    writeFileSync(hookFile, goodHook);
    // The server would compress at quality 11 and level 9, deterministically, so the
    // build's files are swapped for other valid encodings of the client: start must
    // serve exactly these bytes, which it could only have read from dist/.
    const otherBr = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
    const otherGzip = gzipSync(code, { level: 1 });
    expect(otherBr.equals(goodBr)).toBe(false);
    writeFileSync(brFile, otherBr);
    writeFileSync(join(app, "dist/client", client.gzip), otherGzip);

    // start must not load esbuild: the recovery script and hook chunks come from dist/.
    // A module-resolution hook, installed in the start process through NODE_OPTIONS,
    // makes every import of esbuild fail (whether or not it is installed), so a chunk or
    // script built at run time would fail its request (or the page naming it). It is shown
    // to work on a plain node first, so the check cannot pass vacuously.
    const hooks = join(dir, "no-esbuild-hooks.mjs");
    writeFileSync(
      hooks,
      'export async function resolve(specifier, context, next) {\n  if (specifier === "esbuild" || specifier.startsWith("esbuild/")) throw new Error("esbuild is blocked");\n  return next(specifier, context);\n}\n',
    );
    const noEsbuild = join(dir, "no-esbuild.mjs");
    writeFileSync(
      noEsbuild,
      `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const nodeOptions = { NODE_OPTIONS: `--import=${pathToFileURL(noEsbuild).href}` };
    const probe = execFileSync(
      process.execPath,
      ["-e", 'import("esbuild").then(() => console.log("loaded"), (e) => console.log(e.message))'],
      { cwd: app, env: { ...process.env, ...nodeOptions }, encoding: "utf8" },
    );
    expect(probe).toContain("esbuild is blocked");

    const s = spawnVango(["start"], app, { ...env, ...secret, ...nodeOptions });
    running.push(s);
    await s.waitFor("Vango app on");
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/Secure/);
    const html = await res.text();
    expect(html).toContain("Welcome to Vango, edited");
    expect(html).not.toContain("vango-dev");
    expect(html).toContain(`/_vango/client.${client.hash}.js`);
    // The prebuilt client keeps the bundled client's form recovery script and hook chunks:
    // build's.
    expect(html).toContain(scripts[0]![0]);
    const boot = JSON.parse(/<script[^>]*id="vango-boot"[^>]*>([^<]*)<\/script>/.exec(html)![1]!);
    expect(boot.h).toBe(`/_vango/chunk/${client.chunks.runtime.hash}.js`);

    // Served as build wrote them, by Accept-Encoding, byte for byte.
    for (const [url, f] of [[`/_vango/client.${client.hash}.js`, client], ...scripts] as [
      string,
      Built,
    ][]) {
      const plain = built(f.file);
      for (const [ae, coding, file, decode] of [
        ["br", "br", f.br, brotliDecompressSync],
        ["gzip", "gzip", f.gzip, gunzipSync],
        ["", undefined, f.file, (b: Buffer) => b],
      ] as const) {
        const r = await rawGet(
          `http://127.0.0.1:${port}${url}`,
          ae === "" ? {} : { "accept-encoding": ae },
        );
        expect([f.file, ae, r.status, r.headers["content-encoding"], r.headers.vary]).toEqual([
          f.file,
          ae,
          200,
          coding,
          "Accept-Encoding",
        ]);
        expect(r.headers.etag).toBe(coding === undefined ? `"${f.hash}"` : `"${f.hash}-${coding}"`);
        expect(r.body.equals(built(file)), `${f.file} ${ae}`).toBe(true);
        expect(decode(r.body).equals(plain), `${f.file} ${ae}`).toBe(true);
      }
    }

    const { page, problems } = await newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await connected(page);
    await page.getByTestId("counter-inc").click();
    await expect.poll(() => counter(page), { timeout: 60_000 }).toBe("1");
    expect(problems).toEqual([]);
    await page.close();
    // Plain node: no loader, no TypeScript at run time.
    expect(s.output()).not.toMatch(/tsx/);
    expect(s.output()).not.toContain("esbuild is blocked");
    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    rmSync(join(app, "app/client"), { recursive: true, force: true });
  }, 120_000);

  it("gen: route, component, middleware and the typed route manifest compile", async () => {
    for (const [kind, name, file] of [
      ["route", "items/[id]", "app/routes/items/[id].tsx"],
      ["route", "about", "app/routes/about.tsx"],
      ["component", "UserCard", "app/components/user-card.tsx"],
      ["middleware", "admin", "app/routes/admin/_middleware.ts"],
    ] as const) {
      const r = await vango(["gen", kind, name], app);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(file);
    }
    expect((await vango(["gen", "route", "about"], app)).stderr).toContain("cli_file_exists");
    expect((await vango(["gen", "route", "../x"], app)).code).toBe(64);
    const r = await vango(["gen", "routes"], app);
    expect(r.stdout).toContain("app/routes.gen.tsx");
    const manifest = readFileSync(join(app, "app/routes.gen.tsx"), "utf8");
    expect(manifest).toContain('"/items/:id": { id: string };');
    writeFileSync(
      join(app, "app/links.tsx"),
      `import { UserCard } from "./components/user-card.tsx";
import { href, Link, useTypedNavigate } from "./routes.gen.tsx";

export function Nav() {
  const go = useTypedNavigate();
  return () => (
    <nav>
      <Link href="/about" prefetch>About</Link>
      <Link href={href("/items/:id", { id: "42" })}>Item</Link>
      <Link href="/items/7?tab=info">Item 7</Link>
      {/* @ts-expect-error: not a route of this app */}
      <Link href="/nowhere">Nowhere</Link>
      <button type="button" onClick={() => go("/")}>Home</button>
      <UserCard label="Me" />
    </nav>
  );
}
// @ts-expect-error: the route's params are required
href("/items/:id");
// @ts-expect-error: not a route of this app
useTypedNavigate()("/nowhere");
`,
    );
    await npm(["run", "typecheck"], app);
    expect(await npm(["test"], app)).toContain("# pass 1");
    // The new pages serve after a build.
    await npm(["run", "build"], app);
    const routes = JSON.parse(readFileSync(join(app, "dist/routes.json"), "utf8")) as {
      key: string;
    }[];
    expect(routes.map((x) => x.key)).toEqual(["/", "/about", "/admin/_middleware", "/items/:id"]);
  }, 120_000);
});

describe("vango create --template full", () => {
  const schema = `cli_full_${process.pid}`;
  const db = (process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test").split("?")[0]!;

  afterAll(async () => {
    const pg = await import("pg");
    const c = new pg.default.Client({ connectionString: db });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });

  it("installs, type-checks, passes its own test and its Chromium test on Postgres", async () => {
    const full = join(dir, "full-app");
    const r = await vango(["create", "full-app", "--template", "full"], dir);
    expect(r.code, r.stderr).toBe(0);
    await install(full);
    await npm(["run", "typecheck"], full);
    expect(await npm(["test"], full)).toContain("# pass 1");
    const pg = await import("pg");
    const c = new pg.default.Client({ connectionString: db });
    await c.connect();
    await c.query(`CREATE SCHEMA ${schema}`);
    await c.end();
    const url = `${db}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const out = await npmEnv(["run", "test:e2e"], full, { DATABASE_URL: url });
    expect(out).toContain("# pass 1");
  }, 300_000);
});
