import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildClient } from "../../src/client/build.ts";

/** Budget for the whole minified client (protocol code included), as brotli. */
const BUDGET_BR = 8192;

describe("client bundle", () => {
  it(`stays within ${BUDGET_BR} bytes minified + brotli`, async () => {
    const { code } = await buildClient({ minify: true });
    const br = brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length;
    const gz = gzipSync(code, { level: 9 }).length;
    console.log(
      `client bundle: ${code.length} B minified, ${br} B brotli, ${gz} B gzip (budget ${BUDGET_BR} brotli)`,
    );
    expect(br).toBeLessThanOrEqual(BUDGET_BR);
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
