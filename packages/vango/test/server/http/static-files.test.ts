/**
 * `publicDir`: GET/HEAD of files with content type, ETag/304 and Cache-Control; nothing
 * outside the folder is ever read (raw request paths, since fetch normalises `..`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { contentTypeOf, resolveInside } from "../../../src/server/http/static-files.ts";
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
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** A request with the path sent exactly as given. */
function raw(
  path: string,
  method = "GET",
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: srv!.port, path, method, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
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
      "/%E0%A4%A",
    ];
    for (const path of attempts) {
      const r = await raw(path);
      expect([path, r.status]).toEqual([path, 404]);
      expect(r.body).not.toContain("TOP-SECRET");
      expect(r.body).not.toContain("SECRET=1");
    }
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

describe("resolveInside / contentTypeOf", () => {
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
