/** docs/errors.md's "VangoUI registry" table lists exactly `UiRegistryErrorCode`, in order. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { UiRegistryErrorCode } from "../../src/ui-registry/registry-error.ts";

const doc = readFileSync(
  fileURLToPath(new URL("../../../../docs/errors.md", import.meta.url)),
  "utf8",
);

it("docs/errors.md lists every VangoUI registry code, each with a when", () => {
  const lines = doc.split("\n");
  const at = lines.indexOf("## VangoUI registry");
  expect(at).toBeGreaterThan(0);
  const rows: [string, string][] = [];
  for (let i = at + 1; i < lines.length && !lines[i]!.startsWith("#"); i++) {
    const l = lines[i]!;
    if (!l.startsWith("|") || l.startsWith("| Code") || l.startsWith("| ---")) continue;
    rows.push(
      l
        .slice(1, -1)
        .split("|")
        .map((c) => c.trim()) as [string, string],
    );
  }
  expect(rows.map(([c]) => c)).toEqual(Object.values(UiRegistryErrorCode));
  for (const [code, when] of rows) expect([code, when.length > 10]).toEqual([code, true]);
});
