/**
 * V8 tuning for live-session workloads, applied by `createApp` unless `v8Tuning: false`.
 *
 * A render's objects (nodes, host records, handler closures) live until that session's
 * next event, typically a few hundred milliseconds: long enough to survive a scavenge,
 * so V8's allocation-site pretenuring may decide their sites make long-lived objects
 * and allocate them straight into old space. From then on old space fills at the event
 * rate, every scavenge walks the references from those objects into the young
 * generation, and pauses grow to 40–60 ms. In the load benchmark (2,000 sessions × 5
 * events/s) the runs where that happened had a p99 of 35–250 ms against 8–15 ms
 * without (BENCHMARKS.md). With pretenuring off, these objects die young as they should.
 *
 * The flag is process-wide and read when the GC processes its feedback, so setting it
 * at startup takes effect; it changes where objects are allocated, never what code does.
 */
import { setFlagsFromString } from "node:v8";

export const V8_TUNING_FLAGS = "--no-allocation-site-pretenuring";

let applied = false;

/** Applies {@link V8_TUNING_FLAGS} once per process; true the first time. */
export function applyV8Tuning(): boolean {
  if (applied) return false;
  applied = true;
  setFlagsFromString(V8_TUNING_FLAGS);
  return true;
}
