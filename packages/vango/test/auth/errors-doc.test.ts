/** docs/errors.md's "Auth refusals" table lists exactly `AuthErrorCode`, in order. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AuthErrorCode } from "../../src/auth/errors.ts";

const doc = readFileSync(
  fileURLToPath(new URL("../../../../docs/errors.md", import.meta.url)),
  "utf8",
);

describe("docs/errors.md, Auth refusals", () => {
  it("lists every auth refusal code, each with a when", () => {
    const lines = doc.split("\n");
    const at = lines.indexOf("## Auth refusals");
    expect(at).toBeGreaterThan(0);
    const rows: [string, string][] = [];
    for (let i = at + 1; i < lines.length && !lines[i]!.startsWith("#"); i++) {
      const l = lines[i]!;
      if (!l.startsWith("|") || l.startsWith("| Code") || l.startsWith("| ---")) continue;
      const [code, when] = l
        .slice(1, -1)
        .split("|")
        .map((c) => c.trim()) as [string, string];
      rows.push([code, when]);
    }
    expect(rows.map(([c]) => c)).toEqual(Object.values(AuthErrorCode));
    for (const [code, when] of rows) expect([code, when.length > 10]).toEqual([code, true]);
  });
});
