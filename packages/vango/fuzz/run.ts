/**
 * `npm run fuzz`: a time-bounded, structure-aware mutation fuzzer for the protocol
 * decoders. Inputs are fresh valid frames (fast-check arbitraries) and byte-level
 * mutations of the seed corpus and of accepted inputs. A finding is any exception that
 * is not a ProtocolError, an accepted frame that does not survive re-encoding, or a
 * decode over 50 ms; each is saved to fuzz/crashers/ and the run exits 1. One input in
 * ten goes to the WebSocket frame reader instead, as a mutated client stream carrying
 * pool frames (`websocket.ts` says what it checks).
 *
 * Env: FUZZ_SECONDS (default 10), FUZZ_SEED (default: time), FUZZ_WRITE_CORPUS=1.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { decodeServerFrame } from "../src/protocol/client-codec.ts";
import { decodeFrame, encodeFrame } from "../src/protocol/codec.ts";
import { ProtocolError } from "../src/protocol/error-code.ts";
import type { Frame } from "../src/protocol/frame.ts";
import { type Limits, resolveLimits } from "../src/protocol/limits.ts";
import { decodeClientFrame } from "../src/protocol/server-codec.ts";
import { frame } from "../test/protocol/arbitraries.ts";
import { generateCorpus, readCorpus, writeCorpus } from "./corpus.ts";
import { mutate, Rng } from "./mutate.ts";
import { checkWsStream, wsStream } from "./websocket.ts";

const here = dirname(fileURLToPath(import.meta.url));
const corpusDir = join(here, "corpus");
const crashDir = join(here, "crashers");
const seconds = Number(process.env.FUZZ_SECONDS ?? 10);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const SLOW_MS = 50;
const POOL_MAX = 4096;

if (process.env.FUZZ_WRITE_CORPUS === "1") {
  console.log(`wrote ${writeCorpus(corpusDir)} corpus files to ${corpusDir}`);
}

const corpus = readCorpus(corpusDir);
const pool: Uint8Array[] = corpus.length > 0 ? [...corpus] : [...generateCorpus().values()];
const rng = new Rng(seed);
const tight: Limits = resolveLimits({
  maxString: 64,
  maxItems: 8,
  maxVNodeDepth: 4,
  maxPatchDepth: 3,
  maxHookDepth: 2,
  maxFrameBytes: 512,
});
const decoders = [
  (b: Uint8Array) => decodeFrame(b),
  (b: Uint8Array) => decodeFrame(b, tight),
  (b: Uint8Array) => decodeServerFrame(b),
  (b: Uint8Array) => decodeClientFrame(b),
];
const codes = new Map<string, number>();
let findings = 0;
let accepted = 0;
let iterations = 0;
let wsIterations = 0;
const wsCodes = new Map<string, number>();

function save(kind: string, input: Uint8Array, detail: string): void {
  findings++;
  mkdirSync(crashDir, { recursive: true });
  const id = createHash("sha1").update(input).digest("hex").slice(0, 12);
  writeFileSync(join(crashDir, `${kind}-${id}.bin`), input);
  writeFileSync(join(crashDir, `${kind}-${id}.txt`), `${detail}\nseed=${seed}\n`);
  console.error(`finding (${kind}) ${id}: ${detail.split("\n")[0]}`);
}

/**
 * A slow decode is re-timed three times and reported only if every run is slow, so a GC
 * pause or the OS descheduling the process is not a finding.
 */
function checkSlow(input: Uint8Array, decoder: number, first: number): void {
  let best = first;
  for (let i = 0; i < 3 && best > SLOW_MS; i++) {
    const t0 = performance.now();
    try {
      decoders[decoder]!(input);
    } catch {
      // the outcome was already checked; only the time matters here
    }
    best = Math.min(best, performance.now() - t0);
  }
  if (best > SLOW_MS) save("slow", input, `decoder ${decoder} took ${best.toFixed(1)} ms`);
}

function check(input: Uint8Array, decoder: number): void {
  let f: Frame;
  const t0 = performance.now();
  try {
    f = decoders[decoder]!(input);
  } catch (e) {
    const dt = performance.now() - t0;
    if (dt > SLOW_MS) checkSlow(input, decoder, dt);
    if (e instanceof ProtocolError) {
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      return;
    }
    save("crash", input, `decoder ${decoder}: ${e instanceof Error ? e.stack : String(e)}`);
    return;
  }
  const dt = performance.now() - t0;
  if (dt > SLOW_MS) checkSlow(input, decoder, dt);
  accepted++;
  try {
    const again = decodeFrame(encodeFrame(f));
    if (!isDeepStrictEqual(again, f)) save("roundtrip", input, "re-encoded frame differs");
  } catch (e) {
    save("roundtrip", input, `re-encode failed: ${e instanceof Error ? e.stack : String(e)}`);
  }
  if (pool.length < POOL_MAX) pool.push(input);
  else pool[rng.below(POOL_MAX)] = input;
}

const fresh = fc.sample(frame, { numRuns: 2000, seed }).map((f) => encodeFrame(f));
const started = performance.now();
const deadline = started + seconds * 1000;
while (performance.now() < deadline) {
  for (let i = 0; i < 256; i++) {
    const pick = rng.below(10);
    let input: Uint8Array;
    if (pick === 1) {
      const messages = Array.from(
        { length: 1 + rng.below(4) },
        () => pool[rng.below(pool.length)]!,
      );
      const stream = wsStream(rng, messages);
      input = rng.below(4) === 0 ? stream : mutate(rng, stream, pool[rng.below(pool.length)]!);
      const found = checkWsStream(rng, input, wsCodes);
      if (found !== undefined) save(found.kind, input, found.detail);
      wsIterations++;
      iterations++;
      continue;
    }
    if (pick === 0) input = fresh[rng.below(fresh.length)]!;
    else {
      const base = pool[rng.below(pool.length)]!;
      input = mutate(rng, base, pool[rng.below(pool.length)]!);
    }
    check(input, rng.below(decoders.length));
    iterations++;
  }
}
const elapsed = (performance.now() - started) / 1000;
const rate = Math.round(iterations / elapsed);
const top = [...codes.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}=${n}`);
console.log(`fuzz: seed=${seed} corpus=${corpus.length} pool=${pool.length}`);
console.log(`fuzz: ${iterations} iterations in ${elapsed.toFixed(1)} s (${rate} iterations/s)`);
console.log(`fuzz: accepted=${accepted} rejected: ${top.join(" ")}`);
const wsTop = [...wsCodes.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}=${n}`);
console.log(`fuzz: websocket streams=${wsIterations} refused: ${wsTop.join(" ")}`);
if (findings > 0) {
  console.error(`fuzz: ${findings} finding(s) saved to ${crashDir}`);
  process.exit(1);
}
console.log("fuzz: no findings");
