/** docs/errors.md lists exactly the registry: every code, status, close code and message. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERRORS } from "../../../src/protocol/errors.ts";

const doc = readFileSync(
  fileURLToPath(new URL("../../../../../docs/errors.md", import.meta.url)),
  "utf8",
);

function registryTable(): Record<string, { status: number; close: number; message: string }> {
  const lines = doc.split("\n");
  const at = lines.indexOf("## Registry");
  if (at < 0) throw new Error("no ## Registry section");
  const out: Record<string, { status: number; close: number; message: string }> = {};
  let rows = 0;
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("#")) break;
    if (!line.startsWith("|")) continue;
    rows++;
    if (rows <= 2) continue; // header and separator
    const [code, status, close, message, when] = line
      .slice(1, -1)
      .split("|")
      .map((c) => c.trim());
    if (code === undefined || code in out) throw new Error(`bad or duplicate row: ${line}`);
    expect(when, `"when" of ${code}`).not.toBe("");
    out[code] = { status: Number(status), close: Number(close), message: message! };
  }
  return out;
}

describe("docs/errors.md", () => {
  it("matches ERRORS exactly, in both directions", () => {
    expect(registryTable()).toEqual({ ...ERRORS });
  });

  it("lists the codes in registry (wire id) order", () => {
    expect(Object.keys(registryTable())).toEqual(Object.keys(ERRORS));
  });
});
