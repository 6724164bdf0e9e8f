/**
 * WsTransport frames binary messages itself and writes them to the upgraded socket: the
 * bytes must be exactly what `ws` would send, arrive intact at a real `ws` client at
 * every length-encoding boundary, and stay in order with the WebSocket's own control
 * frames. A large message is streamed as fragments paced by the socket (issue 10,
 * defect 10).
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, * as ws from "ws";
import { switchingProtocols } from "../../../src/server/ws/opening-handshake.ts";
import { ServerWebSocket, type WebSocketHandler } from "../../../src/server/ws/server-websocket.ts";
import { FRAGMENT_BYTES, frameBinary, WsTransport } from "../../../src/server/ws/ws-transport.ts";

/** ws's own framing (exported by the package, not declared in its types). */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
};

const SIZES = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000];

function payload(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

describe("frameBinary", () => {
  it.each(SIZES)("frames %i bytes exactly as ws does", (n) => {
    const data = payload(n);
    const expected = Buffer.concat(
      Sender.frame(Buffer.from(data), {
        fin: true,
        opcode: 2,
        mask: false,
        readOnly: false,
        rsv1: false,
      }),
    );
    expect(frameBinary(data).equals(expected)).toBe(true);
  });
});

const quiet: WebSocketHandler = {
  onMessage() {},
  onPong() {},
  onError() {},
  onClose() {},
};

/** Accepts an upgrade as the app does and returns its transport. */
function accept(req: IncomingMessage, socket: Duplex, head: Buffer): WsTransport {
  socket.write(switchingProtocols(req.headers["sec-websocket-key"]!));
  const w = new ServerWebSocket(socket, 1 << 20);
  w.open(quiet, head);
  return new WsTransport(w);
}

describe("WsTransport over a real socket", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  it("delivers every size intact, in order with pings and the close frame", async () => {
    server = createServer();
    server.on("upgrade", (req, socket, head) => {
      const t = accept(req, socket, head);
      t.send(payload(SIZES[0]!));
      t.ping();
      for (const n of SIZES.slice(1)) t.send(payload(n));
      t.close(4000, "done");
      t.send(payload(3)); // after close: dropped, as ws.send would refuse it
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const events: string[] = [];
    const received: Buffer[] = [];
    client.on("message", (data: Buffer, isBinary) => {
      expect(isBinary).toBe(true);
      events.push(`message ${data.length}`);
      received.push(data);
    });
    client.on("ping", () => events.push("ping"));
    const [code, reason] = (await once(client, "close")) as [number, Buffer];
    expect([code, reason.toString()]).toEqual([4000, "done"]);
    expect(events).toEqual(["message 0", "ping", ...SIZES.slice(1).map((n) => `message ${n}`)]);
    for (let i = 0; i < SIZES.length; i++) {
      expect(received[i]!.equals(Buffer.from(payload(SIZES[i]!)))).toBe(true);
    }
  });

  /** A server whose upgraded sockets are handed to `onSocket` as transports. */
  async function serve(onSocket: (t: WsTransport) => void): Promise<number> {
    server = createServer();
    server.on("upgrade", (req, socket, head) => onSocket(accept(req, socket, head)));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return (server.address() as AddressInfo).port;
  }

  it("streams a large message as fragments: one message arrives, a ping passes it", async () => {
    const big = payload(8 * 1024 * 1024);
    let buffered = -1;
    const port = await serve((t) => {
      t.send(big);
      // The socket took what it could; the rest waits in the queue, counted.
      buffered = t.bufferedAmount;
      t.ping();
      t.send(payload(5));
      t.close(4000, "done");
    });
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const events: string[] = [];
    const received: Buffer[] = [];
    client.on("message", (data: Buffer) => {
      events.push(`message ${data.length}`);
      received.push(data);
    });
    client.on("ping", () => events.push("ping"));
    const [code] = (await once(client, "close")) as [number];
    expect(code).toBe(4000);
    expect(buffered).toBeGreaterThan(FRAGMENT_BYTES);
    // The ping went out between two fragments of the big message, ahead of its end.
    expect(events).toEqual(["ping", `message ${big.length}`, "message 5"]);
    expect(received[0]!.equals(Buffer.from(big))).toBe(true);
  });

  it("terminate drops the queue and resets the connection at once", async () => {
    let transport: WsTransport | undefined;
    const port = await serve((t) => {
      transport = t;
      t.send(payload(8 * 1024 * 1024));
    });
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    await once(client, "open");
    const raw = (client as unknown as { _socket: import("node:net").Socket })._socket;
    raw.pause();
    let messages = 0;
    client.on("message", () => messages++);
    client.on("error", () => {});
    while (transport === undefined) await new Promise((r) => setTimeout(r, 5));
    transport.terminate();
    expect(transport.bufferedAmount).toBe(0);
    raw.resume();
    const [code] = (await once(client, "close")) as [number];
    expect(code).toBe(1006);
    expect(messages).toBe(0);
  });
});
