/**
 * Judges a socket by its progress — the bytes it takes over time — not by how much
 * waits for it: a 4.5 MiB render on a 2 MB/s link waits ~2 s and is fine; a link that
 * moves less than `minRate` bytes/s while data waits for it is slow, whatever the frame
 * sizes. Two measures, sampled about once a second while either applies:
 *
 * - **Drain**: the transport's backlog (`bufferedAmount`) must shrink. Drained = backlog
 *   before + sent − backlog now, averaged over windows of {@link DRAIN_WINDOW_MS}: long
 *   enough to ride out a stall of a second or two (a browser GC pause, a radio
 *   handover), short enough that a client that reads nothing is let go within seconds
 *   once the kernel buffers in between are full.
 * - **Acks**: the kernel takes up to its send buffer (4 MiB by default on Linux; a
 *   resumed socket, starting from cached TCP metrics, took a whole 4.4 MB catch-up at
 *   once in the slow-link test) and then the backlog shows nothing. So the client must
 *   also ack what it was sent at `minRate`: everything sent is due `bytes / minRate`
 *   after it was sent (after what was due before it), plus {@link ACK_GRACE_MS} for the
 *   client's coalesced acks (one per second) and applying.
 */

/** Length of one drain window. */
export const DRAIN_WINDOW_MS = 5_000;
/** Interval of the samples while a backlog or unacked large frames exist. */
export const DRAIN_SAMPLE_MS = 1_000;
/** Extra time for an ack: the client coalesces them (1 s) and must apply the frame. */
export const ACK_GRACE_MS = 5_000;
/**
 * A frame this large starts the ack measure even when the kernel took it all: below
 * this, a link at the default floor (32 KiB/s) delivers it within 2 s anyway.
 */
export const WATCH_FRAME_BYTES = 64 * 1024;

/** What a sample says about the socket. */
export const Drain = {
  /** Nothing waits any more and the client acked everything sent: stop watching. */
  Clear: 0,
  /** Data waits or acks are due, and the socket keeps up with `minRate`. */
  Progress: 1,
  /** A window drained less than `minRate`, or acks are overdue. */
  Slow: 2,
} as const;
export type Drain = (typeof Drain)[keyof typeof Drain];

/** `DrainWatch.held`: no frame held back. */
export const NOT_HELD = -1;
/** `DrainWatch.held`: a full resync is owed. */
export const HELD_FULL = -2;

export class DrainWatch {
  // The owner's bookkeeping while it watches, kept here so that the many sessions
  // without a backlog carry no fields for it (idle memory per session).
  /** The pending sample timer. */
  timer: NodeJS.Timeout | undefined = undefined;
  /**
   * Frames held back (the backlog is over the cap): {@link NOT_HELD}, the seq of the
   * last frame sent before them, or {@link HELD_FULL}.
   */
  held: number = NOT_HELD;
  /** Bytes per ms. */
  readonly #rate: number;
  /** Backlog at the last sample. */
  #buffered: number;
  /** Bytes sent since the last sample. */
  #sent = 0;
  #windowStart: number;
  #windowDrained = 0;
  /** When the client should have acked everything sent so far (0 = all acked). */
  #ackDue = 0;

  /**
   * `buffered` is the backlog at `now`; `minRate` is in bytes per second.
   * @example
   * const w = new DrainWatch(t.bufferedAmount, performance.now(), 32 * 1024);
   * t.send(frame);
   * w.sent(frame.byteLength, performance.now());
   * if (w.sample(t.bufferedAmount, performance.now()) === Drain.Slow) cut(t);
   */
  constructor(buffered: number, now: number, minRate: number) {
    this.#rate = minRate / 1000;
    this.#buffered = buffered;
    this.#windowStart = now;
  }

  /** `n` more bytes were handed to the transport at `now`. */
  sent(n: number, now: number): void {
    this.#sent += n;
    this.#ackDue = Math.max(this.#ackDue, now) + n / this.#rate;
  }

  /** The client acked everything sent so far. */
  acked(): void {
    this.#ackDue = 0;
  }

  /** Takes a sample: `buffered` is the transport's backlog at `now` (ms). */
  sample(buffered: number, now: number): Drain {
    const drained = this.#buffered + this.#sent - buffered;
    this.#buffered = buffered;
    this.#sent = 0;
    if (this.#ackDue !== 0 && now > this.#ackDue + ACK_GRACE_MS) return Drain.Slow;
    if (buffered === 0) {
      this.#windowStart = now;
      this.#windowDrained = 0;
      return this.#ackDue === 0 ? Drain.Clear : Drain.Progress;
    }
    if (drained > 0) this.#windowDrained += drained;
    const elapsed = now - this.#windowStart;
    if (elapsed < DRAIN_WINDOW_MS) return Drain.Progress;
    const slow = this.#windowDrained < this.#rate * elapsed;
    this.#windowStart = now;
    this.#windowDrained = 0;
    return slow ? Drain.Slow : Drain.Progress;
  }
}
