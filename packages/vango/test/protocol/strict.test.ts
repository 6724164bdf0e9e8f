/** Each value has exactly one accepted encoding; everything else is a coded error. */
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "../../src/protocol/codec.ts";
import {
  EventFlag,
  EventType,
  FLAG_SHIFT,
  FrameType,
  NodeKind,
  PatchOp,
  PROTOCOL_VERSION,
} from "../../src/protocol/constants.ts";
import { ErrorCode, ProtocolError } from "../../src/protocol/error-code.ts";
import { ERRORS } from "../../src/protocol/errors.ts";
import { JsonTag } from "../../src/protocol/json-value.ts";
import type { JsonValue } from "../../src/protocol/patch.ts";
import { Writer } from "../../src/protocol/writer.ts";

function bytes(fn: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fn(w);
  return w.finish();
}

function codeOf(b: Uint8Array): string {
  try {
    decodeFrame(b);
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  return "ok";
}

function hook(payload: (w: Writer) => void): Uint8Array {
  return bytes((w) => {
    w.u8(FrameType.Event);
    w.uint(1);
    w.uint(1);
    w.u8(EventType.Hook);
    w.str("h");
    payload(w);
  });
}

function hookPayload(b: Uint8Array): JsonValue {
  const f = decodeFrame(b);
  if (f.type !== FrameType.Event || f.event.type !== EventType.Hook) throw new Error("not a hook");
  return f.event.payload;
}

describe("frame header", () => {
  it("rejects flags a frame type does not define", () => {
    for (const type of [FrameType.Ack, FrameType.Patches, FrameType.Close, FrameType.FullResync]) {
      expect(codeOf(Uint8Array.of(type | (1 << FLAG_SHIFT), 0, 0, 0))).toBe(
        ErrorCode.frame_malformed,
      );
    }
  });

  it("rejects the buttons flag on non-click events and a zero buttons byte", () => {
    const focus = Uint8Array.of(
      FrameType.Event | (EventFlag.Buttons << FLAG_SHIFT),
      1,
      1,
      EventType.Focus,
    );
    expect(codeOf(focus)).toBe(ErrorCode.frame_malformed);
    const zero = Uint8Array.of(
      FrameType.Event | (EventFlag.Buttons << FLAG_SHIFT),
      1,
      1,
      EventType.Click,
      0,
      0,
      0,
    );
    expect(codeOf(zero)).toBe(ErrorCode.frame_malformed);
  });
});

describe("handshake", () => {
  it("refuses another protocol version with version_unsupported", () => {
    const b = bytes((w) => {
      w.u8(FrameType.Handshake);
      w.uint(PROTOCOL_VERSION + 1);
    });
    expect(codeOf(b)).toBe(ErrorCode.version_unsupported);
  });

  it("carries an error status in the reply", () => {
    const b = encodeFrame({
      type: FrameType.HandshakeReply,
      status: ErrorCode.session_expired,
      resumed: false,
      resumeToken: "",
      nextSeq: 1,
      lastCseq: 0,
      serverTime: 1_700_000_000_000,
      features: 0,
    });
    expect(decodeFrame(b)).toMatchObject({ status: ErrorCode.session_expired });
  });

  it("rejects unknown error ids in replies and error frames with unknown_type", () => {
    const unknownId = Object.keys(ERRORS).length + 1;
    const reply = bytes((w) => {
      w.u8(FrameType.HandshakeReply);
      w.uint(unknownId);
      w.str("");
      for (let i = 0; i < 4; i++) w.uint(0);
    });
    expect(codeOf(reply)).toBe(ErrorCode.unknown_type);
    const err = bytes((w) => {
      w.u8(FrameType.Error);
      w.uint(unknownId);
      w.uint(0);
      w.str("");
    });
    expect(codeOf(err)).toBe(ErrorCode.unknown_type);
  });
});

describe("patches", () => {
  const patchBytes = (op: number, body: (w: Writer) => void) =>
    bytes((w) => {
      w.u8(FrameType.Patches);
      w.uint(1);
      w.uint(0);
      w.uint(1);
      w.u8(op);
      body(w);
    });

  it("rejects unknown ops with unknown_type", () => {
    const max = Math.max(...Object.values(PatchOp));
    expect(codeOf(patchBytes(max + 1, (w) => w.uint(0)))).toBe(ErrorCode.unknown_type);
    expect(codeOf(patchBytes(0, (w) => w.uint(0)))).toBe(ErrorCode.unknown_type);
  });

  it("rejects a bad SetProp or ScrollIntoView byte", () => {
    for (const b of [3, 11, 12, 255]) {
      const f = patchBytes(PatchOp.SetProp, (w) => {
        w.uint(1);
        w.u8(b);
      });
      expect(codeOf(f)).toBe(ErrorCode.frame_malformed);
    }
    const scroll = patchBytes(PatchOp.ScrollIntoView, (w) => {
      w.uint(1);
      w.u8(8);
    });
    expect(codeOf(scroll)).toBe(ErrorCode.frame_malformed);
  });

  it("rejects unknown node kinds and duplicate attributes", () => {
    const kind = patchBytes(PatchOp.Insert, (w) => {
      w.uint(1);
      w.uint(0);
      w.u8(3);
    });
    expect(codeOf(kind)).toBe(ErrorCode.unknown_type);
    const dup = patchBytes(PatchOp.Insert, (w) => {
      w.uint(1);
      w.uint(0);
      w.u8(NodeKind.Element);
      w.str("a");
      w.uint(1);
      w.uint(2);
      w.str("id");
      w.str("x");
      w.str("id");
      w.str("y");
      w.uint(0);
    });
    expect(codeOf(dup)).toBe(ErrorCode.frame_malformed);
  });

  it("keeps an attribute named __proto__ as an own property", () => {
    const f = decodeFrame(
      encodeFrame({
        type: FrameType.FullResync,
        seq: 1,
        root: {
          kind: NodeKind.Element,
          tag: "a",
          hid: 1,
          attrs: JSON.parse('{"__proto__":"x","href":"/"}'),
          children: [],
        },
      }),
    );
    if (f.type !== FrameType.FullResync || f.root.kind !== NodeKind.Element) throw new Error();
    expect(Object.keys(f.root.attrs)).toEqual(["__proto__", "href"]);
    expect(Object.getPrototypeOf(f.root.attrs)).toBe(Object.prototype);
  });
});

describe("JSON-like payloads", () => {
  it("uses the zigzag int form for integers and f64 for the rest", () => {
    const enc = (v: JsonValue) =>
      encodeFrame({
        type: FrameType.Event,
        cseq: 1,
        hid: 1,
        event: { type: EventType.Hook, name: "h", payload: v },
      });
    expect(enc(5).subarray(-2)).toEqual(Uint8Array.of(JsonTag.Int, 10));
    expect(enc(-0).length).toBe(enc(0).length + 7);
    expect(Object.is(hookPayload(enc(-0)), -0)).toBe(true);
    expect(hookPayload(enc(2 ** 60))).toBe(2 ** 60);
    expect(hookPayload(enc(Number.NaN))).toBeNaN();
  });

  it("rejects an integer sent as f64, duplicate keys and unknown tags", () => {
    expect(
      codeOf(
        hook((w) => {
          w.u8(JsonTag.F64);
          w.f64(3);
        }),
      ),
    ).toBe(ErrorCode.frame_malformed);
    const dup = hook((w) => {
      w.u8(JsonTag.Object);
      w.uint(2);
      w.str("a");
      w.u8(JsonTag.Null);
      w.str("a");
      w.u8(JsonTag.Null);
    });
    expect(codeOf(dup)).toBe(ErrorCode.frame_malformed);
    expect(codeOf(hook((w) => w.u8(JsonTag.Object + 1)))).toBe(ErrorCode.unknown_type);
  });

  it("decodes a __proto__ key as an own property without touching the prototype", () => {
    const b = hook((w) => {
      w.u8(JsonTag.Object);
      w.uint(1);
      w.str("__proto__");
      w.u8(JsonTag.Object);
      w.uint(1);
      w.str("polluted");
      w.u8(JsonTag.True);
    });
    const v = hookPayload(b) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
