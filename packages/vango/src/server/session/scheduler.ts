/**
 * Render scheduling: sessions whose views went dirty during a tick are flushed together
 * in one microtask, so any number of signal writes in one handler (or one timer tick
 * across many sessions) produce one render and one Patches frame per session.
 */
import { empty } from "../../render/flush-lists.ts";

export interface Flushable {
  /** Set while the target sits in the pending list; owned by the scheduler. */
  flushScheduled: boolean;
  /** Renders and sends; must not throw (errors are the target's to report). */
  flush(): void;
}

const pending: Flushable[] = [];
let queued = false;
// `then` on a settled promise queues the same microtask `queueMicrotask` would, without
// Node's per-call AsyncResource and bound function.
const settled = Promise.resolve();

/**
 * Schedules `target.flush()` for the end of the current tick (once per tick).
 * @example scheduleFlush(session);
 */
export function scheduleFlush(target: Flushable): void {
  if (target.flushScheduled) return;
  target.flushScheduled = true;
  pending.push(target);
  if (!queued) {
    queued = true;
    void settled.then(runPending);
  }
}

function runPending(): void {
  // A flush may dirty another target (an effect writing a shared signal): it joins this
  // same pass because the loop reads `pending.length` live.
  for (let i = 0; i < pending.length; i++) {
    const t = pending[i]!;
    t.flushScheduled = false;
    t.flush();
  }
  // `pop` keeps the backing store; `length = 0` would free it and the next tick's
  // first push would allocate it again.
  empty(pending);
  queued = false;
}
