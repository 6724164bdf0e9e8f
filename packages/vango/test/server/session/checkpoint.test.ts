/**
 * Checkpoint encoding (issue 13): format 3 round-trips, format 1 and 2 checkpoints written
 * by earlier versions are still read (fence 0), other versions are refused with a code,
 * and the fingerprint covers what is persisted (sid, URL, user, fence, state, hids) but
 * not what changes with every frame (seqs, tree hash) — so an unchanged session costs no
 * write.
 */
import { describe, expect, it } from "vitest";
import {
  CHECKPOINT_VERSION,
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
} from "../../../src/server/session/checkpoint.ts";
import { StateCodec } from "../../../src/state/codec.ts";

const codec = new StateCodec();

const cp = (over: Partial<Checkpoint> = {}): Checkpoint => ({
  v: CHECKPOINT_VERSION,
  sid: "s1",
  url: "/todos?f=all",
  seq: 12,
  cseq: 7,
  userId: undefined,
  fence: 0,
  state: [
    ["Shell:0", [true]],
    ["Shell:0/Counter:0", [3, new Date(5), undefined]],
  ],
  hids: [1, 2, 3],
  hash: "2k8f3x1qz9a",
  ...over,
});

describe("checkpoints", () => {
  it("round-trip in format 3, fence included", () => {
    const back = decodeCheckpoint(codec, encodeCheckpoint(codec, cp({ userId: "u1" })).bytes);
    expect(back).toEqual(cp({ userId: "u1" }));
    const fenced = cp({ fence: 0xffff_ffff });
    expect(decodeCheckpoint(codec, encodeCheckpoint(codec, fenced).bytes)).toEqual(fenced);
  });

  it("read format 2 (no fence) as fence 0", () => {
    const v2 = codec.encode([2, "s1", "/a", "u1", [["C:0", [1]]], [1, 2], 4, 3, "h2"]);
    expect(decodeCheckpoint(codec, v2)).toEqual({
      v: 2,
      sid: "s1",
      url: "/a",
      seq: 4,
      cseq: 3,
      userId: "u1",
      fence: 0,
      state: [["C:0", [1]]],
      hids: [1, 2],
      hash: "h2",
    });
  });

  it("read format 1 (seqs before the state)", () => {
    const v1 = codec.encode([1, "s1", "/a", 4, 3, null, [["C:0", [1]]], [1, 2], "oldhash"]);
    expect(decodeCheckpoint(codec, v1)).toEqual({
      v: 1,
      sid: "s1",
      url: "/a",
      seq: 4,
      cseq: 3,
      userId: undefined,
      fence: 0,
      state: [["C:0", [1]]],
      hids: [1, 2],
      hash: "oldhash",
    });
  });

  it("refuse other versions and shapes with state_invalid", () => {
    const bad = [
      codec.encode([4, "s1", "/a", null, 0, [], [], 1, 1, "h"]),
      codec.encode([3, "s1", "/a", null, [], [], 1, 1, "h"]),
      codec.encode([3, "s1", "/a", null, -1, [], [], 1, 1, "h"]),
      codec.encode([3, "s1", "/a", null, 2 ** 32, [], [], 1, 1, "h"]),
      codec.encode([3, "s1", "/a", null, 0.5, [], [], 1, 1, "h"]),
      codec.encode([2, "s1", "/a", null, 0, [], [], 1, 1, "h"]),
      codec.encode([2, "s1", "/a", null, [], [], 1, 1]),
      codec.encode([2, "s1", "a", null, [], [], 1, 1, "h"]),
      codec.encode([2, "s1", "/a", null, [], [-1], 1, 1, "h"]),
      codec.encode({ v: 2 }),
    ];
    for (const b of bad) expect(() => decodeCheckpoint(codec, b)).toThrow(/checkpoint/);
  });

  it("fingerprint what is persisted, not the seqs or the tree hash", () => {
    const print = (c: Checkpoint) => encodeCheckpoint(codec, c).print;
    const base = print(cp());
    expect(print(cp({ seq: 13, cseq: 1234, hash: "zz" }))).toBe(base);
    expect(print(cp({ seq: 9_999_999, cseq: 0, hash: "" }))).toBe(base);
    for (const changed of [
      cp({ sid: "s2" }),
      cp({ url: "/todos?f=done" }),
      cp({ userId: "u1" }),
      cp({ fence: 1 }),
      cp({ hids: [1, 2, 4] }),
      cp({
        state: [
          ["Shell:0", [true]],
          ["Shell:0/Counter:0", [4, new Date(5), undefined]],
        ],
      }),
    ]) {
      expect(print(changed)).not.toBe(base);
    }
  });

  it("leave out a component whose values the codec refuses, and report it", () => {
    const { bytes, skipped } = encodeCheckpoint(
      codec,
      cp({
        state: [
          ["A:0", [1]],
          ["B:0", [() => 1]],
          ["C:0", [2]],
        ],
      }),
    );
    expect(skipped.map((s) => [s.path, s.error.code])).toEqual([["B:0", "state_unserializable"]]);
    expect(decodeCheckpoint(codec, bytes).state).toEqual([
      ["A:0", [1]],
      ["C:0", [2]],
    ]);
  });
});
