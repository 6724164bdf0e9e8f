/**
 * What a session needs from a connection: send binary frames, know how much is still
 * buffered, close with a code. A WebSocket (`WsTransport`) and the in-memory socket of
 * `vango/testing` both satisfy it, so one session core serves both.
 */

export interface Transport {
  /** Queues one binary message. */
  send(data: Uint8Array): void;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Closes with a WebSocket close code and a short reason (≤ 123 bytes). */
  close(code: number, reason: string): void;
  /** Sends a transport-level ping (no-op where there is none). */
  ping(): void;
  /** Hard-stops the connection without a closing handshake. */
  terminate(): void;
}
