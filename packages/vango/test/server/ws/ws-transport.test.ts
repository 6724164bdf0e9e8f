/**
 * WsTransport frames binary messages itself and writes them to the upgraded socket: the
 * bytes must be exactly what `ws` would send, arrive intact at a real `ws` client at
 * every length-encoding boundary, and stay in order with `ws`'s own control frames.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import * as ws from "ws";
import WebSocket, { WebSocketServer } from "ws";
import { frameBinary, WsTransport } from "../../../src/server/ws/ws-transport.ts";

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

describe("WsTransport over a real socket", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  it("delivers every size intact, in order with pings and the close frame", async () => {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    server = createServer();
    server.on("upgrade", (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        const t = new WsTransport(ws, socket);
        t.send(payload(SIZES[0]!));
        t.ping();
        for (const n of SIZES.slice(1)) t.send(payload(n));
        t.close(4000, "done");
        t.send(payload(3)); // after close: dropped, as ws.send would refuse it
      });
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
});
