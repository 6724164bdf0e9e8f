/**
 * The fuzzer's WebSocket target: the frame reader that reads what browsers send. Inputs
 * are client streams — protocol frames from the pool carried as masked binary messages
 * (some cut into fragments, some as text), with pings, pongs and a close frame between —
 * then mutated at the byte level. Each is read whole and in random chunks. A finding is
 * an exception out of the reader, a stream that reads differently when cut differently,
 * an event after the close frame or the first error, or a message over `maxPayload`.
 */
import {
  clientFrame,
  closePayload,
  Op,
  type ReadEvent,
  readInChunks,
} from "../test/server/ws/client-frames.ts";
import type { Rng } from "./mutate.ts";

/** Small, so streams of a few frames cross it (1009). */
export const WS_MAX_PAYLOAD = 512;

/** A valid client stream carrying `messages` (pool frames). */
export function wsStream(rng: Rng, messages: readonly Uint8Array[]): Uint8Array {
  const frames: Uint8Array[] = [];
  const mask = [rng.below(256), rng.below(256), rng.below(256), rng.below(256)] as const;
  for (const m of messages) {
    switch (rng.below(6)) {
      case 0:
        frames.push(clientFrame(Op.Ping, m.subarray(0, 125), { mask }));
        break;
      case 1:
        frames.push(clientFrame(Op.Text, Buffer.from(Buffer.from(m).toString("latin1")), { mask }));
        break;
      case 2: {
        // Fragments, a pong between two of them.
        const cut = rng.below(m.length + 1);
        frames.push(clientFrame(Op.Binary, m.subarray(0, cut), { fin: false, mask }));
        frames.push(clientFrame(Op.Pong, m.subarray(0, rng.below(126)), { mask }));
        frames.push(clientFrame(Op.Continuation, m.subarray(cut), { mask }));
        break;
      }
      default:
        frames.push(clientFrame(Op.Binary, m, { mask }));
    }
  }
  if (rng.below(4) === 0) frames.push(clientFrame(Op.Close, closePayload(1000, "bye"), { mask }));
  return Buffer.concat(frames);
}

/** Random sorted cut points in a stream of `n` bytes (sometimes every byte). */
function cutsFor(rng: Rng, n: number): number[] {
  if (n < 64 && rng.below(4) === 0) return Array.from({ length: n }, (_, i) => i);
  const cuts = new Set<number>();
  const k = rng.below(8);
  for (let i = 0; i < k; i++) cuts.add(rng.below(n + 1));
  return [...cuts].sort((a, b) => a - b);
}

/**
 * Reads `input` whole and cut; returns what went wrong (`undefined`: nothing), and counts
 * the reader's refusals by code into `codes`.
 */
export function checkWsStream(
  rng: Rng,
  input: Uint8Array,
  codes: Map<string, number>,
): { kind: string; detail: string } | undefined {
  let whole: ReadEvent[];
  let cut: ReadEvent[];
  try {
    whole = readInChunks(input, [], WS_MAX_PAYLOAD);
    cut = readInChunks(input, cutsFor(rng, input.length), WS_MAX_PAYLOAD);
  } catch (e) {
    return { kind: "ws-crash", detail: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  if (JSON.stringify(whole) !== JSON.stringify(cut)) {
    return { kind: "ws-chunking", detail: "reads differently when cut into chunks" };
  }
  const end = whole.findIndex((e) => e.type === "close" || e.type === "error");
  if (end !== -1 && end !== whole.length - 1) {
    return { kind: "ws-after-end", detail: "events after the close frame or an error" };
  }
  for (const e of whole) {
    if ((e.type === "binary" || e.type === "text") && e.data.length / 2 > WS_MAX_PAYLOAD) {
      return { kind: "ws-too-big", detail: `a ${e.data.length / 2}-byte message was delivered` };
    }
  }
  const last = whole[whole.length - 1];
  if (last?.type === "error") codes.set(last.code, (codes.get(last.code) ?? 0) + 1);
  return undefined;
}
