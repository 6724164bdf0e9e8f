/**
 * The bus message framing: what is encoded decodes to the same fields, and whatever
 * bytes arrive — random, truncated, mutated — decoding throws nothing but
 * `bus_message_invalid`; a hub fed the same bytes neither throws nor changes state.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeMessage,
  encodeMessage,
  MessageKind,
  SharedStateError,
} from "../../src/state/bus-message.ts";
import { MemoryBroker, MemoryBus } from "../../src/state/memory-bus.ts";
import { SharedState } from "../../src/state/shared-state.ts";
import { sleep } from "./bus-recorder.ts";

const header = {
  kind: MessageKind.BroadcastSend,
  topic: "room.1",
  origin: "inst-1",
  clock: 42,
  seq: 7,
  at: 1_700_000_000_000,
};

function refusesOnlyCoded(bytes: Uint8Array): void {
  try {
    decodeMessage(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(SharedStateError);
    expect((e as SharedStateError).code).toBe("bus_message_invalid");
  }
}

describe("bus messages", () => {
  it("round-trip every field; omitted numbers are 0 and the writer defaults to the sender", () => {
    const payload = new Uint8Array([1, 2, 3]);
    const m = decodeMessage(encodeMessage({ ...header, final: true, ref: 3 }, payload));
    expect({ ...m, payload: [...m.payload] }).toEqual({
      ...header,
      ref: 3,
      writer: "inst-1",
      final: true,
      payload: [1, 2, 3],
    });
    const q = decodeMessage(
      encodeMessage({ kind: MessageKind.GlobalQuery, topic: "k", origin: "o" }),
    );
    expect([q.clock, q.seq, q.ref, q.at, q.final, q.payload.length]).toEqual([
      0,
      0,
      0,
      0,
      false,
      0,
    ]);
    const relayed = encodeMessage({ ...header, kind: MessageKind.GlobalSet, writer: "inst-9" });
    expect(decodeMessage(relayed).writer).toBe("inst-9");
  });

  it("random bytes are refused with bus_message_invalid only", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => refusesOnlyCoded(bytes)),
      { numRuns: 2_000 },
    );
  });

  it("mutated and truncated valid messages are refused with bus_message_invalid only", () => {
    const valid = encodeMessage(header, new TextEncoder().encode('[1,{"text":"hi"}]'));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 6,
        }),
        fc.nat(valid.length),
        (edits, cut) => {
          const b = valid.slice(0, Math.max(cut, 3));
          for (const [i, v] of edits) if (i < b.length) b[i] = v;
          refusesOnlyCoded(b);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("headers with wrong field types are refused", () => {
    const raw = (h: unknown): Uint8Array => {
      const json = new TextEncoder().encode(JSON.stringify(h));
      return new Uint8Array([1, json.length >> 8, json.length & 0xff, ...json]);
    };
    for (const h of [
      [],
      null,
      { k: "zz", t: "a", o: "b" },
      { k: "gs", t: "", o: "b" },
      { k: "gs", t: "a", o: "b", c: -1 },
      { k: "gs", t: "a", o: "b", c: 1.5 },
      { k: "gs", t: "a", o: "b", s: "1" },
      { k: "gs", t: "a", o: "b", f: true },
      { k: "gs", t: "a", o: "b", w: 5 },
      { k: "gs", t: "a b", o: "b" },
    ]) {
      expect(() => decodeMessage(raw(h)), JSON.stringify(h)).toThrow(SharedStateError);
    }
  });

  it("a hub fed malformed messages on every kind of channel never throws and keeps its state", async () => {
    const broker = new MemoryBroker();
    let invalid = 0;
    const hub = new SharedState({
      adapter: new MemoryBus(broker),
      instanceId: "victim",
      observer: { busPublished() {}, busReceived: (o) => void (o === "invalid" && invalid++) },
    });
    const g = hub.globalSignal("g", 1);
    const p = hub.presence<string>("p");
    const b = hub.broadcast<string>("b", { history: 5 });
    p.join("me");
    b.send("mine");
    const raw = new MemoryBus(broker);
    raw.open({ message() {}, status() {} });
    await sleep(5);
    const bad = [
      ...["g.g", "p.p", "b.b", "i.victim"].flatMap((ch) =>
        (Object.values(MessageKind) as string[]).map((kind) => [ch, kind] as const),
      ),
    ];
    let sent = 0;
    for (const [channel, kind] of bad) {
      const topic = channel.slice(2);
      const h = {
        kind: kind as MessageKind,
        topic: topic === "victim" ? "g" : topic,
        origin: "evil",
        seq: 9,
        clock: 3,
        final: true,
      };
      const msg = encodeMessage(h, new TextEncoder().encode('[1,[[1,"x"],{"a":1}]]'));
      // Truncated: the payload no longer decodes (queries carry none and ignore it).
      await raw.publish(channel, msg.subarray(0, msg.length - 4));
      sent++;
      if (kind === MessageKind.PresenceState || kind === MessageKind.BroadcastHistory) {
        // Valid codec bytes, but not a list of members or messages.
        await raw.publish(channel, msg);
        sent++;
      }
    }
    await sleep(20);
    expect(invalid).toBeGreaterThan(0);
    expect(invalid).toBeLessThanOrEqual(sent);
    expect(g()).toBe(1);
    expect(p.members().map((m) => m.meta)).toEqual(["me"]);
    expect(b.recent().map((m) => m.value)).toEqual(["mine"]);
    await hub.disconnect();
  });
});
