/**
 * Hostile input: random bytes, truncation at every offset, bit flips, length inflation
 * and type confusion. Decoding must either succeed (and then re-encode to an equal
 * frame) or throw a ProtocolError, never anything else.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "../../src/protocol/codec.ts";
import { EventType, FrameType, PatchOp, TYPE_MASK } from "../../src/protocol/constants.ts";
import { ErrorCode, ProtocolError } from "../../src/protocol/error-code.ts";
import type { Frame } from "../../src/protocol/frame.ts";
import type { Limits } from "../../src/protocol/limits.ts";
import { fieldFrame, frame } from "./arbitraries.ts";

/** Decodes; returns the error code or "ok", failing the test on any other exception. */
function outcome(bytes: Uint8Array, limits?: Partial<Limits>): string {
  let f: Frame;
  try {
    f = decodeFrame(bytes, limits);
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw new Error(`non-ProtocolError on ${Array.from(bytes)}: ${String(e)}`);
  }
  // Anything accepted must be encodable and decode back to the same value.
  expect(decodeFrame(encodeFrame(f))).toEqual(f);
  return "ok";
}

describe("random input", () => {
  it("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        outcome(b);
      }),
      { numRuns: 5000 },
    );
  });

  it("random bytes behind every valid header", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 40 }), (h, b) => {
        outcome(Uint8Array.of(h, ...b));
      }),
      { numRuns: 5000 },
    );
  });

  it("unknown frame types are unknown_type", () => {
    for (let t = 0; t <= TYPE_MASK; t++) {
      if ((Object.values(FrameType) as number[]).includes(t)) continue;
      expect(outcome(Uint8Array.of(t, 0, 0, 0))).toBe(ErrorCode.unknown_type);
    }
  });

  it("an empty frame is frame_malformed", () => {
    expect(outcome(new Uint8Array(0))).toBe(ErrorCode.frame_malformed);
  });
});

describe("mutations of valid frames", () => {
  it("truncation at every offset is frame_malformed", () => {
    fc.assert(
      fc.property(fieldFrame, (f) => {
        const bytes = encodeFrame(f);
        for (let i = 0; i < bytes.length; i++) {
          expect(outcome(bytes.subarray(0, i))).toBe(ErrorCode.frame_malformed);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("a trailing byte is frame_malformed", () => {
    fc.assert(
      fc.property(fieldFrame, fc.integer({ min: 0, max: 255 }), (f, extra) => {
        expect(outcome(Uint8Array.of(...encodeFrame(f), extra))).toBe(ErrorCode.frame_malformed);
      }),
      { numRuns: 400 },
    );
  });

  it("a Data frame cut in its header is frame_malformed, after it a shorter chunk", () => {
    const data = new Uint8Array([9, 8, 7]);
    const bytes = encodeFrame({ type: FrameType.Data, channel: "abc", offset: 200, data });
    const header = bytes.length - data.length;
    for (let i = 0; i < header; i++) {
      expect(outcome(bytes.subarray(0, i))).toBe(ErrorCode.frame_malformed);
    }
    for (let i = header; i <= bytes.length; i++) {
      expect(decodeFrame(bytes.subarray(0, i))).toMatchObject({
        data: data.subarray(0, i - header),
      });
    }
  });

  it("bit flips never escape as other errors", () => {
    fc.assert(
      fc.property(frame, fc.nat(), fc.integer({ min: 0, max: 7 }), (f, at, bit) => {
        const bytes = encodeFrame(f).slice();
        bytes[at % bytes.length]! ^= 1 << bit;
        outcome(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it("inflating or replacing any byte never escapes as other errors", () => {
    fc.assert(
      fc.property(frame, fc.nat(), fc.constantFrom(0x7f, 0xff, 0x80, 0x00, 0x0f), (f, at, v) => {
        const bytes = encodeFrame(f).slice();
        bytes[at % bytes.length] = v;
        outcome(bytes);
        // A run of continuation bytes in place of one varint byte: an over-long length.
        const i = at % bytes.length;
        outcome(
          Uint8Array.of(...bytes.subarray(0, i), 0xff, 0xff, 0xff, 0x7f, ...bytes.subarray(i)),
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe("length inflation", () => {
  const input = encodeFrame({
    type: FrameType.Event,
    cseq: 1,
    hid: 1,
    event: { type: EventType.Input, value: "abc" },
  });
  // header, cseq, hid, event type, then the value's length byte
  const LEN_AT = 4;

  it("a length larger than the frame is frame_malformed", () => {
    for (let len = 4; len < 128; len++) {
      const b = input.slice();
      b[LEN_AT] = len;
      expect(outcome(b)).toBe(ErrorCode.frame_malformed);
    }
  });

  it("a length larger than maxString is limit_exceeded", () => {
    const b = input.slice();
    b[LEN_AT] = 3;
    expect(outcome(b, { maxString: 2 })).toBe(ErrorCode.limit_exceeded);
    expect(outcome(b, { maxString: 3 })).toBe("ok");
  });

  it("a patch count larger than the patches is frame_malformed", () => {
    const b = encodeFrame({
      type: FrameType.Patches,
      seq: 1,
      cseq: 0,
      patches: [{ op: PatchOp.Remove, parent: 1, index: 0 }],
    }).slice();
    b[3] = 2;
    expect(outcome(b)).toBe(ErrorCode.frame_malformed);
  });
});
