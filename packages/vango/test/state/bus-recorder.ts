/**
 * A `BusListener` that records what a bus delivers, and a wait that polls for a
 * condition (buses deliver asynchronously; Redis over a socket).
 */
import type { BusListener } from "../../src/state/bus.ts";

export { until } from "../until.ts";

export class Recorder implements BusListener {
  readonly messages: { channel: string; data: Uint8Array }[] = [];
  readonly statuses: boolean[] = [];

  message(channel: string, data: Uint8Array): void {
    this.messages.push({ channel, data: data.slice() });
  }

  status(up: boolean): void {
    this.statuses.push(up);
  }

  /** Payloads received on `channel`, as text. */
  texts(channel: string): string[] {
    return this.messages
      .filter((m) => m.channel === channel)
      .map((m) => new TextDecoder().decode(m.data));
  }

  get up(): boolean {
    return this.statuses.at(-1) === true;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
