/**
 * Every decode path that reads a count or a nesting level is capped. Each case sends a
 * huge count with a handful of bytes: over `maxItems` it is `limit_exceeded`; with
 * `maxItems` lifted it is `frame_malformed` (not enough bytes), which proves the count
 * is checked before anything is allocated for it.
 */
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "../../src/protocol/codec.ts";
import {
  CloseCode,
  EventType,
  FrameType,
  NodeKind,
  PatchOp,
  PROTOCOL_VERSION,
} from "../../src/protocol/constants.ts";
import { ErrorCode, errorId, ProtocolError } from "../../src/protocol/error-code.ts";
import { JsonTag } from "../../src/protocol/json-value.ts";
import { type Limits, resolveLimits } from "../../src/protocol/limits.ts";
import type { JsonValue, WireNode } from "../../src/protocol/patch.ts";
import { Writer } from "../../src/protocol/writer.ts";

const HUGE = 2 ** 50;
const NO_ITEM_CAP = resolveLimits({ maxItems: Number.MAX_SAFE_INTEGER });

function bytes(fn: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fn(w);
  return w.finish();
}

function codeOf(b: Uint8Array, limits?: Partial<Limits>): string {
  try {
    decodeFrame(b, limits);
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  return "ok";
}

const paths: [string, (w: Writer, n: number) => void][] = [
  [
    "patch list",
    (w, n) => {
      w.u8(FrameType.Patches);
      w.uint(1);
      w.uint(0);
      w.uint(n);
    },
  ],
  [
    "element attributes",
    (w, n) => {
      w.u8(FrameType.FullResync);
      w.uint(1);
      w.u8(NodeKind.Element);
      w.str("div");
      w.uint(1);
      w.uint(n);
    },
  ],
  [
    "element children",
    (w, n) => {
      w.u8(FrameType.Patches);
      w.uint(1);
      w.uint(0);
      w.uint(1);
      w.u8(PatchOp.Insert);
      w.uint(1);
      w.uint(0);
      w.u8(NodeKind.Element);
      w.str("ul");
      w.uint(2);
      w.uint(0);
      w.uint(n);
    },
  ],
  [
    "submit fields",
    (w, n) => {
      w.u8(FrameType.Event);
      w.uint(1);
      w.uint(1);
      w.u8(EventType.Submit);
      w.uint(n);
    },
  ],
  [
    "hook payload array",
    (w, n) => {
      w.u8(FrameType.Event);
      w.uint(1);
      w.uint(1);
      w.u8(EventType.Hook);
      w.str("h");
      w.u8(JsonTag.Array);
      w.uint(n);
    },
  ],
  [
    "hook payload object",
    (w, n) => {
      w.u8(FrameType.Event);
      w.uint(1);
      w.uint(1);
      w.u8(EventType.Custom);
      w.str("c");
      w.u8(JsonTag.Object);
      w.uint(n);
    },
  ],
  [
    "dispatch payload array",
    (w, n) => {
      w.u8(FrameType.Patches);
      w.uint(1);
      w.uint(0);
      w.uint(1);
      w.u8(PatchOp.Dispatch);
      w.uint(0);
      w.str("d");
      w.u8(JsonTag.Array);
      w.uint(n);
    },
  ],
];

describe("collection caps", () => {
  for (const [name, build] of paths) {
    it(`${name}: huge count → limit_exceeded; uncapped → frame_malformed`, () => {
      const b = bytes((w) => {
        build(w, HUGE);
        w.u8(0);
        w.u8(0);
      });
      expect(codeOf(b)).toBe(ErrorCode.limit_exceeded);
      expect(codeOf(b, NO_ITEM_CAP)).toBe(ErrorCode.frame_malformed);
      const atCap = bytes((w) => build(w, 100_001));
      expect(codeOf(atCap)).toBe(ErrorCode.limit_exceeded);
      expect(codeOf(atCap, { maxItems: 100_001 })).toBe(ErrorCode.frame_malformed);
    });
  }
});

describe("string caps", () => {
  const strings: [string, (w: Writer) => void][] = [
    [
      "handshake csrf",
      (w) => {
        w.u8(FrameType.Handshake);
        w.uint(PROTOCOL_VERSION);
      },
    ],
    [
      "input value",
      (w) => {
        w.u8(FrameType.Event);
        w.uint(1);
        w.uint(1);
        w.u8(EventType.Input);
      },
    ],
    [
      "set text",
      (w) => {
        w.u8(FrameType.Patches);
        w.uint(1);
        w.uint(0);
        w.uint(1);
        w.u8(PatchOp.SetText);
        w.uint(1);
        w.uint(0);
      },
    ],
    [
      "element tag",
      (w) => {
        w.u8(FrameType.FullResync);
        w.uint(1);
        w.u8(NodeKind.Element);
      },
    ],
    [
      "close reason",
      (w) => {
        w.u8(FrameType.Close);
        w.uint(CloseCode.Normal);
      },
    ],
    [
      "error message",
      (w) => {
        w.u8(FrameType.Error);
        w.uint(errorId(ErrorCode.internal_error));
        w.uint(0);
      },
    ],
  ];
  for (const [name, prefix] of strings) {
    it(`${name}: a length over maxString is limit_exceeded before reading the bytes`, () => {
      const b = bytes((w) => {
        prefix(w);
        w.uint(16 * 1024 * 1024);
        w.u8(0x61);
      });
      expect(codeOf(b)).toBe(ErrorCode.limit_exceeded);
      expect(codeOf(b, { maxString: Number.MAX_SAFE_INTEGER })).toBe(ErrorCode.frame_malformed);
    });
  }
});

describe("frame size", () => {
  it("refuses a frame over maxFrameBytes with frame_too_large", () => {
    const b = encodeFrame({ type: FrameType.Close, code: 1000, reason: "x".repeat(100) });
    expect(codeOf(b, { maxFrameBytes: b.length })).toBe("ok");
    expect(codeOf(b, { maxFrameBytes: b.length - 1 })).toBe(ErrorCode.frame_too_large);
  });
});

function nestedNode(levels: number): WireNode {
  let node: WireNode = { kind: NodeKind.Text, text: "leaf" };
  for (let i = 1; i < levels; i++) {
    node = { kind: NodeKind.Element, tag: "div", hid: i, attrs: {}, children: [node] };
  }
  return node;
}

function nestedJson(levels: number): JsonValue {
  let v: JsonValue = 1;
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { k: v };
  return v;
}

describe("depth caps", () => {
  it("wire nodes: 256 levels decode, 257 are depth_exceeded (Insert, Replace, FullResync)", () => {
    for (const levels of [256, 257]) {
      const want = levels === 256 ? "ok" : ErrorCode.depth_exceeded;
      const node = nestedNode(levels);
      for (const op of [PatchOp.Insert, PatchOp.Replace] as const) {
        const f = encodeFrame({
          type: FrameType.Patches,
          seq: 1,
          cseq: 0,
          patches: [{ op, parent: 1, index: 0, node }],
        });
        expect(codeOf(f)).toBe(want);
      }
      expect(codeOf(encodeFrame({ type: FrameType.FullResync, seq: 1, root: node }))).toBe(want);
    }
    const small = encodeFrame({ type: FrameType.FullResync, seq: 1, root: nestedNode(4) });
    expect(codeOf(small, { maxVNodeDepth: 3 })).toBe(ErrorCode.depth_exceeded);
  });

  it("hook and custom payloads: 64 levels decode, 65 are depth_exceeded", () => {
    for (const type of [EventType.Hook, EventType.Custom] as const) {
      for (const levels of [64, 65]) {
        const f = encodeFrame({
          type: FrameType.Event,
          cseq: 1,
          hid: 1,
          event: { type, name: "h", payload: nestedJson(levels) },
        });
        expect(codeOf(f)).toBe(levels === 64 ? "ok" : ErrorCode.depth_exceeded);
      }
    }
  });

  it("dispatch payloads in patches: 128 levels decode, 129 are depth_exceeded", () => {
    for (const levels of [128, 129]) {
      const f = encodeFrame({
        type: FrameType.Patches,
        seq: 1,
        cseq: 0,
        patches: [{ op: PatchOp.Dispatch, hid: 0, name: "d", payload: nestedJson(levels) }],
      });
      expect(codeOf(f)).toBe(levels === 128 ? "ok" : ErrorCode.depth_exceeded);
    }
  });

  it("a depth limit configured past the hard cap is clamped (no stack overflow)", () => {
    const deep = bytes((w) => {
      w.u8(FrameType.Event);
      w.uint(1);
      w.uint(1);
      w.u8(EventType.Hook);
      w.str("h");
      for (let i = 0; i < 200_000; i++) {
        w.u8(JsonTag.Array);
        w.uint(1);
      }
      w.u8(JsonTag.Null);
    });
    expect(codeOf(deep, { maxHookDepth: 1e9, maxFrameBytes: 1e9 })).toBe(ErrorCode.depth_exceeded);
  });
});
