import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeServerFrame, encodeClientFrame } from "../../src/protocol/client-codec.ts";
import { decodeFrame, encodeFrame } from "../../src/protocol/codec.ts";
import {
  ErrorFlag,
  EventFlag,
  EventType,
  FLAG_SHIFT,
  FrameType,
  HandshakeFlag,
  Mod,
  PatchOp,
  PROTOCOL_VERSION,
} from "../../src/protocol/constants.ts";
import { ErrorCode, errorId, ProtocolError } from "../../src/protocol/error-code.ts";
import type { Frame } from "../../src/protocol/frame.ts";
import { decodeClientFrame, encodeServerFrame } from "../../src/protocol/server-codec.ts";
import { eventByType, frame, frameByType, normalize, patchByOp } from "./arbitraries.ts";

function roundTrip(f: Frame): void {
  expect(decodeFrame(encodeFrame(f))).toEqual(normalize(f));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  return undefined;
}

describe("round trip", () => {
  for (const [type, arb] of Object.entries(frameByType)) {
    it(`frame type ${type}`, () => {
      fc.assert(fc.property(arb, roundTrip), { numRuns: 300 });
    });
  }
  for (const [op, arb] of Object.entries(patchByOp)) {
    it(`patch op ${op}`, () => {
      fc.assert(
        fc.property(arb, (p) =>
          roundTrip({ type: FrameType.Patches, seq: 1, cseq: 0, patches: [p] }),
        ),
        { numRuns: 200 },
      );
    });
  }
  for (const [type, arb] of Object.entries(eventByType)) {
    it(`event type ${type}`, () => {
      fc.assert(
        fc.property(arb, (event) => roundTrip({ type: FrameType.Event, cseq: 7, hid: 3, event })),
        { numRuns: 200 },
      );
    });
  }

  it("keeps repeated submit keys in order", () => {
    const fields = [
      ["tag", "a"],
      ["tag", "b"],
      ["name", ""],
    ] as const;
    const f = decodeFrame(
      encodeFrame({
        type: FrameType.Event,
        cseq: 1,
        hid: 2,
        event: { type: EventType.Submit, fields },
      }),
    );
    expect(f).toEqual({
      type: FrameType.Event,
      cseq: 1,
      hid: 2,
      event: {
        type: EventType.Submit,
        fields: [
          ["tag", "a"],
          ["tag", "b"],
          ["name", ""],
        ],
      },
    });
  });

  it("sends lone surrogates as U+FFFD and keeps a leading BOM", () => {
    const f = decodeFrame(
      encodeFrame({
        type: FrameType.Close,
        code: 1000,
        reason: "\uFEFFa\uD800b\uDC00\uD83D\uDE00",
      }),
    );
    expect(f).toEqual({
      type: FrameType.Close,
      code: 1000,
      reason: "\uFEFFa\uFFFDb\uFFFD\uD83D\uDE00",
    });
  });

  it("the directional codecs agree with the general one", () => {
    fc.assert(
      fc.property(frame, (f) => {
        const bytes = encodeFrame(f);
        const server = new Set<number>([
          FrameType.HandshakeReply,
          FrameType.Patches,
          FrameType.FullResync,
          FrameType.Error,
        ]);
        const both = new Set<number>([FrameType.Ping, FrameType.Pong, FrameType.Close]);
        if (server.has(f.type) || both.has(f.type)) {
          expect(encodeServerFrame(f as never)).toEqual(bytes);
          expect(decodeServerFrame(bytes)).toEqual(normalize(f));
        } else expect(codeOf(() => decodeServerFrame(bytes))).toBe(ErrorCode.unknown_type);
        if (!server.has(f.type)) {
          // Only the upload hook writes Data frames (frame-data.ts): not the core client.
          if (f.type === FrameType.Data) {
            expect(codeOf(() => encodeClientFrame(f))).toBe(ErrorCode.encode_invalid);
          } else expect(encodeClientFrame(f as never)).toEqual(bytes);
          expect(decodeClientFrame(bytes)).toEqual(normalize(f));
        } else expect(codeOf(() => decodeClientFrame(bytes))).toBe(ErrorCode.unknown_type);
      }),
      { numRuns: 500 },
    );
  });
});

describe("exact bytes and budgets", () => {
  it("a primary click is 8 bytes without the buttons byte", () => {
    const bytes = encodeFrame({
      type: FrameType.Event,
      cseq: 1,
      hid: 4,
      event: { type: EventType.Click, x: 120, y: 340, button: 0, mods: 0 },
    });
    // x = 120 → zigzag 240 → [0xf0, 0x01]; y = 340 → 680 → [0xa8, 0x05]
    expect(bytes).toEqual(Uint8Array.of(FrameType.Event, 1, 4, EventType.Click, 0xf0, 1, 0xa8, 5));
    expect(bytes.length).toBeLessThanOrEqual(8);
  });

  it("a click with modifiers sets the buttons flag", () => {
    const bytes = encodeFrame({
      type: FrameType.Event,
      cseq: 2,
      hid: 4,
      event: { type: EventType.Click, x: 1, y: 2, button: 2, mods: Mod.Shift | Mod.Meta },
    });
    expect(bytes).toEqual(
      Uint8Array.of(
        FrameType.Event | (EventFlag.Buttons << FLAG_SHIFT),
        2,
        4,
        EventType.Click,
        2,
        4,
        2 | ((Mod.Shift | Mod.Meta) << 3),
      ),
    );
  });

  it("a SetText of a short string fits in 16 bytes", () => {
    const bytes = encodeFrame({
      type: FrameType.Patches,
      seq: 5,
      cseq: 1,
      patches: [{ op: PatchOp.SetText, parent: 9, index: 0, text: "42" }],
    });
    expect(bytes).toEqual(
      Uint8Array.of(FrameType.Patches, 5, 1, 1, PatchOp.SetText, 9, 0, 2, 0x34, 0x32),
    );
    expect(bytes.length).toBeLessThanOrEqual(16);
  });

  it("encodes control frames as a header and a varint", () => {
    expect(encodeFrame({ type: FrameType.Ack, seq: 300 })).toEqual(
      Uint8Array.of(FrameType.Ack, 0xac, 0x02),
    );
    expect(encodeFrame({ type: FrameType.Ping, nonce: 0 })).toEqual(
      Uint8Array.of(FrameType.Ping, 0),
    );
  });

  it("puts the fatal flag in the header and the error id in the body", () => {
    const bytes = encodeFrame({
      type: FrameType.Error,
      code: ErrorCode.rate_limited,
      fatal: true,
      cseq: 3,
      message: "",
    });
    expect(bytes).toEqual(
      Uint8Array.of(
        FrameType.Error | (ErrorFlag.Fatal << FLAG_SHIFT),
        errorId(ErrorCode.rate_limited),
        3,
        0,
      ),
    );
  });

  it("lays out a handshake with a resume token", () => {
    const bytes = encodeFrame({
      type: FrameType.Handshake,
      version: PROTOCOL_VERSION,
      csrf: "c",
      resumeToken: "r",
      lastSeq: 2,
      viewport: { w: 100, h: 50 },
      tzOffset: -60,
      features: 1,
    });
    expect(bytes).toEqual(
      Uint8Array.of(
        FrameType.Handshake | (HandshakeFlag.ResumeToken << FLAG_SHIFT),
        PROTOCOL_VERSION,
        1,
        0x63,
        1,
        0x72,
        2,
        100,
        50,
        119,
        1,
      ),
    );
  });
});

describe("Data frames", () => {
  it("are a header, the channel, the offset and then the bytes as they are", () => {
    const bytes = encodeFrame({
      type: FrameType.Data,
      channel: "ab",
      offset: 300,
      data: new Uint8Array([1, 2, 3]),
    });
    expect([...bytes]).toEqual([FrameType.Data, 2, 97, 98, 0xac, 0x02, 1, 2, 3]);
    const f = decodeClientFrame(bytes);
    expect(f).toEqual({
      type: FrameType.Data,
      channel: "ab",
      offset: 300,
      data: new Uint8Array([1, 2, 3]),
    });
    // A view into the message, not a copy.
    expect((f as { data: Uint8Array }).data.buffer).toBe(bytes.buffer);
  });

  it("carry more than maxString bytes, bounded by maxFrameBytes only", () => {
    const data = new Uint8Array(5000);
    const bytes = encodeFrame({ type: FrameType.Data, channel: "c", offset: 0, data });
    expect(decodeClientFrame(bytes, { maxString: 1024 })).toMatchObject({ offset: 0 });
    expect(codeOf(() => decodeClientFrame(bytes, { maxFrameBytes: 4096 }))).toBe(
      ErrorCode.frame_too_large,
    );
  });

  it("refuse an offset the varint cannot carry when encoded", () => {
    for (const offset of [-1, 1.5, 2 ** 53]) {
      const f = { type: FrameType.Data, channel: "c", offset, data: new Uint8Array(1) } as const;
      expect(codeOf(() => encodeFrame(f))).toBe(ErrorCode.encode_invalid);
    }
    const big = encodeFrame({
      type: FrameType.Data,
      channel: "ü",
      offset: 2 ** 53 - 1,
      data: new Uint8Array(0),
    });
    expect(decodeClientFrame(big)).toMatchObject({ channel: "ü", offset: 2 ** 53 - 1 });
  });

  it("refuse header flags, a cut header and a server's decoder", () => {
    const ok = encodeFrame({
      type: FrameType.Data,
      channel: "c",
      offset: 1,
      data: new Uint8Array(1),
    });
    const flagged = Uint8Array.from(ok);
    flagged[0] = FrameType.Data | (1 << FLAG_SHIFT);
    expect(codeOf(() => decodeClientFrame(flagged))).toBe(ErrorCode.frame_malformed);
    expect(codeOf(() => decodeClientFrame(ok.subarray(0, 2)))).toBe(ErrorCode.frame_malformed);
    expect(codeOf(() => decodeServerFrame(ok))).toBe(ErrorCode.unknown_type);
  });
});

describe("encoder validation", () => {
  const bad: [string, Frame][] = [
    ["negative varint", { type: FrameType.Ack, seq: -1 }],
    ["fractional varint", { type: FrameType.Ack, seq: 1.5 }],
    ["varint past 2^53", { type: FrameType.Ack, seq: 2 ** 53 }],
    ["close code out of range", { type: FrameType.Close, code: 999, reason: "" }],
    [
      "button out of range",
      {
        type: FrameType.Event,
        cseq: 1,
        hid: 1,
        event: { type: EventType.Click, x: 0, y: 0, button: 8, mods: 0 },
      },
    ],
    [
      "lone surrogate in a payload key",
      {
        type: FrameType.Event,
        cseq: 1,
        hid: 1,
        event: { type: EventType.Hook, name: "h", payload: { "\uD800": 1 } },
      },
    ],
    [
      "undefined in a payload",
      {
        type: FrameType.Event,
        cseq: 1,
        hid: 1,
        event: { type: EventType.Hook, name: "h", payload: [undefined as never] },
      },
    ],
  ];
  for (const [name, f] of bad) {
    it(`refuses ${name} with encode_invalid`, () => {
      expect(codeOf(() => encodeFrame(f))).toBe(ErrorCode.encode_invalid);
    });
  }

  it("refuses a cyclic payload with depth_exceeded and stays usable", () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    const f = {
      type: FrameType.Event,
      cseq: 1,
      hid: 1,
      event: { type: EventType.Custom, name: "c", payload: cyclic as never },
    } as const;
    expect(codeOf(() => encodeFrame(f))).toBe(ErrorCode.depth_exceeded);
    expect(encodeFrame({ type: FrameType.Ack, seq: 1 })).toEqual(Uint8Array.of(FrameType.Ack, 1));
  });
});
