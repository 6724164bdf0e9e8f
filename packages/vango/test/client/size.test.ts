import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildClient } from "../../src/client/build.ts";

/** Budget for the whole minified client (protocol code included), gzipped. */
const BUDGET_GZ = 8192;

describe("client bundle", () => {
  it(`stays within ${BUDGET_GZ} bytes minified + gzipped`, async () => {
    const { code } = await buildClient({ minify: true });
    const gz = gzipSync(code).length;
    console.log(`client bundle: ${code.length} B minified, ${gz} B gzipped (budget ${BUDGET_GZ})`);
    expect(gz).toBeLessThanOrEqual(BUDGET_GZ);
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
