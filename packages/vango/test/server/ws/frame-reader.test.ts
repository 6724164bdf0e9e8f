/**
 * The frame reader: frames however the socket cuts them (whole, a byte at a time, at
 * random), unmasked in place when whole, every protocol error `ws` refused with its close
 * code, `maxPayload` over fragments before their bytes are kept, control frames between
 * fragments, close codes. Random chunkings of valid streams must read the same, and
 * random bytes must never throw out of the reader.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as ws from "ws";
import {
  isValidCloseCode,
  MAX_FRAGMENTS,
  MESSAGE_TOO_BIG,
  NO_STATUS,
  ReadClose,
  unmask,
} from "../../../src/server/ws/frame-reader.ts";
import {
  clientFrame,
  closePayload,
  Op,
  type ReadEvent,
  Recorder,
  readBytewise,
  readInChunks,
} from "./client-frames.ts";

/** ws's own framing (exported by the package, not declared in its types). */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
};

const MAX = 1 << 20;

function payload(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const read = (stream: Uint8Array, maxPayload = MAX) => readInChunks(stream, [], maxPayload);

/** Reads `stream` whole and a byte at a time; both must agree. */
function readBoth(stream: Uint8Array, maxPayload = MAX): ReadEvent[] {
  const whole = read(stream, maxPayload);
  expect(readBytewise(stream, maxPayload)).toEqual(whole);
  return whole;
}

function protocolError(code: string, closeCode: number = ReadClose.ProtocolError): ReadEvent {
  return { type: "error", closeCode, code };
}

describe("frames", () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 70_000])(
    "reads a %i-byte binary frame whole and a byte at a time",
    (n) => {
      const data = payload(n);
      expect(readBoth(clientFrame(Op.Binary, data))).toEqual([{ type: "binary", data: hex(data) }]);
    },
  );

  it("reads frames masked by ws's own client framing (random keys)", () => {
    for (const n of [0, 3, 125, 126, 65_536]) {
      const data = payload(n, n);
      const frame = Buffer.concat(
        Sender.frame(Buffer.from(data), {
          fin: true,
          opcode: Op.Binary,
          mask: true,
          readOnly: false,
          rsv1: false,
        }),
      );
      expect(readBoth(frame)).toEqual([{ type: "binary", data: hex(data) }]);
    }
  });

  it("reads every length encoding, even a longer one than needed", () => {
    const data = payload(5);
    for (const lengthBytes of [0, 2, 8] as const) {
      expect(readBoth(clientFrame(Op.Binary, data, { lengthBytes }))).toEqual([
        { type: "binary", data: hex(data) },
      ]);
    }
  });

  it("unmasks with any key, an all-zero one included", () => {
    const data = payload(37);
    for (const mask of [
      [0, 0, 0, 0],
      [0xff, 0xff, 0xff, 0xff],
      [1, 2, 3, 4],
    ] as const) {
      expect(readBoth(clientFrame(Op.Binary, data, { mask }))).toEqual([
        { type: "binary", data: hex(data) },
      ]);
    }
  });

  it("hands a frame that arrived whole on as a view of its chunk, a split one in its own buffer", () => {
    /** A chunk in its own memory (not a slice of Buffer's shared pool). */
    const own = (b: Uint8Array) => {
      const out = Buffer.from(new ArrayBuffer(b.length));
      out.set(b);
      return out;
    };
    const chunk = own(
      Buffer.concat([clientFrame(Op.Binary, payload(300)), clientFrame(Op.Ping, payload(3))]),
    );
    const whole = new Recorder(MAX);
    whole.push(chunk);
    expect(whole.delivered[0]!.buffer).toBe(chunk.buffer);
    expect(whole.delivered[0]!.byteOffset).toBe(4 + 4);

    const frame = clientFrame(Op.Binary, payload(300));
    const first = own(frame.subarray(0, 100));
    const rest = own(frame.subarray(100));
    const split = new Recorder(MAX);
    split.push(first);
    split.push(rest);
    expect([first.buffer, rest.buffer]).not.toContain(split.delivered[0]!.buffer);
    expect(split.events).toEqual([{ type: "binary", data: hex(payload(300)) }]);
  });

  it("a connection keeps a reader only while a frame or a fragmented message goes on", () => {
    const r = new Recorder(MAX);
    r.push(Buffer.concat([clientFrame(Op.Binary, payload(3)), clientFrame(Op.Ping, payload(1))]));
    expect(r.reader).toBeNull();
    const frame = clientFrame(Op.Binary, payload(300));
    r.push(frame.subarray(0, 1));
    expect(r.reader).not.toBeNull();
    r.push(frame.subarray(1, 150));
    expect(r.reader).not.toBeNull();
    r.push(frame.subarray(150));
    expect(r.reader).toBeNull();
    r.push(clientFrame(Op.Binary, payload(3), { fin: false }));
    expect(r.reader).not.toBeNull();
    r.push(clientFrame(Op.Continuation, payload(3)));
    expect(r.reader).toBeNull();
    expect(r.events.map((e) => e.type)).toEqual(["binary", "ping", "binary", "binary"]);
  });

  it("reads several frames from one chunk, in order", () => {
    const stream = Buffer.concat([
      clientFrame(Op.Binary, payload(2)),
      clientFrame(Op.Ping, payload(1)),
      clientFrame(Op.Text, Buffer.from("héllo")),
      clientFrame(Op.Pong, Buffer.alloc(0)),
      clientFrame(Op.Binary, Buffer.alloc(0)),
    ]);
    expect(readBoth(stream)).toEqual([
      { type: "binary", data: hex(payload(2)) },
      { type: "ping", data: hex(payload(1)) },
      { type: "text", data: hex(Buffer.from("héllo")) },
      { type: "pong", data: "" },
      { type: "binary", data: "" },
    ]);
  });

  it("refuses a text message that is not UTF-8 (1007)", () => {
    expect(readBoth(clientFrame(Op.Text, Buffer.from([0xc3, 0x28])))).toEqual([
      protocolError("WS_ERR_INVALID_UTF8", ReadClose.InvalidData),
    ]);
  });
});

describe("fragmentation", () => {
  const parts = [payload(10, 1), payload(0), payload(200, 2), payload(3, 3)];
  const whole = Buffer.concat(parts);

  it("joins fragments into one message", () => {
    const stream = Buffer.concat(
      parts.map((p, i) =>
        clientFrame(i === 0 ? Op.Binary : Op.Continuation, p, { fin: i === parts.length - 1 }),
      ),
    );
    expect(readBoth(stream)).toEqual([{ type: "binary", data: hex(whole) }]);
  });

  it("delivers control frames between fragments first, then the message", () => {
    const stream = Buffer.concat([
      clientFrame(Op.Text, Buffer.from("ab"), { fin: false }),
      clientFrame(Op.Ping, payload(4)),
      clientFrame(Op.Continuation, Buffer.from("cd"), { fin: false }),
      clientFrame(Op.Pong, payload(125)),
      clientFrame(Op.Continuation, Buffer.from("é")),
      clientFrame(Op.Binary, payload(1)),
    ]);
    expect(readBoth(stream)).toEqual([
      { type: "ping", data: hex(payload(4)) },
      { type: "pong", data: hex(payload(125)) },
      { type: "text", data: hex(Buffer.from("abcdé")) },
      { type: "binary", data: hex(payload(1)) },
    ]);
  });

  it("a message cut into empty fragments only is empty", () => {
    const stream = Buffer.concat([
      clientFrame(Op.Binary, Buffer.alloc(0), { fin: false }),
      clientFrame(Op.Continuation, Buffer.alloc(0)),
    ]);
    expect(readBoth(stream)).toEqual([{ type: "binary", data: "" }]);
  });

  it("refuses a message in more than MAX_FRAGMENTS frames (1008)", () => {
    const frames = [clientFrame(Op.Binary, payload(1), { fin: false })];
    for (let i = 1; i <= MAX_FRAGMENTS; i++)
      frames.push(clientFrame(Op.Continuation, payload(1), { fin: false }));
    expect(read(Buffer.concat(frames))).toEqual([
      protocolError("WS_ERR_TOO_MANY_BUFFERED_PARTS", ReadClose.PolicyViolation),
    ]);
  });
});

describe("protocol errors (1002), as ws refused them", () => {
  const cases: [string, Buffer, string][] = [
    [
      "an unmasked frame",
      clientFrame(Op.Binary, payload(3), { masked: false }),
      "WS_ERR_EXPECTED_MASK",
    ],
    [
      "RSV1 (no extension)",
      clientFrame(Op.Binary, payload(3), { rsv: 4 }),
      "WS_ERR_UNEXPECTED_RSV_1",
    ],
    ["RSV2", clientFrame(Op.Binary, payload(3), { rsv: 2 }), "WS_ERR_UNEXPECTED_RSV_2_3"],
    ["RSV3", clientFrame(Op.Binary, payload(3), { rsv: 1 }), "WS_ERR_UNEXPECTED_RSV_2_3"],
    ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map((op): [string, Buffer, string] => [
      `opcode ${op}`,
      clientFrame(op, payload(1)),
      "WS_ERR_INVALID_OPCODE",
    ]),
    ["a ping without FIN", clientFrame(Op.Ping, payload(1), { fin: false }), "WS_ERR_EXPECTED_FIN"],
    [
      "a close without FIN",
      clientFrame(Op.Close, closePayload(1000), { fin: false }),
      "WS_ERR_EXPECTED_FIN",
    ],
    [
      "a 126-byte ping",
      clientFrame(Op.Ping, payload(126)),
      "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH",
    ],
    [
      "a pong with a 16-bit length",
      clientFrame(Op.Pong, payload(200)),
      "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH",
    ],
    ["a 1-byte close", clientFrame(Op.Close, payload(1)), "WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH"],
    [
      "a continuation with no message",
      clientFrame(Op.Continuation, payload(2)),
      "WS_ERR_INVALID_OPCODE",
    ],
    [
      "a new message before the last one ended",
      Buffer.concat([
        clientFrame(Op.Binary, payload(2), { fin: false }),
        clientFrame(Op.Text, Buffer.from("x")),
      ]),
      "WS_ERR_INVALID_OPCODE",
    ],
    [
      "a 64-bit length with its most significant bit set",
      clientFrame(Op.Binary, payload(3), { lengthBytes: 8, highBit: true }),
      "WS_ERR_INVALID_PAYLOAD_LENGTH",
    ],
  ];

  it.each(cases)("%s", (_name, stream, code) => {
    expect(readBoth(stream)).toEqual([protocolError(code)]);
  });

  it("reads nothing after the first error", () => {
    const stream = Buffer.concat([
      clientFrame(Op.Binary, payload(1)),
      clientFrame(Op.Binary, payload(1), { masked: false }),
      clientFrame(Op.Binary, payload(2)),
      clientFrame(Op.Ping, payload(2)),
    ]);
    expect(readBoth(stream)).toEqual([
      { type: "binary", data: hex(payload(1)) },
      protocolError("WS_ERR_EXPECTED_MASK"),
    ]);
  });
});

describe("maxPayload", () => {
  const tooBig = protocolError(MESSAGE_TOO_BIG, ReadClose.MessageTooBig);

  it("takes a message of exactly maxPayload", () => {
    expect(readBoth(clientFrame(Op.Binary, payload(300)), 300)).toEqual([
      { type: "binary", data: hex(payload(300)) },
    ]);
  });

  it("refuses a frame over it from its header alone (1009), before any payload byte", () => {
    const frame = clientFrame(Op.Binary, payload(301));
    expect(read(frame.subarray(0, 8), 300)).toEqual([tooBig]);
    // A length no buffer could hold is refused the same way.
    const huge = clientFrame(Op.Binary, Buffer.alloc(0), { announced: 2 ** 40 });
    expect(read(huge, 300)).toEqual([tooBig]);
  });

  it("counts every fragment: refused at the fragment that crosses it", () => {
    const stream = Buffer.concat([
      clientFrame(Op.Binary, payload(200), { fin: false }),
      clientFrame(Op.Ping, payload(1)),
      clientFrame(Op.Continuation, payload(100), { fin: false }),
      clientFrame(Op.Continuation, payload(1)),
    ]);
    expect(readBoth(stream, 300)).toEqual([{ type: "ping", data: hex(payload(1)) }, tooBig]);
  });

  it("starts counting anew with each message", () => {
    const stream = Buffer.concat([
      clientFrame(Op.Binary, payload(150), { fin: false }),
      clientFrame(Op.Continuation, payload(150)),
      clientFrame(Op.Binary, payload(300)),
    ]);
    expect(readBoth(stream, 300).map((e) => e.type)).toEqual(["binary", "binary"]);
  });

  it("does not count control frames", () => {
    const stream = Buffer.concat([
      clientFrame(Op.Binary, payload(10), { fin: false }),
      clientFrame(Op.Ping, payload(125)),
      clientFrame(Op.Continuation, payload(10)),
    ]);
    expect(readBoth(stream, 20).map((e) => e.type)).toEqual(["ping", "binary"]);
  });
});

describe("close frames", () => {
  it("reports the code and reason, or 1005 for an empty close", () => {
    expect(readBoth(clientFrame(Op.Close, closePayload(4000, "bye é")))).toEqual([
      { type: "close", code: 4000, reason: hex(Buffer.from("bye é")) },
    ]);
    expect(readBoth(clientFrame(Op.Close, Buffer.alloc(0)))).toEqual([
      { type: "close", code: NO_STATUS, reason: "" },
    ]);
  });

  it("reads nothing after a close frame", () => {
    const stream = Buffer.concat([
      clientFrame(Op.Close, closePayload(1000)),
      clientFrame(Op.Binary, payload(2)),
    ]);
    expect(readBoth(stream)).toEqual([{ type: "close", code: 1000, reason: "" }]);
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65_535])(
    "refuses close code %i (1002)",
    (code) => {
      expect(readBoth(clientFrame(Op.Close, closePayload(code)))).toEqual([
        protocolError("WS_ERR_INVALID_CLOSE_CODE"),
      ]);
    },
  );

  it.each([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999])(
    "takes close code %i",
    (code) => {
      expect(readBoth(clientFrame(Op.Close, closePayload(code)))).toEqual([
        { type: "close", code, reason: "" },
      ]);
    },
  );

  it("isValidCloseCode agrees with ws's rule on every 16-bit code", () => {
    const wsRule = (c: number) =>
      (c >= 1000 && c <= 1014 && c !== 1004 && c !== 1005 && c !== 1006) ||
      (c >= 3000 && c <= 4999);
    for (let c = 0; c < 65_536; c++) expect(isValidCloseCode(c)).toBe(wsRule(c));
  });

  it("refuses a reason that is not UTF-8 (1007)", () => {
    const bad = Buffer.concat([closePayload(1000), Buffer.from([0xff])]);
    expect(readBoth(clientFrame(Op.Close, bad))).toEqual([
      protocolError("WS_ERR_INVALID_UTF8", ReadClose.InvalidData),
    ]);
  });
});

describe("unmask", () => {
  /** The reference: one byte at a time. */
  function expected(src: Uint8Array, from: number, n: number, phase: number): number[] {
    const key = [0x12, 0x34, 0x56, 0x78];
    return Array.from({ length: n }, (_, i) => src[from + i]! ^ key[(phase + i) & 3]!);
  }

  it("matches a byte-by-byte XOR at every phase, length and alignment, copied or in place", () => {
    const src = payload(300);
    for (let phase = 0; phase < 4; phase++) {
      for (const n of [0, 1, 3, 4, 5, 17, 63, 64, 65, 130, 257]) {
        for (let off = 0; off < 5; off++) {
          const dst = Buffer.alloc(n + 8);
          unmask(src, off, dst, 3, n, 0x1234, 0x5678, phase);
          expect([...dst.subarray(3, 3 + n)]).toEqual(expected(src, off, n, phase));
          const inPlace = Buffer.from(src);
          unmask(inPlace, off, inPlace, off, n, 0x1234, 0x5678, phase);
          expect([...inPlace.subarray(off, off + n)]).toEqual(expected(src, off, n, phase));
        }
      }
    }
  });
});

/** A valid client stream: messages (some fragmented) with control frames between. */
const stream = fc
  .array(
    fc.oneof(
      fc.record({
        kind: fc.constant("message" as const),
        binary: fc.boolean(),
        parts: fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }),
        text: fc.string({ maxLength: 20 }),
      }),
      fc.record({
        kind: fc.constantFrom("ping" as const, "pong" as const),
        data: fc.uint8Array({ maxLength: 125 }),
      }),
    ),
    { maxLength: 12 },
  )
  .map((items) => {
    const frames: Buffer[] = [];
    const expected: ReadEvent[] = [];
    for (const it of items) {
      if (it.kind !== "message") {
        frames.push(clientFrame(it.kind === "ping" ? Op.Ping : Op.Pong, it.data));
        expected.push({ type: it.kind, data: hex(it.data) });
        continue;
      }
      const parts = it.binary ? it.parts : [Buffer.from(it.text)];
      parts.forEach((p, i) => {
        frames.push(
          clientFrame(i === 0 ? (it.binary ? Op.Binary : Op.Text) : Op.Continuation, p, {
            fin: i === parts.length - 1,
          }),
        );
      });
      expected.push({ type: it.binary ? "binary" : "text", data: hex(Buffer.concat(parts)) });
    }
    return { bytes: Buffer.concat(frames), expected };
  });

describe("random streams", () => {
  it("any chunking of a valid stream reads the messages it carries", () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat()), ({ bytes, expected }, raw) => {
        const cuts = [...new Set(raw.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        expect(readInChunks(bytes, cuts, MAX)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("random bytes, cut anywhere, never throw; nothing follows a close or an error", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat()), (bytes, raw) => {
        const cuts = [...new Set(raw.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const events = readInChunks(bytes, cuts, 256);
        const end = events.findIndex((e) => e.type === "close" || e.type === "error");
        expect(end === -1 || end === events.length - 1).toBe(true);
        expect(readInChunks(bytes, [], 256)).toEqual(events);
      }),
      { numRuns: 2000 },
    );
  });
});
