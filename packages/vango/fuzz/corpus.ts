/**
 * Seed corpus: valid frames for every frame type, event type and patch op, generated
 * with a fixed seed from the test arbitraries. `FUZZ_WRITE_CORPUS=1 npm run fuzz`
 * rewrites `fuzz/corpus/*.bin`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { encodeFrame } from "../src/protocol/codec.ts";
import { FrameType } from "../src/protocol/constants.ts";
import { eventByType, frameByType, patchByOp } from "../test/protocol/arbitraries.ts";

export function generateCorpus(seed = 1): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [type, arb] of Object.entries(frameByType)) {
    fc.sample(arb, { numRuns: 4, seed }).forEach((f, i) => {
      out.set(`frame-${type}-${i}`, encodeFrame(f));
    });
  }
  for (const [op, arb] of Object.entries(patchByOp)) {
    fc.sample(arb, { numRuns: 2, seed }).forEach((p, i) => {
      out.set(
        `patch-${op}-${i}`,
        encodeFrame({ type: FrameType.Patches, seq: 1, cseq: 0, patches: [p] }),
      );
    });
  }
  for (const [type, arb] of Object.entries(eventByType)) {
    fc.sample(arb, { numRuns: 2, seed }).forEach((event, i) => {
      out.set(`event-${type}-${i}`, encodeFrame({ type: FrameType.Event, cseq: 1, hid: 1, event }));
    });
  }
  return out;
}

export function writeCorpus(dir: string): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const corpus = generateCorpus();
  for (const [name, bytes] of corpus) writeFileSync(join(dir, `${name}.bin`), bytes);
  return corpus.size;
}

export function readCorpus(dir: string): Uint8Array[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".bin"));
  } catch {
    return [];
  }
  return files.sort().map((f) => new Uint8Array(readFileSync(join(dir, f))));
}
