/**
 * The on-demand chunks through a real app: the boot data names the runtime, the runtime
 * names every hook chunk (the built-ins and the app's `*.client.ts` modules), and each
 * is served precompressed, content-addressed and revalidated by ETag.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingHttpHeaders, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appHookFiles, BUILTIN_HOOKS, buildChunks } from "../../../src/client/build-chunks.ts";
import { CHUNK_PATH_PREFIX } from "../../../src/protocol/dom-attrs.ts";
import { createApp, type Listening } from "../../../src/server/app.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";
import { h } from "../../../src/vdom/create-element.ts";
import { captureLogger } from "../helpers.ts";

/** Brotli bytes of the hook runtime chunk at most (BENCHMARKS.md). */
const RUNTIME_BUDGET_BR = 2560;

let dir: string;
let listening: Listening;
let base: string;
let runtimePath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vango-chunks-"));
  mkdirSync(join(dir, "charts"));
  writeFileSync(
    join(dir, "charts", "line.client.ts"),
    'export default (ctx: { el: HTMLElement }) => { ctx.el.textContent = "line chart"; };\n',
  );
  writeFileSync(join(dir, "not-a-chunk.ts"), "export const x = 1;\n");
  listening = await createApp({
    routes: { "/": () => h("p", null, "hi") },
    minifyClient: true,
    clientDir: dir,
    logger: silentLogger,
  }).listen(0);
  base = `http://127.0.0.1:${listening.port}`;
  const html = await (await fetch(`${base}/`)).text();
  const boot = JSON.parse(/<script[^>]*id="vango-boot"[^>]*>([^<]*)<\/script>/.exec(html)![1]!);
  runtimePath = boot.h;
});
afterAll(async () => {
  await listening.close();
  rmSync(dir, { recursive: true, force: true });
});

function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers }, (res) => {
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

describe("on-demand chunks", () => {
  it("finds the app's *.client.ts modules by path", async () => {
    expect(await appHookFiles(dir)).toEqual({
      "./charts/line.client.ts": join(dir, "charts", "line.client.ts"),
    });
  });

  it("names the runtime in the boot data; the runtime names every hook chunk", async () => {
    expect(runtimePath).toMatch(/^\/_vango\/chunk\/[0-9a-f]{16}\.js$/);
    const runtime = (await rawGet(runtimePath)).body.toString();
    const paths = [...new Set(runtime.match(/\/_vango\/chunk\/[0-9a-f]{16}\.js/g))];
    expect(paths).toHaveLength(Object.keys(BUILTIN_HOOKS).length + 1);
    const chunks = await Promise.all(paths.map(async (p) => (await rawGet(p)).body.toString()));
    const line = chunks.find((c) => c.includes("line chart"))!;
    expect(line).toContain('__vangoHooks.define("./charts/line.client.ts"');
    for (const name of Object.keys(BUILTIN_HOOKS)) {
      expect(chunks.some((c) => c.includes(`__vangoHooks.define("${name}"`))).toBe(true);
    }
    expect(line).not.toMatch(/\bimport\b|\bexport\b/);
  });

  it("serves each chunk as brotli or gzip with an immutable cache and an ETag; 304 on a match", async () => {
    const br = await rawGet(runtimePath, { "accept-encoding": "gzip, deflate, br" });
    const gz = await rawGet(runtimePath, { "accept-encoding": "gzip" });
    const plain = await rawGet(runtimePath);
    expect(br.headers["content-encoding"]).toBe("br");
    // Every page with a hook downloads the runtime: its budget, as served.
    expect(br.body.byteLength).toBeLessThanOrEqual(RUNTIME_BUDGET_BR);
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(brotliDecompressSync(br.body).toString()).toBe(plain.body.toString());
    expect(gunzipSync(gz.body).toString()).toBe(plain.body.toString());
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    const again = await rawGet(runtimePath, {
      "accept-encoding": "gzip, deflate, br",
      "if-none-match": br.headers.etag!,
    });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
  });

  it("answers an unknown chunk with the coded 404", async () => {
    const r = await rawGet(`${CHUNK_PATH_PREFIX}0000000000000000.js`);
    expect([r.status, r.headers["x-vango-error"]]).toEqual([404, "not_found"]);
  });

  it("builds reproducibly: same inputs, same hashes", async () => {
    const hooks = { "./charts/line.client.ts": join(dir, "charts", "line.client.ts") };
    const a = await buildChunks({ minify: true, hooks });
    const b = await buildChunks({ minify: true, hooks });
    expect(a.runtime.hash).toBe(b.runtime.hash);
    expect([...a.hooks.keys()]).toEqual(["./charts/line.client.ts"]);
  });

  it("a chunk that does not build costs pages their hooks, not their answer", async () => {
    const broken = mkdtempSync(join(tmpdir(), "vango-chunks-broken-"));
    writeFileSync(join(broken, "bad.client.ts"), "export default (ctx => {;\n");
    const logger = captureLogger();
    const l = await createApp({
      routes: { "/": () => h("p", null, "still here") },
      clientDir: broken,
      logger,
    }).listen(0);
    try {
      const res = await fetch(`http://127.0.0.1:${l.port}/`);
      const html = await res.text();
      expect(res.status).toBe(200);
      expect(html).toContain("still here");
      const boot = JSON.parse(/<script[^>]*id="vango-boot"[^>]*>([^<]*)<\/script>/.exec(html)![1]!);
      expect(boot.h).toBeUndefined();
      expect(
        logger.entries
          .filter((e) => e.level === "error")
          .map((e) => (e.obj as { code: string }).code),
      ).toEqual(["internal_error"]);
    } finally {
      await l.close();
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
