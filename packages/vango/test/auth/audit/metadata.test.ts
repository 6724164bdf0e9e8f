/** Audit metadata: redaction rules, the 2 KB cap, and values Postgres' jsonb accepts. */
import { describe, expect, it } from "vitest";
import {
  auditMetadata,
  auditText,
  compileRedaction,
  MAX_METADATA_BYTES,
} from "../../../src/auth/audit/metadata.ts";

const rules = compileRedaction({ keys: ["iban"], patterns: [/\+?\d[\d -]{8,}\d/] });
const parse = (s: string | null) =>
  s === null ? null : (JSON.parse(s) as Record<string, unknown>);

describe("auditMetadata", () => {
  it("redacts secret keys at any depth, e-mail addresses, bearer tokens and the app's rules", () => {
    const out = parse(
      auditMetadata(
        {
          password: "hunter2",
          nested: { apiKey: "k", refreshToken: "t", note: "mail ada@example.com please" },
          header: "Bearer eyJabc.def",
          url: "/cb?code=1&token=secret",
          iban: "DE89 3704 0044 0532 0130 00",
          phone: "call +49 170 1234567 now",
          count: 3,
        },
        rules,
      ),
    );
    expect(out).toEqual({
      password: "[REDACTED]",
      nested: { apiKey: "[REDACTED]", refreshToken: "[REDACTED]", note: "mail [EMAIL] please" },
      header: "Bearer [REDACTED]",
      url: "/cb?code=1&token=[REDACTED]",
      iban: "[REDACTED]",
      phone: "call [REDACTED] now",
      count: 3,
    });
  });

  it("keeps at most 2 KB of JSON: long strings, arrays and depth cut, then keys dropped", () => {
    const big: Record<string, unknown> = {};
    for (let i = 0; i < 40; i++) big[`k${i}`] = "x".repeat(300);
    const json = auditMetadata(big, rules)!;
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_METADATA_BYTES);
    const out = parse(json)!;
    expect(out._truncated).toBe(true);
    expect(out.k0).toMatch(/^x{256}…\[truncated 44 chars\]$/);
    expect(out.k39).toBeUndefined();
    const deep = parse(
      auditMetadata({ a: { b: { c: { d: { e: 1 } } } }, list: Array(30).fill(1) }, rules),
    )!;
    expect(deep).toEqual({
      a: { b: { c: { d: "[Depth]" } } },
      list: [...Array(20).fill(1), "[…10 more items]"],
    });
    const one = auditMetadata({ only: "é".repeat(2000) }, rules)!;
    expect(Buffer.byteLength(one)).toBeLessThanOrEqual(MAX_METADATA_BYTES);
  });

  it("wraps non-objects, and replaces NUL and lone surrogates (jsonb refuses them)", () => {
    expect(auditMetadata(undefined, rules)).toBeNull();
    expect(parse(auditMetadata([1, 2], rules))).toEqual({ value: [1, 2] });
    const cut = `${"a".repeat(255)}\u{1F600}`; // the cut at 256 splits the emoji
    const out = parse(auditMetadata({ s: cut, n: "a\u0000b", "k\uD800": 1 }, rules))!;
    expect(out.s).toBe(`${"a".repeat(255)}\uFFFD…[truncated 1 chars]`);
    expect(out.n).toBe("a\uFFFDb");
    expect(out["k\uFFFD"]).toBe(1);
  });
});

describe("auditText", () => {
  it("cuts, cleans, and turns empty into null", () => {
    expect(auditText(undefined, 10)).toBeNull();
    expect(auditText("", 10)).toBeNull();
    expect(auditText("abcdef", 3)).toBe("abc");
    expect(auditText("a\u0000\uDC00", 10)).toBe("a\uFFFD\uFFFD");
  });
});
