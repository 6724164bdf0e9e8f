/**
 * In-memory stand-in for the browser `WebSocket`: records the frames the client sends
 * (decoded with the shared codec) and lets a test play the server.
 */
import { decodeFrame, encodeFrame } from "../../src/protocol/codec.ts";
import type { Frame, ServerFrame } from "../../src/protocol/frame.ts";

export class FakeSocket {
  static all: FakeSocket[] = [];
  static last(): FakeSocket {
    return FakeSocket.all.at(-1)!;
  }

  readonly url: string;
  binaryType = "blob";
  readyState = 0;
  sent: Frame[] = [];
  closedWith: number | undefined;
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: { data: ArrayBuffer }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;

  constructor(url: string) {
    this.url = url;
    FakeSocket.all.push(this);
  }

  send(bytes: Uint8Array): void {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    this.sent.push(decodeFrame(bytes));
  }

  /** Frames sent since the last call. */
  take(): Frame[] {
    return this.sent.splice(0);
  }

  close(code = 1005): void {
    if (this.readyState >= 2) return;
    this.closedWith = code;
    this.serverClose(code);
  }

  // --- the test's (server's) side ---

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }

  receive(frame: ServerFrame): void {
    const b = encodeFrame(frame);
    this.receiveBytes(b);
  }

  receiveBytes(b: Uint8Array): void {
    this.onmessage?.({
      data: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
    });
  }

  /** The server's close frame arrived: CLOSING until the connection ends (`serverClose`). */
  serverClosing(): void {
    this.readyState = 2;
  }

  serverClose(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}
