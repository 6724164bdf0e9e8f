/**
 * The size budget is about the bytes a browser downloads: the client is fetched through
 * a real app, as the page's `<script>` names it, with the `Accept-Encoding` Chromium
 * sends, and the body on the wire is what is measured (no separate recompression).
 */
import { type IncomingHttpHeaders, request } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildClient } from "../../src/client/build.ts";
import { createApp, type Listening } from "../../src/server/app.ts";
import { silentLogger } from "../../src/server/core/logger.ts";
import { h } from "../../src/vdom/create-element.ts";

/** Budget for the whole minified client (protocol code included), as served with brotli. */
const BUDGET_BR = 8192;

let listening: Listening;
let scriptPath: string;
beforeAll(async () => {
  listening = await createApp({
    routes: { "/": () => h("p", null, "hi") },
    minifyClient: true,
    logger: silentLogger,
  }).listen(0);
  const html = await (await fetch(`http://127.0.0.1:${listening.port}/`)).text();
  scriptPath = /<script defer src="(\/_vango\/client\.[0-9a-f]+\.js)"/.exec(html)![1]!;
});
afterAll(() => listening.close());

/** The client as served for `acceptEncoding`: headers and the raw bytes on the wire. */
function served(acceptEncoding?: string): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  const headers = acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: listening.port, path: scriptPath, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("client bundle", () => {
  it(`is served within ${BUDGET_BR} bytes to a browser that accepts brotli`, async () => {
    const { code } = await buildClient({ minify: true });
    const br = await served("gzip, deflate, br, zstd");
    const gz = await served("gzip, deflate");
    const raw = await served();
    expect([br.headers["content-encoding"], gz.headers["content-encoding"]]).toEqual([
      "br",
      "gzip",
    ]);
    expect(raw.headers["content-encoding"]).toBeUndefined();
    expect(brotliDecompressSync(br.body).toString()).toBe(code);
    expect(gunzipSync(gz.body).toString()).toBe(code);
    expect(raw.body.toString()).toBe(code);
    console.log(
      `client bundle as served: ${raw.body.byteLength} B identity, ${br.body.byteLength} B brotli, ` +
        `${gz.body.byteLength} B gzip (budget ${BUDGET_BR} brotli)`,
    );
    expect(br.headers["content-length"]).toBe(String(br.body.byteLength));
    expect(br.body.byteLength).toBeLessThanOrEqual(BUDGET_BR);
  });

  it("is one IIFE with a content hash", async () => {
    const a = await buildClient({ minify: true });
    const b = await buildClient({ minify: false });
    expect(a.code.startsWith('"use strict";(()=>{')).toBe(true);
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(b.hash).not.toBe(a.hash);
    expect((await buildClient({ minify: true })).hash).toBe(a.hash);
    expect(a.code).not.toMatch(/\bimport\b|\bexport\b|require\(/);
  });
});
