/**
 * Content-coding negotiation (RFC 9110 §12.5.3), per-coding ETags, weak If-None-Match,
 * and precompression that keeps only the codings that save bytes.
 */
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  type Encoded,
  etagFor,
  ifNoneMatch,
  negotiateCoding,
  parseAcceptEncoding,
  precompress,
} from "../../../src/server/http/representation.ts";

const BOTH: Encoded = { br: Buffer.from("b"), gzip: Buffer.from("g") };
const GZIP_ONLY: Encoded = { br: undefined, gzip: Buffer.from("g") };
const NONE: Encoded = { br: undefined, gzip: undefined };

describe("negotiateCoding", () => {
  const cases: [string | undefined, Encoded, string][] = [
    // Chromium's header: zstd is listed first-class but never chosen.
    ["gzip, deflate, br, zstd", BOTH, "br"],
    ["zstd", BOTH, "identity"],
    ["zstd, gzip;q=0.5", BOTH, "gzip"],
    ["gzip, deflate", BOTH, "gzip"],
    [undefined, BOTH, "identity"],
    ["", BOTH, "identity"],
    ["identity", BOTH, "identity"],
    // q-values win over the server's preference.
    ["br;q=0.5, gzip", BOTH, "gzip"],
    ["br;q=1.0, gzip;q=0.999", BOTH, "br"],
    ["br;q=0, gzip;q=0", BOTH, "identity"],
    ["gzip;q=0.1", BOTH, "gzip"],
    ["gzip;q=0.1, identity;q=0.5", BOTH, "identity"],
    // `*` stands for every coding not listed, identity included.
    ["*", BOTH, "br"],
    ["*;q=0.5, br;q=0", BOTH, "gzip"],
    ["*;q=0", BOTH, "identity"],
    ["*;q=0, identity;q=0", BOTH, "identity"],
    ["br;q=0.8, *;q=0.9", BOTH, "gzip"],
    // Only codings we hold compete.
    ["br", GZIP_ONLY, "identity"],
    ["br, gzip;q=0.2", GZIP_ONLY, "gzip"],
    ["gzip, br", NONE, "identity"],
    // Case, whitespace, the x-gzip alias, malformed q-values ignored.
    ["  GZIP ; Q=0.7 ,  Br;q=0.6", BOTH, "gzip"],
    ["x-gzip", BOTH, "gzip"],
    ["br;q=2, gzip", BOTH, "gzip"],
    ["br;q=abc, gzip;q=0.3", BOTH, "gzip"],
    ["br;q=0.001, gzip;q=0.0005", BOTH, "br"],
    [",,br,,", BOTH, "br"],
  ];
  it("picks the highest q among the codings held; br, gzip, identity on a tie", () => {
    const got = cases.map(([header, encoded]) => [header, negotiateCoding(header, encoded)]);
    expect(got).toEqual(cases.map(([header, , want]) => [header, want]));
  });

  it("parses members, keeping the first weight of a repeated name", () => {
    expect([...parseAcceptEncoding("gzip;q=0, gzip, br;level=5;q=0.3, x-gzip;q=1")]).toEqual([
      ["gzip", 0],
      ["br", 0.3],
    ]);
  });
});

describe("ETags per coding and If-None-Match", () => {
  it("appends the coding inside the quotes, identity keeps the base", () => {
    expect(etagFor('"abc"', "identity")).toBe('"abc"');
    expect(etagFor('"abc"', "br")).toBe('"abc-br"');
    expect(etagFor('W/"f-18c"', "gzip")).toBe('W/"f-18c-gzip"');
  });

  it("compares weakly, lists and `*` match", () => {
    expect(ifNoneMatch('"abc-br"', '"abc-br"')).toBe(true);
    expect(ifNoneMatch('W/"abc-br"', '"abc-br"')).toBe(true);
    expect(ifNoneMatch('"abc-br"', 'W/"abc-br"')).toBe(true);
    expect(ifNoneMatch('"x", "abc-br" ', '"abc-br"')).toBe(true);
    expect(ifNoneMatch("*", '"abc-br"')).toBe(true);
    expect(ifNoneMatch('"abc"', '"abc-br"')).toBe(false);
    expect(ifNoneMatch('"abc-gzip"', '"abc-br"')).toBe(false);
    expect(ifNoneMatch(undefined, '"abc"')).toBe(false);
  });
});

describe("precompress", () => {
  it("returns brotli and gzip bodies that decompress to the input", async () => {
    const body = Buffer.from("function hello(){return 'hello world'}\n".repeat(200));
    const { br, gzip } = await precompress(body, 11);
    expect(br!.byteLength).toBeLessThan(gzip!.byteLength);
    expect(gzip!.byteLength).toBeLessThan(body.byteLength);
    expect(brotliDecompressSync(br!)).toEqual(body);
    expect(gunzipSync(gzip!)).toEqual(body);
  });

  it("drops a coding that does not make the body smaller", async () => {
    expect(await precompress(Buffer.from("abc"), 11)).toEqual({ br: undefined, gzip: undefined });
  });
});
