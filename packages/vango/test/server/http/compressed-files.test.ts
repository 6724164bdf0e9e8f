/**
 * The static-file compression cache: one compression per file version (shared by
 * concurrent requests), nothing served for a version the caller did not stat, and the
 * memory bound kept by evicting the least recently used files.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompressedFiles } from "../../../src/server/http/compressed-files.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "vango-compressed-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A text file of `n` distinct lines (so it compresses, but not to nothing). */
function textFile(name: string, n: number, seed = 0): string {
  const path = join(dir, name);
  let text = "";
  for (let i = 0; i < n; i++) text += `.c${i * 7919 + seed}{margin:${i % 13}px}\n`;
  writeFileSync(path, text);
  return path;
}

describe("CompressedFiles", () => {
  it("compresses a version once, sharing it between concurrent requests", async () => {
    const files = new CompressedFiles();
    const path = textFile("a.css", 200);
    const st = statSync(path);
    const [a, b] = await Promise.all([files.get(path, st), files.get(path, st)]);
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(await files.get(path, st)).toBe(a);
    expect(brotliDecompressSync(a!.encoded.br!)).toEqual(readFileSync(path));
  });

  it("gives nothing when the disk no longer holds the version the caller stat'ed", async () => {
    const files = new CompressedFiles();
    const path = textFile("b.css", 200);
    const old = statSync(path);
    textFile("b.css", 200, 1);
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    expect(await files.get(path, old)).toBeUndefined();
    const now = statSync(path);
    const fresh = await files.get(path, now);
    expect([fresh?.size, fresh?.mtimeMs]).toEqual([now.size, now.mtimeMs]);
    expect(brotliDecompressSync(fresh!.encoded.br!)).toEqual(readFileSync(path));
  });

  it("keeps its compressed bytes within the budget, evicting the least recently used", async () => {
    const paths = ["c1.css", "c2.css", "c3.css"].map((n, i) => textFile(n, 400, i * 100_000));
    const one = await new CompressedFiles().get(paths[0]!, statSync(paths[0]!));
    const perFile = one!.encoded.br!.byteLength + one!.encoded.gzip!.byteLength;
    // Room for two files, not three.
    const files = new CompressedFiles(Math.floor(perFile * 2.5));
    const first = await files.get(paths[0]!, statSync(paths[0]!));
    const second = await files.get(paths[1]!, statSync(paths[1]!));
    expect(await files.get(paths[0]!, statSync(paths[0]!))).toBe(first); // c1 now most recent
    await files.get(paths[2]!, statSync(paths[2]!));
    expect(files.bytes).toBeLessThanOrEqual(Math.floor(perFile * 2.5));
    expect(await files.get(paths[0]!, statSync(paths[0]!))).toBe(first);
    expect(await files.get(paths[1]!, statSync(paths[1]!))).not.toBe(second);
  });
});
