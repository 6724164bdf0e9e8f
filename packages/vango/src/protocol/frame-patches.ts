/** Patches and FullResync frame codecs (server → client). */
import { FrameType } from "./constants.ts";
import type { FullResyncFrame, PatchesFrame } from "./frame.ts";
import type { Patch } from "./patch.ts";
import { readPatch, writePatch } from "./patch-codec.ts";
import { malformed, type Reader } from "./reader.ts";
import { readNode, writeNode } from "./wire-node.ts";
import type { Writer } from "./writer.ts";

/** Smallest encoded patch: op byte + one 1-byte field. */
const MIN_PATCH_BYTES = 2;

export function writePatches(w: Writer, f: PatchesFrame): void {
  w.u8(FrameType.Patches);
  w.uint(f.seq);
  w.uint(f.cseq);
  const patches = f.patches;
  w.uint(patches.length);
  for (let i = 0; i < patches.length; i++) writePatch(w, patches[i]!);
}

export function readPatches(r: Reader, flags: number): PatchesFrame {
  if (flags !== 0) throw malformed();
  const seq = r.uint();
  const cseq = r.uint();
  const n = r.count(MIN_PATCH_BYTES);
  // n was checked against maxItems and the bytes left.
  const patches = new Array<Patch>(n);
  const { maxVNodeDepth, maxPatchDepth } = r.limits;
  for (let i = 0; i < n; i++) patches[i] = readPatch(r, maxVNodeDepth, maxPatchDepth);
  return { type: FrameType.Patches, seq, cseq, patches };
}

export function writeFullResync(w: Writer, f: FullResyncFrame): void {
  w.u8(FrameType.FullResync);
  w.uint(f.seq);
  writeNode(w, f.root);
}

export function readFullResync(r: Reader, flags: number): FullResyncFrame {
  if (flags !== 0) throw malformed();
  const seq = r.uint();
  return { type: FrameType.FullResync, seq, root: readNode(r, r.limits.maxVNodeDepth) };
}
