/**
 * The Data channels of one session: byte streams a feature opened (an upload, by its
 * id) that the session's client feeds with Data frames on the page's own socket. The
 * socket always reaches the instance that holds the session, so a feature that takes
 * bytes this way needs no sticky routing and no address of its own.
 *
 * A channel exists only in the session that opened it: a frame naming another
 * session's channel finds nothing here. What a receiver does with the bytes, and when
 * it answers, is the feature's business (uploads answer through their hook).
 */

/**
 * Takes the bytes of one Data frame at `offset`; returns `false` to refuse them (the
 * connection then charges the frame to the session's event budget). `data` is a view
 * into the socket's message: keep it, do not expect it to be copied.
 */
export type DataReceiver = (offset: number, data: Uint8Array) => boolean;

export class DataChannels {
  /** Made on the first channel (most sessions never upload). */
  #open: Map<string, DataReceiver> | null = null;

  /** Routes Data frames naming `channel` to `receiver` (replacing any before it). */
  open(channel: string, receiver: DataReceiver): void {
    if (this.#open === null) this.#open = new Map();
    this.#open.set(channel, receiver);
  }

  /** Stops routing `channel`; later frames naming it are refused. */
  close(channel: string): void {
    this.#open?.delete(channel);
  }

  /** Hands one frame's bytes to its channel; `false` when refused or no such channel. */
  receive(channel: string, offset: number, data: Uint8Array): boolean {
    return this.#open?.get(channel)?.(offset, data) === true;
  }

  /** Channels open (a gauge for tests and leaks). */
  get size(): number {
    return this.#open?.size ?? 0;
  }

  /** Closes every channel (the session ended). */
  clear(): void {
    this.#open = null;
  }
}
