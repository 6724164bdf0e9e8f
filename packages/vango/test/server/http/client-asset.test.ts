import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  gunzipSync,
  gzipSync,
} from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { ClientAsset, defaultClientBuilder } from "../../../src/server/http/client-asset.ts";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(asset: ClientAsset): Promise<string> {
  server = createServer((req, res) => {
    const path = req.url!;
    if (asset.matches(path)) void asset.serve(req, res, path);
    else res.end("other");
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const a = server.address();
  return `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
}

/** A request whose body comes back as the raw bytes on the wire (fetch would decode them). */
function rawGet(
  url: string,
  headers: Record<string, string>,
  method = "GET",
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
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

/** Compressible enough that brotli and gzip both pay off. */
const CODE = "(function(){var counter=0;function inc(){counter++}inc();})();\n".repeat(100);

describe("ClientAsset", () => {
  it("builds once and caches the promise", async () => {
    let builds = 0;
    const asset = new ClientAsset(async () => {
      builds++;
      return { code: "x()", hash: "h1" };
    });
    const [a, b] = await Promise.all([asset.path(), asset.path()]);
    expect(a).toBe("/_vango/client.h1.js");
    expect(b).toBe(a);
    expect(builds).toBe(1);
  });

  it("retries a failed build on the next request", async () => {
    let n = 0;
    const asset = new ClientAsset(async () => {
      if (n++ === 0) throw new Error("esbuild failed");
      return { code: "x()", hash: "h2" };
    });
    await expect(asset.path()).rejects.toThrow("esbuild failed");
    expect(await asset.path()).toBe("/_vango/client.h2.js");
  });

  it("answers HEAD without a body and accepts weak and listed ETags", async () => {
    const base = await serve(new ClientAsset(async () => ({ code: "abc", hash: "h3" })));
    const head = await fetch(base + "/_vango/client.h3.js", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("3");
    expect(await head.text()).toBe("");
    for (const inm of ['W/"h3"', '"zz", "h3"', "*"]) {
      const r = await fetch(base + "/_vango/client.h3.js", { headers: { "if-none-match": inm } });
      expect(r.status).toBe(304);
    }
    const miss = await fetch(base + "/_vango/client.h3.js", {
      headers: { "if-none-match": '"zz"' },
    });
    expect(miss.status).toBe(200);
  });

  it("serves brotli, gzip or identity by Accept-Encoding, never zstd, with Vary", async () => {
    const base = await serve(new ClientAsset(async () => ({ code: CODE, hash: "h4" })));
    const url = base + "/_vango/client.h4.js";
    const br = await rawGet(url, { "accept-encoding": "gzip, deflate, br, zstd" });
    expect([br.status, br.headers["content-encoding"], br.headers.vary]).toEqual([
      200,
      "br",
      "Accept-Encoding",
    ]);
    expect(br.headers["content-length"]).toBe(String(br.body.byteLength));
    expect(brotliDecompressSync(br.body).toString()).toBe(CODE);

    const gz = await rawGet(url, { "accept-encoding": "gzip, deflate" });
    expect([gz.headers["content-encoding"], gz.headers.vary]).toEqual(["gzip", "Accept-Encoding"]);
    expect(gunzipSync(gz.body).toString()).toBe(CODE);
    expect(br.body.byteLength).toBeLessThan(gz.body.byteLength);

    for (const ae of ["zstd", "identity", "br;q=0, gzip;q=0"]) {
      const id = await rawGet(url, { "accept-encoding": ae });
      expect([ae, id.headers["content-encoding"], id.headers.vary]).toEqual([
        ae,
        undefined,
        "Accept-Encoding",
      ]);
      expect(id.body.toString()).toBe(CODE);
    }
    const none = await rawGet(url, {});
    expect([none.headers["content-encoding"], none.body.toString()]).toEqual([undefined, CODE]);
  });

  it("has an ETag per coding, and 304 only for the coding the request would get", async () => {
    const base = await serve(new ClientAsset(async () => ({ code: CODE, hash: "h5" })));
    const url = base + "/_vango/client.h5.js";
    const tags = new Map<string, string>();
    for (const ae of ["br", "gzip", "identity"]) {
      tags.set(ae, (await rawGet(url, { "accept-encoding": ae })).headers.etag!);
    }
    expect([...tags.values()]).toEqual(['"h5-br"', '"h5-gzip"', '"h5"']);
    for (const [ae, etag] of tags) {
      const hit = await rawGet(url, { "accept-encoding": ae, "if-none-match": etag });
      const h = hit.headers;
      expect([ae, hit.status, h.etag, h.vary, h["content-encoding"], hit.body.byteLength]).toEqual([
        ae,
        304,
        etag,
        "Accept-Encoding",
        undefined,
        0,
      ]);
    }
    // A gzip copy's tag does not revalidate for a client that now gets brotli.
    const other = await rawGet(url, { "accept-encoding": "br", "if-none-match": '"h5-gzip"' });
    expect([other.status, other.headers["content-encoding"]]).toEqual([200, "br"]);
  });

  it("answers HEAD with the headers of the GET it stands for", async () => {
    const base = await serve(new ClientAsset(async () => ({ code: CODE, hash: "h6" })));
    const url = base + "/_vango/client.h6.js";
    for (const ae of ["br", "gzip", "identity"]) {
      const get = await rawGet(url, { "accept-encoding": ae });
      const head = await rawGet(url, { "accept-encoding": ae }, "HEAD");
      const pick = (h: IncomingHttpHeaders) => [
        h["content-encoding"],
        h["content-length"],
        h.etag,
        h.vary,
        h["content-type"],
        h["cache-control"],
      ];
      expect([head.status, head.body.byteLength]).toEqual([200, 0]);
      expect(pick(head.headers)).toEqual(pick(get.headers));
    }
  });

  it("answers an outdated hash with the coded 404", async () => {
    const base = await serve(new ClientAsset(async () => ({ code: CODE, hash: "h7" })));
    const r = await rawGet(base + "/_vango/client.old.js", { accept: "application/json" });
    expect([r.status, r.headers["x-vango-error"]]).toEqual([404, "not_found"]);
  });

  it("serves a bundle's own precompressed bytes as given, not compressed again", async () => {
    // Quality 1 and level 1: bytes the server's quality 11 and level 9 would never produce.
    const br = brotliCompressSync(CODE, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
    const gzip = gzipSync(CODE, { level: 1 });
    const base = await serve(new ClientAsset(async () => ({ code: CODE, hash: "p1", br, gzip })));
    const url = base + "/_vango/client.p1.js";
    const got = new Map<
      string,
      { encoding: unknown; vary: unknown; etag: unknown; body: Buffer }
    >();
    for (const ae of ["br", "gzip", ""]) {
      const r = await rawGet(url, ae === "" ? {} : { "accept-encoding": ae });
      expect(r.status).toBe(200);
      expect(r.headers["content-length"]).toBe(String(r.body.byteLength));
      const h = r.headers;
      got.set(ae, { encoding: h["content-encoding"], vary: h.vary, etag: h.etag, body: r.body });
    }
    expect(got.get("br")).toEqual({
      encoding: "br",
      vary: "Accept-Encoding",
      etag: '"p1-br"',
      body: br,
    });
    expect(got.get("gzip")).toEqual({
      encoding: "gzip",
      vary: "Accept-Encoding",
      etag: '"p1-gzip"',
      body: gzip,
    });
    expect(got.get("")).toEqual({
      encoding: undefined,
      vary: "Accept-Encoding",
      etag: '"p1"',
      body: Buffer.from(CODE),
    });
    const hit = await rawGet(url, { "accept-encoding": "br", "if-none-match": '"p1-br"' });
    expect(hit.status).toBe(304);
  });

  it("compresses only the codings a bundle does not bring", async () => {
    const gzip = gzipSync(CODE, { level: 1 });
    const base = await serve(new ClientAsset(async () => ({ code: CODE, hash: "p2", gzip })));
    const url = base + "/_vango/client.p2.js";
    const br = await rawGet(url, { "accept-encoding": "br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.body).toString()).toBe(CODE);
    expect((await rawGet(url, { "accept-encoding": "gzip" })).body).toEqual(gzip);
  });

  it("drops a given coding that is not smaller than the code", async () => {
    const code = "x()";
    const br = brotliCompressSync(code);
    expect(br.byteLength).toBeGreaterThanOrEqual(code.length);
    const base = await serve(new ClientAsset(async () => ({ code, hash: "p3", br })));
    const r = await rawGet(base + "/_vango/client.p3.js", { "accept-encoding": "br, gzip" });
    expect([r.headers["content-encoding"], r.headers.vary, r.body.toString()]).toEqual([
      undefined,
      undefined,
      code,
    ]);
  });

  it("shares one default build, and so one compression, between the apps of a process", async () => {
    const [a, b] = [
      new ClientAsset(defaultClientBuilder(true)),
      new ClientAsset(defaultClientBuilder(true)),
    ];
    const [pa, pb] = await Promise.all([a.path(), b.path()]);
    expect(pa).toBe(pb);
    expect(await defaultClientBuilder(true)()).toBe(await defaultClientBuilder(true)());
  });
});
