/**
 * ServerWebSocket on an in-memory socket: pings answered with the same payload, pongs
 * reported, the closing handshake both ways (echo, then end; wait for the peer, then
 * end; destroy after the close timeout), protocol errors closed with their code, a ping
 * flood from a peer that does not read cut off, and `onClose` exactly once however the
 * socket goes.
 */
import { Duplex } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  MESSAGE_TOO_BIG,
  ReadClose,
  type WebSocketError,
} from "../../../src/server/ws/frame-reader.ts";
import {
  CLOSE_TIMEOUT_MS,
  MAX_PENDING_PONGS,
  ServerWebSocket,
  type WebSocketHandler,
  WsState,
} from "../../../src/server/ws/server-websocket.ts";
import { clientFrame, closePayload, Op } from "./client-frames.ts";

/** An in-memory upgraded socket: what the server writes, whether it ended or closed. */
class Peer {
  readonly written: Buffer[] = [];
  ended = false;
  /** Writes are never completed: the socket's buffer only grows (a peer that stopped reading). */
  readonly socket: Duplex;

  constructor(stalled = false) {
    this.socket = new Duplex({
      read() {},
      write: (chunk: Buffer, _enc, cb) => {
        this.written.push(chunk);
        if (!stalled) cb();
      },
      final: (cb) => {
        this.ended = true;
        cb();
      },
    });
  }

  /** The peer sends `bytes`. */
  send(bytes: Uint8Array): void {
    this.socket.push(Buffer.from(bytes));
  }

  /** The server's bytes so far, as hex. */
  out(): string {
    return Buffer.concat(this.written).toString("hex");
  }
}

class Handler implements WebSocketHandler {
  readonly log: string[] = [];
  errors: WebSocketError[] = [];
  onMessage(data: Uint8Array, binary: boolean): void {
    this.log.push(`${binary ? "binary" : "text"} ${Buffer.from(data).toString("hex")}`);
  }
  onPong(): void {
    this.log.push("pong");
  }
  onError(err: WebSocketError): void {
    this.errors.push(err);
    this.log.push(`error ${err.closeCode}`);
  }
  onClose(): void {
    this.log.push("close");
  }
}

function open(stalled = false, maxPayload = 1024) {
  const peer = new Peer(stalled);
  const handler = new Handler();
  const ws = new ServerWebSocket(peer.socket, maxPayload);
  ws.open(handler, Buffer.alloc(0));
  return { peer, handler, ws };
}

const tick = () => new Promise((r) => setImmediate(r));
const hex = (...bytes: number[]) => Buffer.from(bytes).toString("hex");

afterEach(() => {
  vi.useRealTimers();
});

describe("ServerWebSocket", () => {
  it("reads the upgrade's head before anything else", () => {
    const peer = new Peer();
    const handler = new Handler();
    const ws = new ServerWebSocket(peer.socket, 1024);
    ws.open(handler, clientFrame(Op.Binary, Buffer.from([1, 2])));
    expect(handler.log).toEqual(["binary 0102"]);
  });

  it("reports messages and pongs; answers a ping with its payload", async () => {
    const { peer, handler, ws } = open();
    peer.send(clientFrame(Op.Binary, Buffer.from([7])));
    peer.send(clientFrame(Op.Text, Buffer.from("a")));
    peer.send(clientFrame(Op.Ping, Buffer.from([1, 2, 3])));
    peer.send(clientFrame(Op.Pong, Buffer.alloc(0)));
    await tick();
    expect(handler.log).toEqual(["binary 07", "text 61", "pong"]);
    expect(peer.out()).toBe(hex(0x8a, 3, 1, 2, 3));
    ws.ping();
    expect(peer.out()).toBe(hex(0x8a, 3, 1, 2, 3, 0x89, 0));
  });

  it("echoes the peer's close frame (code and reason), then ends; onClose once", async () => {
    const { peer, handler, ws } = open();
    peer.send(clientFrame(Op.Close, closePayload(4001, "x")));
    await tick();
    expect(peer.out()).toBe(hex(0x88, 3, 0x0f, 0xa1, 0x78));
    expect(peer.ended).toBe(true);
    expect(ws.readyState).toBe(WsState.Closing);
    peer.socket.push(null);
    await tick();
    await tick();
    expect(ws.readyState).toBe(WsState.Closed);
    expect(handler.log).toEqual(["close"]);
    // Nothing is written once closing.
    ws.ping();
    ws.close(1000, "");
    expect(peer.out()).toBe(hex(0x88, 3, 0x0f, 0xa1, 0x78));
  });

  it("echoes an empty close frame with an empty one", async () => {
    const { peer } = open();
    peer.send(clientFrame(Op.Close, Buffer.alloc(0)));
    await tick();
    expect(peer.out()).toBe(hex(0x88, 0));
    expect(peer.ended).toBe(true);
  });

  it("close(): sends its frame, waits for the peer's, then ends", async () => {
    const { peer, ws } = open();
    ws.close(4000, "done");
    expect(peer.out()).toBe(hex(0x88, 6, 0x0f, 0xa0, ...Buffer.from("done")));
    expect(ws.readyState).toBe(WsState.Closing);
    await tick();
    expect(peer.ended).toBe(false);
    // Messages still in flight from the peer are read until its close frame.
    peer.send(clientFrame(Op.Close, closePayload(4000)));
    await tick();
    expect(peer.ended).toBe(true);
    // The echo is not sent twice.
    expect(peer.out()).toBe(hex(0x88, 6, 0x0f, 0xa0, ...Buffer.from("done")));
  });

  it("close(): destroys the socket when the peer never answers", async () => {
    vi.useFakeTimers();
    const { peer, handler, ws } = open();
    ws.close(1000, "");
    vi.advanceTimersByTime(CLOSE_TIMEOUT_MS - 1);
    expect(peer.socket.destroyed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(peer.socket.destroyed).toBe(true);
    vi.useRealTimers();
    await tick();
    expect(handler.log).toEqual(["close"]);
    expect(ws.readyState).toBe(WsState.Closed);
  });

  it("refuses a code no peer may receive, and a reason over 123 bytes", () => {
    const { ws } = open();
    expect(() => ws.close(1005, "")).toThrow(TypeError);
    expect(() => ws.close(1000, "x".repeat(124))).toThrow(RangeError);
    expect(ws.readyState).toBe(WsState.Open);
  });

  it("a protocol error: closes with its code and ends, reports the error", async () => {
    const { peer, handler } = open();
    peer.send(clientFrame(Op.Binary, Buffer.from([1]), { masked: false }));
    await tick();
    expect(peer.out()).toBe(hex(0x88, 2, 0x03, 0xea));
    expect(peer.ended).toBe(true);
    expect(handler.errors.map((e) => e.code)).toEqual(["WS_ERR_EXPECTED_MASK"]);
  });

  it("a message over maxPayload closes 1009 with the code the app counts", async () => {
    const { peer, handler } = open(false, 10);
    peer.send(clientFrame(Op.Binary, Buffer.alloc(11)).subarray(0, 6));
    await tick();
    expect(peer.out()).toBe(hex(0x88, 2, 0x03, 0xf1));
    expect(handler.errors.map((e) => [e.code, e.closeCode])).toEqual([
      [MESSAGE_TOO_BIG, ReadClose.MessageTooBig],
    ]);
  });

  it("drops a peer that floods pings without reading the pongs", async () => {
    const { peer, handler, ws } = open(true);
    for (let i = 0; i < MAX_PENDING_PONGS; i++) peer.send(clientFrame(Op.Ping, Buffer.from([i])));
    await tick();
    // All answered (3 bytes each), none taken by the peer.
    expect(peer.socket.writableLength).toBe(3 * MAX_PENDING_PONGS);
    expect(ws.readyState).toBe(WsState.Open);
    peer.send(clientFrame(Op.Ping, Buffer.from([0])));
    await tick();
    expect(peer.socket.destroyed).toBe(true);
    expect(handler.log).toEqual(["close"]);
  });

  it("answers any number of pings from a peer that reads", async () => {
    const { peer, ws } = open();
    for (let i = 0; i < 3 * MAX_PENDING_PONGS; i++)
      peer.send(clientFrame(Op.Ping, Buffer.alloc(0)));
    await tick();
    expect(peer.written.length).toBe(3 * MAX_PENDING_PONGS);
    expect(ws.readyState).toBe(WsState.Open);
  });

  it("the peer ending its side ends ours; onClose once", async () => {
    const { peer, handler, ws } = open();
    peer.socket.push(null);
    await tick();
    expect(peer.ended).toBe(true);
    await tick();
    expect(ws.readyState).toBe(WsState.Closed);
    expect(handler.log).toEqual(["close"]);
  });

  it("a socket error is handled (no throw) and closes once", async () => {
    const { peer, handler, ws } = open();
    peer.socket.destroy(new Error("ECONNRESET"));
    await tick();
    expect(ws.readyState).toBe(WsState.Closed);
    expect(handler.log).toEqual(["close"]);
  });

  it("terminate destroys at once; onClose once, whatever follows", async () => {
    const { peer, handler, ws } = open();
    ws.terminate();
    ws.terminate();
    ws.close(1000, "");
    expect(peer.socket.destroyed).toBe(true);
    await tick();
    expect(handler.log).toEqual(["close"]);
    expect(peer.out()).toBe("");
  });
});
