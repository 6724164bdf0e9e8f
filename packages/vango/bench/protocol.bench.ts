/**
 * Wire protocol codec: encode/decode ns/op for a click event, an input event (20-char
 * value), a 100-patch mixed frame and a 1,000-node Insert; decode throughput of a ~1 MiB
 * patch frame.
 */
import { decodeServerFrame, encodeClientFrame } from "../src/protocol/client-codec.ts";
import { EventType, FrameType, NodeKind, PatchOp } from "../src/protocol/constants.ts";
import type { ClientFrame, ServerFrame } from "../src/protocol/frame.ts";
import { resolveLimits } from "../src/protocol/limits.ts";
import type { Patch, WireNode } from "../src/protocol/patch.ts";
import { decodeClientFrame, encodeServerFrame } from "../src/protocol/server-codec.ts";
import { type BenchResult, bench, printTable } from "./util.ts";

const click: ClientFrame = {
  type: FrameType.Event,
  cseq: 12,
  hid: 42,
  event: { type: EventType.Click, x: 120, y: 340, button: 0, mods: 0 },
};
const input: ClientFrame = {
  type: FrameType.Event,
  cseq: 13,
  hid: 43,
  event: { type: EventType.Input, value: "hello vango, 20 chr!" },
};

function mixedPatches(n: number, seed: number): Patch[] {
  const out: Patch[] = [];
  for (let i = 0; i < n; i++) {
    const hid = seed + i;
    switch (i % 8) {
      case 0:
        out.push({ op: PatchOp.SetText, parent: hid, index: 0, text: `count ${i}` });
        break;
      case 1:
        out.push({ op: PatchOp.SetAttr, hid, name: "class", value: "row selected" });
        break;
      case 2:
        out.push({ op: PatchOp.SetProp, hid, name: "value", value: `v${i}` });
        break;
      case 3:
        out.push({
          op: PatchOp.Insert,
          parent: hid,
          index: 2,
          node: {
            kind: NodeKind.Element,
            tag: "li",
            hid: hid + 100_000,
            attrs: { class: "item" },
            children: [{ kind: NodeKind.Text, text: `item ${i}` }],
          },
        });
        break;
      case 4:
        out.push({ op: PatchOp.Remove, parent: hid, index: 3 });
        break;
      case 5:
        out.push({ op: PatchOp.Move, parent: hid, from: 4, to: 1 });
        break;
      case 6:
        out.push({ op: PatchOp.AddClass, hid, name: "active" });
        break;
      default:
        out.push({ op: PatchOp.RemoveAttr, hid, name: "disabled" });
    }
  }
  return out;
}

function tree(count: number): WireNode {
  const children: WireNode[] = [];
  for (let i = 0; i < count - 1; i++) {
    children.push(
      i % 2
        ? { kind: NodeKind.Text, text: `row ${i}` }
        : {
            kind: NodeKind.Element,
            tag: "td",
            hid: 1000 + i,
            attrs: { class: "cell", "data-k": String(i) },
            children: [],
          },
    );
  }
  return { kind: NodeKind.Element, tag: "tr", hid: 999, attrs: {}, children };
}

const hundred: ServerFrame = {
  type: FrameType.Patches,
  seq: 77,
  cseq: 13,
  patches: mixedPatches(100, 1),
};
const insert: ServerFrame = {
  type: FrameType.Patches,
  seq: 78,
  cseq: 13,
  patches: [{ op: PatchOp.Insert, parent: 5, index: 0, node: tree(1000) }],
};

const cases: [string, ClientFrame | ServerFrame, boolean][] = [
  ["click event", click, true],
  ["input event (20 chars)", input, true],
  ["100 mixed patches", hundred, false],
  ["insert of 1,000 nodes", insert, false],
];

const rows: BenchResult[] = [];
for (const [name, frame, fromClient] of cases) {
  const bytes = fromClient
    ? encodeClientFrame(frame as ClientFrame)
    : encodeServerFrame(frame as ServerFrame);
  const note = `${bytes.length} B`;
  rows.push(
    fromClient
      ? bench(`encode ${name}`, () => encodeClientFrame(frame as ClientFrame), { note })
      : bench(`encode ${name}`, () => encodeServerFrame(frame as ServerFrame), { note }),
  );
  rows.push(
    fromClient
      ? bench(`decode ${name}`, () => decodeClientFrame(bytes), { note })
      : bench(`decode ${name}`, () => decodeServerFrame(bytes), { note }),
  );
}

// ~1 MiB patch frame of mixed ops.
let big = mixedPatches(100, 1);
for (let k = 1; encodeServerFrame({ ...hundred, patches: big }).length < 1 << 20; k++) {
  big = big.concat(mixedPatches(100, k * 1000));
}
const bigBytes = encodeServerFrame({ type: FrameType.Patches, seq: 1, cseq: 0, patches: big });
const limits = resolveLimits({ maxFrameBytes: 1 << 21 });
const dec = bench("decode ~1 MiB patch frame", () => decodeServerFrame(bigBytes, limits), {
  runs: 5,
});
const mbps = bigBytes.length / 2 ** 20 / (dec.nsPerOp / 1e9);
rows.push({ ...dec, note: `${bigBytes.length} B, ${big.length} patches, ${mbps.toFixed(0)} MB/s` });
const enc = bench(
  "encode ~1 MiB patch frame",
  () => encodeServerFrame({ type: FrameType.Patches, seq: 1, cseq: 0, patches: big }),
  { runs: 5 },
);
rows.push({ ...enc, note: `${(bigBytes.length / 2 ** 20 / (enc.nsPerOp / 1e9)).toFixed(0)} MB/s` });

printTable("Wire protocol codec", rows);
