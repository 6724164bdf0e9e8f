import { describe, expect, it } from "vitest";
import { constantKeys, inlineConstants } from "../../src/client/build.ts";
import { CloseCode, FrameType } from "../../src/protocol/constants.ts";
import { ErrorCode } from "../../src/protocol/error-code.ts";
import { PatchOp } from "../../src/protocol/patch.ts";

describe("inlineConstants", () => {
  it("replaces constant reads, also through import aliases, with their literals", () => {
    const src =
      'import { PatchOp as P } from "../protocol/patch.ts";\n' +
      'import { CloseCode, FrameType } from "../protocol/constants.ts";\n' +
      "f(P.Move, FrameType.Ack, CloseCode.SessionGone, ErrorCode.rate_limited);";
    expect(inlineConstants(src).split("\n")[2]).toBe(
      `f(${PatchOp.Move}, ${FrameType.Ack}, ${CloseCode.SessionGone}, "${ErrorCode.rate_limited}");`,
    );
  });

  it("leaves types, unknown members, other objects and property chains alone", () => {
    const src =
      "type T = typeof FrameType.Ack; g(FrameType.Nope, P.Move, x.FrameType.Ack, FrameType);";
    expect(inlineConstants(src)).toBe(src);
  });

  it("lists the constant keys the minifier may shorten", () => {
    const keys = constantKeys();
    expect(keys).toContain("SessionGone");
    expect(keys).toContain("Move");
    expect(keys).not.toContain("rate_limited");
  });
});
