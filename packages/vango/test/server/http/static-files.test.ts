/**
 * `publicDir`: GET/HEAD of files with content type, ETag/304 and Cache-Control, text
 * files compressed by Accept-Encoding; nothing outside the folder is ever read (raw
 * request paths, since fetch normalises `..`; raw bytes, since fetch decodes them).
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { type IncomingHttpHeaders, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  contentTypeOf,
  isCompressible,
  resolveInside,
} from "../../../src/server/http/static-files.ts";
import { Counter } from "../fixtures.tsx";
import { type Running, start } from "../helpers.ts";
import { sample } from "../metrics-text.ts";

let root: string;
let pub: string;
let srv: Running | undefined;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "vango-static-"));
  pub = join(root, "public");
  mkdirSync(join(pub, "css"), { recursive: true });
  writeFileSync(join(pub, "css", "site.css"), "body{color:red}");
  writeFileSync(join(pub, "favicon.ico"), Buffer.from([0, 0, 1, 0]));
  writeFileSync(join(pub, ".env"), "SECRET=1");
  writeFileSync(join(pub, "page"), "a file named like a route");
  writeFileSync(join(root, "secret.txt"), "TOP-SECRET");
  writeFileSync(join(pub, "css", "app.css"), APP_CSS);
  writeFileSync(join(pub, "data.json"), JSON.stringify({ items: Array(300).fill("item") }));
  // Highly compressible bytes: only the format keeps them uncompressed.
  writeFileSync(join(pub, "logo.png"), Buffer.alloc(8192));
  writeFileSync(join(pub, "font.woff2"), Buffer.alloc(8192));
});

const APP_CSS = ".card{padding:1rem;border:1px solid #ddd;border-radius:8px}\n".repeat(60);
/** What Chromium sends. */
const CHROMIUM_AE = "gzip, deflate, br, zstd";
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** A request with the path sent exactly as given; `bytes` as they came on the wire. */
function raw(
  path: string,
  method = "GET",
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; bytes: Buffer; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: srv!.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const bytes = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          body: bytes.toString("utf8"),
          bytes,
          headers: res.headers,
        });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("static files", () => {
  it("serves files with type, length, ETag and Cache-Control; 304 on a matching ETag", async () => {
    srv = await start({
      routes: { "/": Counter },
      publicDir: { dir: pub, cacheControl: "public, max-age=60" },
    });
    const css = await raw("/css/site.css");
    expect(css.status).toBe(200);
    expect(css.body).toBe("body{color:red}");
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(css.headers["content-length"]).toBe("15");
    expect(css.headers["cache-control"]).toBe("public, max-age=60");
    const etag = css.headers.etag as string;
    expect(etag).toMatch(/^W\/"f-[0-9a-f]+"$/);
    const again = await raw("/css/site.css", "GET", { "if-none-match": etag });
    expect([again.status, again.body]).toEqual([304, ""]);
    const head = await raw("/favicon.ico", "HEAD");
    expect([head.status, head.body, head.headers["content-type"]]).toEqual([
      200,
      "",
      "image/x-icon",
    ]);
    const m = await srv.app.metrics!.metrics();
    expect(sample(m, "vango_http_requests_total", 'route="static",method="GET",status="200"')).toBe(
      1,
    );
    expect(sample(m, "vango_http_requests_total", 'route="static",method="GET",status="304"')).toBe(
      1,
    );
  });

  it("never serves anything outside the folder, dot-files, or non-GET methods", async () => {
    srv = await start({ routes: { "/": Counter }, publicDir: pub });
    const attempts = [
      "/../secret.txt",
      "/css/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E%2Fsecret.txt",
      "/css%2fsite.css",
      "/css%5csite.css",
      "/css/site.css%00.png",
      "/.env",
      "/css/",
      "//etc/passwd",
    ];
    for (const path of attempts) {
      const r = await raw(path);
      expect([path, r.status]).toEqual([path, 404]);
      expect(r.body).not.toContain("TOP-SECRET");
      expect(r.body).not.toContain("SECRET=1");
    }
    // A malformed escape is refused before any file lookup (issue 11).
    expect((await raw("/%E0%A4%A")).status).toBe(400);
    const post = await raw("/css/site.css", "POST");
    expect(post.status).not.toBe(200);
    expect(post.body).not.toContain("color:red");
  });

  it("routes win over files of the same path", async () => {
    srv = await start({ routes: { "/page": Counter }, publicDir: pub });
    const r = await raw("/page");
    expect(r.status).toBe(200);
    expect(r.body).toContain("Count: 0");
  });
});

describe("static files compressed", () => {
  it("serves text over 1 KiB as brotli or gzip by Accept-Encoding, with Vary", async () => {
    srv = await start({ routes: { "/": Counter }, publicDir: pub });
    const br = await raw("/css/app.css", "GET", { "accept-encoding": CHROMIUM_AE });
    expect([br.status, br.headers["content-encoding"], br.headers.vary]).toEqual([
      200,
      "br",
      "Accept-Encoding",
    ]);
    expect(br.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(br.headers["content-length"]).toBe(String(br.bytes.byteLength));
    expect(brotliDecompressSync(br.bytes).toString()).toBe(APP_CSS);

    const gz = await raw("/css/app.css", "GET", { "accept-encoding": "gzip, deflate" });
    expect([gz.headers["content-encoding"], gz.headers.vary]).toEqual(["gzip", "Accept-Encoding"]);
    expect(gunzipSync(gz.bytes).toString()).toBe(APP_CSS);

    const json = await raw("/data.json", "GET", { "accept-encoding": "br" });
    expect(json.headers["content-encoding"]).toBe("br");

    for (const ae of [undefined, "identity", "zstd"]) {
      const id = await raw(
        "/css/app.css",
        "GET",
        ae === undefined ? {} : { "accept-encoding": ae },
      );
      expect([ae, id.headers["content-encoding"], id.headers.vary, id.body]).toEqual([
        ae,
        undefined,
        "Accept-Encoding",
        APP_CSS,
      ]);
      expect(id.headers["content-length"]).toBe(String(APP_CSS.length));
    }
  });

  it("has an ETag per coding and answers 304 per coding", async () => {
    srv = await start({ routes: { "/": Counter }, publicDir: pub });
    const tags: string[] = [];
    for (const ae of ["br", "gzip", "identity"]) {
      const r = await raw("/css/app.css", "GET", { "accept-encoding": ae });
      tags.push(r.headers.etag!);
      const again = await raw("/css/app.css", "GET", {
        "accept-encoding": ae,
        "if-none-match": r.headers.etag!,
      });
      const h = again.headers;
      expect([ae, again.status, h.etag, h.vary, h["content-encoding"], again.body]).toEqual([
        ae,
        304,
        r.headers.etag,
        "Accept-Encoding",
        undefined,
        "",
      ]);
    }
    const base = tags[2]!;
    expect(base).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(tags).toEqual([`${base.slice(0, -1)}-br"`, `${base.slice(0, -1)}-gzip"`, base]);
    const stale = await raw("/css/app.css", "GET", {
      "accept-encoding": "br",
      "if-none-match": base,
    });
    expect([stale.status, stale.headers["content-encoding"]]).toEqual([200, "br"]);
  });

  it("answers HEAD with the headers of the GET it stands for", async () => {
    srv = await start({ routes: { "/": Counter }, publicDir: pub });
    const pick = (h: IncomingHttpHeaders) => [
      h["content-encoding"],
      h["content-length"],
      h["content-type"],
      h.etag,
      h.vary,
      h["last-modified"],
    ];
    for (const ae of ["br", "gzip", "identity"]) {
      const get = await raw("/css/app.css", "GET", { "accept-encoding": ae });
      const head = await raw("/css/app.css", "HEAD", { "accept-encoding": ae });
      expect([ae, head.status, head.bytes.byteLength]).toEqual([ae, 200, 0]);
      expect(pick(head.headers)).toEqual(pick(get.headers));
    }
  });

  it("never compresses images, fonts, or text under 1 KiB", async () => {
    srv = await start({ routes: { "/": Counter }, publicDir: pub });
    for (const path of ["/logo.png", "/font.woff2", "/css/site.css"]) {
      const r = await raw(path, "GET", { "accept-encoding": CHROMIUM_AE });
      expect([path, r.status, r.headers["content-encoding"], r.headers.vary]).toEqual([
        path,
        200,
        undefined,
        undefined,
      ]);
    }
    expect((await raw("/logo.png", "GET", { "accept-encoding": "br" })).bytes).toEqual(
      Buffer.alloc(8192),
    );
  });

  it("serves the new bytes after the file changes", async () => {
    srv = await start({ routes: { "/": Counter }, publicDir: pub });
    const file = join(pub, "css", "changing.css");
    writeFileSync(file, APP_CSS);
    const first = await raw("/css/changing.css", "GET", { "accept-encoding": "br" });
    const next = APP_CSS.replaceAll("#ddd", "#eee");
    writeFileSync(file, next);
    // Same size: only the mtime tells the versions apart.
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const second = await raw("/css/changing.css", "GET", { "accept-encoding": "br" });
    expect(second.headers.etag).not.toBe(first.headers.etag);
    expect(brotliDecompressSync(second.bytes).toString()).toBe(next);
  });
});

describe("resolveInside / contentTypeOf / isCompressible", () => {
  it("compresses text formats from 1 KiB to 4 MiB only", () => {
    expect(isCompressible("a.css", 1024)).toBe(true);
    expect(isCompressible("a.CSS", 4 * 1024 * 1024)).toBe(true);
    expect(isCompressible("a.css", 1023)).toBe(false);
    expect(isCompressible("a.js", 4 * 1024 * 1024 + 1)).toBe(false);
    for (const ext of ["html", "js", "mjs", "json", "map", "txt", "xml", "svg", "webmanifest"]) {
      expect([ext, isCompressible(`a.${ext}`, 5000)]).toEqual([ext, true]);
    }
    for (const ext of ["png", "jpg", "webp", "avif", "woff", "woff2", "ico", "pdf", "bin"]) {
      expect([ext, isCompressible(`a.${ext}`, 5000)]).toEqual([ext, false]);
    }
  });

  it("confines paths to the root", () => {
    expect(resolveInside("/srv/pub", "/a/b.css")).toBe("/srv/pub/a/b.css");
    expect(resolveInside("/srv/pub", "/a%20b.txt")).toBe("/srv/pub/a b.txt");
    for (const p of ["/..", "/a/../../x", "/%2e%2e/x", "a.css", "/", "/a//b", "/a\\b", "/%00"]) {
      expect([p, resolveInside("/srv/pub", p)]).toEqual([p, undefined]);
    }
  });

  it("maps extensions case-insensitively, unknown to octet-stream", () => {
    expect(contentTypeOf("x.SVG")).toBe("image/svg+xml");
    expect(contentTypeOf("x.woff2")).toBe("font/woff2");
    expect(contentTypeOf("README")).toBe("application/octet-stream");
  });
});
