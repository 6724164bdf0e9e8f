/** docs/protocol.md's constants tables match the code, in both directions. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  CloseCode,
  EventType,
  Feature,
  FrameType,
  Mod,
  NodeKind,
  PatchOp,
  PointerKind,
  PointerType,
  ScrollAlign,
} from "../../src/protocol/constants.ts";
import { ErrorCode, errorId, isWireCode } from "../../src/protocol/error-code.ts";
import { ERRORS } from "../../src/protocol/errors.ts";
import { JsonTag } from "../../src/protocol/json-value.ts";
import { DEFAULT_LIMITS, HARD_MAX_DEPTH, HARD_MAX_STRING } from "../../src/protocol/limits.ts";

const doc = readFileSync(
  fileURLToPath(new URL("../../../../docs/protocol.md", import.meta.url)),
  "utf8",
);

/** Rows (cells) of the first table after the `## title` or `### title` heading. */
function table(title: string): string[][] {
  const lines = doc.split("\n");
  const at = lines.findIndex((l) => l === `## ${title}` || l === `### ${title}`);
  if (at < 0) throw new Error(`no section "${title}"`);
  const rows: string[][] = [];
  let inTable = false;
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("|")) {
      inTable = true;
      rows.push(
        line
          .slice(1, -1)
          .split("|")
          .map((c) => c.trim()),
      );
    } else if (inTable || line.startsWith("#")) break;
  }
  // drop the header and the |---| separator
  return rows.slice(2);
}

const sections: [string, Record<string, number>][] = [
  ["Frame types", FrameType],
  ["Event types", EventType],
  ["Patch ops", PatchOp],
  ["Node kinds", NodeKind],
  ["JSON value tags", JsonTag],
  ["Modifier bits", Mod],
  ["Pointer kinds", PointerKind],
  ["Pointer types", PointerType],
  ["Scroll align", ScrollAlign],
  ["Features", Feature],
  ["Close codes", CloseCode],
];

describe("docs/protocol.md", () => {
  for (const [title, constants] of sections) {
    it(`"${title}" lists exactly the constants in the code`, () => {
      const documented = Object.fromEntries(
        table(title).map(([name, value]) => [name, Number(value)]),
      );
      expect(documented).toEqual({ ...constants });
    });
  }

  it("the error code table matches the registry (id, HTTP status, close code)", () => {
    const documented = table("Error codes").map(([code, id, status, close]) => [
      code,
      Number(id),
      Number(status),
      Number(close),
    ]);
    const registry = Object.values(ErrorCode)
      .filter(isWireCode)
      .map((code) => [code, errorId(code), ERRORS[code].status, ERRORS[code].close]);
    expect(documented).toEqual(registry);
  });

  it("every error maps to a defined close code", () => {
    const closes = new Set<number>(Object.values(CloseCode));
    for (const code of Object.values(ErrorCode)) expect(closes.has(ERRORS[code].close)).toBe(true);
  });

  it("the limits table matches the defaults and hard caps", () => {
    const rows = new Map(table("Limits").map(([name, def, cap]) => [name, [def, cap]]));
    expect([...rows.keys()].sort()).toEqual(Object.keys(DEFAULT_LIMITS).sort());
    for (const [name, value] of Object.entries(DEFAULT_LIMITS)) {
      expect(Number(rows.get(name)![0]), name).toBe(value);
    }
    expect(Number(rows.get("maxString")![1])).toBe(HARD_MAX_STRING);
    for (const name of ["maxVNodeDepth", "maxPatchDepth", "maxHookDepth"]) {
      expect(Number(rows.get(name)![1]), name).toBe(HARD_MAX_DEPTH);
    }
  });
});
