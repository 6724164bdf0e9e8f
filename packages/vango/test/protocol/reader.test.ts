import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode, ProtocolError } from "../../src/protocol/error-code.ts";
import { DEFAULT_LIMITS, resolveLimits } from "../../src/protocol/limits.ts";
import { Reader } from "../../src/protocol/reader.ts";
import { Writer } from "../../src/protocol/writer.ts";
import { sint, text, uint, wellFormed } from "./arbitraries.ts";

const reader = (bytes: Uint8Array | number[], limits = DEFAULT_LIMITS) =>
  new Reader(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes), limits);

function written(fn: (w: Writer) => void): Uint8Array {
  const w = new Writer(4);
  fn(w);
  return w.finish();
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  return undefined;
}

describe("unsigned varint", () => {
  it("uses LEB128 with exact byte counts", () => {
    expect(written((w) => w.uint(0))).toEqual(Uint8Array.of(0));
    expect(written((w) => w.uint(127))).toEqual(Uint8Array.of(0x7f));
    expect(written((w) => w.uint(128))).toEqual(Uint8Array.of(0x80, 0x01));
    expect(written((w) => w.uint(16384))).toEqual(Uint8Array.of(0x80, 0x80, 0x01));
    expect(written((w) => w.uint(Number.MAX_SAFE_INTEGER))).toEqual(
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f),
    );
  });

  it("round-trips every safe integer", () => {
    fc.assert(
      fc.property(uint, (v) => {
        const r = reader(written((w) => w.uint(v)));
        expect(r.uint()).toBe(v);
        r.done();
      }),
    );
  });

  it("rejects overlong forms", () => {
    expect(codeOf(() => reader([0x80, 0x00]).uint())).toBe(ErrorCode.frame_malformed);
    expect(codeOf(() => reader([0xff, 0x80, 0x00]).uint())).toBe(ErrorCode.frame_malformed);
  });

  it("rejects 2^53 and 11-byte varints", () => {
    expect(codeOf(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]).uint())).toBe(
      ErrorCode.frame_malformed,
    );
    const eleven = [...Array(10).fill(0xff), 0x01];
    expect(codeOf(() => reader(eleven).uint())).toBe(ErrorCode.frame_malformed);
    expect(codeOf(() => reader(Array(20).fill(0x80)).uint())).toBe(ErrorCode.frame_malformed);
  });

  it("rejects a truncated varint", () => {
    expect(codeOf(() => reader([]).uint())).toBe(ErrorCode.frame_malformed);
    expect(codeOf(() => reader([0x80]).uint())).toBe(ErrorCode.frame_malformed);
  });
});

describe("zigzag varint", () => {
  it("maps small magnitudes to one byte", () => {
    expect(written((w) => w.sint(0))).toEqual(Uint8Array.of(0));
    expect(written((w) => w.sint(-1))).toEqual(Uint8Array.of(1));
    expect(written((w) => w.sint(1))).toEqual(Uint8Array.of(2));
    expect(written((w) => w.sint(-64))).toEqual(Uint8Array.of(127));
  });

  it("round-trips [-2^52, 2^52)", () => {
    fc.assert(
      fc.property(sint, (v) => {
        expect(reader(written((w) => w.sint(v))).sint()).toBe(v);
      }),
    );
  });
});

describe("bool and f64", () => {
  it("accepts only 0 and 1 as bool", () => {
    expect(reader([0]).bool()).toBe(false);
    expect(reader([1]).bool()).toBe(true);
    expect(codeOf(() => reader([2]).bool())).toBe(ErrorCode.frame_malformed);
  });

  it("round-trips doubles bit-exactly, including -0 and NaN", () => {
    fc.assert(
      fc.property(fc.double(), (v) => {
        expect(Object.is(reader(written((w) => w.f64(v))).f64(), v)).toBe(true);
      }),
    );
  });

  it("rejects a non-canonical NaN and a short f64", () => {
    const nan = [1, 0, 0, 0, 0, 0, 0xf8, 0x7f];
    expect(codeOf(() => reader(nan).f64())).toBe(ErrorCode.frame_malformed);
    expect(codeOf(() => reader([0, 0, 0]).f64())).toBe(ErrorCode.frame_malformed);
  });
});

describe("strings", () => {
  it("round-trips any string, lone surrogates as U+FFFD", () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = reader(written((w) => w.str(s)));
        expect(r.str()).toBe(wellFormed(s));
        r.done();
      }),
    );
  });

  it("prefixes the UTF-8 byte length", () => {
    expect(written((w) => w.str("é😀"))).toEqual(
      Uint8Array.of(6, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80),
    );
  });

  it("rejects invalid UTF-8 (overlong, CESU surrogates, stray continuation)", () => {
    for (const bad of [
      [2, 0xc0, 0x80],
      [3, 0xed, 0xa0, 0x80],
      [1, 0x80],
      [40, ...Array(39).fill(0x61), 0xff],
    ]) {
      expect(codeOf(() => reader(bad).str())).toBe(ErrorCode.frame_malformed);
    }
  });

  it("checks the length against the limit before the remaining bytes", () => {
    const limits = resolveLimits({ maxString: 3 });
    expect(reader([3, 0x61, 0x62, 0x63], limits).str()).toBe("abc");
    expect(codeOf(() => reader([4, 0x61], limits).str())).toBe(ErrorCode.limit_exceeded);
    expect(codeOf(() => reader([3, 0x61], limits).str())).toBe(ErrorCode.frame_malformed);
  });

  it("refuses a 16 MiB length backed by 2 bytes without allocating it", () => {
    const len = written((w) => w.uint(16 * 1024 * 1024));
    const bytes = Uint8Array.of(...len, 0x61, 0x62);
    const limits = resolveLimits({ maxString: 1e12 });
    expect(limits.maxString).toBe(16 * 1024 * 1024);
    expect(codeOf(() => reader(bytes, limits).str())).toBe(ErrorCode.frame_malformed);
    expect(codeOf(() => reader(bytes).str())).toBe(ErrorCode.limit_exceeded);
  });
});

describe("counts", () => {
  it("caps the count before checking the remaining bytes", () => {
    const huge = written((w) => w.uint(2 ** 50));
    expect(codeOf(() => reader(huge).count(1))).toBe(ErrorCode.limit_exceeded);
    const big = written((w) => w.uint(DEFAULT_LIMITS.maxItems));
    expect(codeOf(() => reader(big).count(1))).toBe(ErrorCode.frame_malformed);
    const unlimited = resolveLimits({ maxItems: Number.MAX_SAFE_INTEGER });
    expect(codeOf(() => reader(huge, unlimited).count(1))).toBe(ErrorCode.frame_malformed);
  });

  it("requires minBytes per item", () => {
    expect(reader([2, 0, 0, 0, 0]).count(2)).toBe(2);
    expect(codeOf(() => reader([2, 0, 0, 0]).count(2))).toBe(ErrorCode.frame_malformed);
  });
});

describe("done", () => {
  it("rejects trailing bytes", () => {
    const r = reader([1, 2]);
    r.u8();
    expect(codeOf(() => r.done())).toBe(ErrorCode.frame_malformed);
  });
});
