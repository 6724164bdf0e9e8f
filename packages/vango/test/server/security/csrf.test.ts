import { describe, expect, it } from "vitest";
import { CsrfSigner } from "../../../src/server/security/csrf.ts";

describe("CsrfSigner", () => {
  it("verifies its own token for the same sid only", () => {
    const s = new CsrfSigner("0123456789abcdef0123");
    const t = s.sign("sid-1");
    expect(s.verify("sid-1", t)).toBe(t);
    expect(s.verify("sid-2", t)).toBeUndefined();
    expect(s.verify("sid-1", t.slice(1))).toBeUndefined();
    expect(s.verify("sid-1", "")).toBeUndefined();
  });

  it("is deterministic per secret and differs across secrets", () => {
    const a = new CsrfSigner("0123456789abcdef0123");
    const b = new CsrfSigner("0123456789abcdef0123");
    const c = new CsrfSigner("fedcba98765432100123");
    expect(a.sign("x")).toBe(b.sign("x"));
    expect(a.sign("x")).not.toBe(c.sign("x"));
    expect(c.verify("x", a.sign("x"))).toBeUndefined();
  });

  it("random per-process secrets differ and short secrets are refused", () => {
    expect(new CsrfSigner().sign("x")).not.toBe(new CsrfSigner().sign("x"));
    expect(() => new CsrfSigner("short")).toThrow(RangeError);
  });
});
