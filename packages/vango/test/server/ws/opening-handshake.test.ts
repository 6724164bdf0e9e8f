/**
 * The WebSocket opening handshake on a real app: requests that are not a valid RFC 6455
 * handshake get an HTTP error naming the version and the socket is closed; a valid one
 * gets 101 with the key's accept hash; frames sent along with the request (the upgrade's
 * `head`) are read; a real `ws` client connects.
 */
import type { IncomingMessage } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  acceptKey,
  handshakeRefusal,
  switchingProtocols,
} from "../../../src/server/ws/opening-handshake.ts";
import { Counter } from "../fixtures.tsx";
import { getPage, type Running, start, TestSocket } from "../helpers.ts";
import { clientFrame, closePayload, Op } from "./client-frames.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

function request(headers: Record<string, string>, method = "GET"): IncomingMessage {
  return { method, headers } as unknown as IncomingMessage;
}

const valid = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-key": KEY,
  "sec-websocket-version": "13",
};

/**
 * Sends `head` (and `after`, in the same write) on a raw TCP socket; resolves with all
 * the bytes the server sent until it closed the connection.
 */
function exchange(port: number, head: string, after: Uint8Array = new Uint8Array(0)) {
  return new Promise<Buffer>((resolve, reject) => {
    const s = connect(port, "127.0.0.1");
    const got: Buffer[] = [];
    s.on("data", (d) => got.push(d));
    s.on("error", reject);
    s.on("close", () => resolve(Buffer.concat(got)));
    s.write(Buffer.concat([Buffer.from(head), after]));
    setTimeout(() => s.destroy(new Error("server did not close")), 3000).unref();
  });
}

function upgradeRequest(port: number, headers: Record<string, string>, method = "GET"): string {
  let out = `${method} /_vango/ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n`;
  for (const [k, v] of Object.entries(headers)) out += `${k}: ${v}\r\n`;
  return `${out}\r\n`;
}

function head(response: Buffer): { status: number; headers: Map<string, string> } {
  const text = response.toString("latin1");
  const lines = text.slice(0, text.indexOf("\r\n\r\n")).split("\r\n");
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    headers.set(l.slice(0, i).toLowerCase(), l.slice(i + 1).trim());
  }
  return { status: Number(lines[0]!.split(" ")[1]), headers };
}

describe("handshakeRefusal", () => {
  it("accepts a valid handshake, Upgrade and Connection in any case, among other tokens", () => {
    expect(handshakeRefusal(request(valid))).toBeUndefined();
    expect(
      handshakeRefusal(
        request({ ...valid, upgrade: "WebSocket", connection: "keep-alive, UPGRADE" }),
      ),
    ).toBeUndefined();
  });

  it.each<[string, IncomingMessage, number]>([
    ["a POST", request(valid, "POST"), 405],
    ["no Upgrade", request({ ...valid, upgrade: "" }), 400],
    ["another Upgrade", request({ ...valid, upgrade: "h2c" }), 400],
    ["no upgrade token in Connection", request({ ...valid, connection: "keep-alive" }), 400],
    ["no key", request({ ...valid, "sec-websocket-key": "" }), 400],
    ["a key of 15 bytes", request({ ...valid, "sec-websocket-key": "AAAAAAAAAAAAAAAAAAAA" }), 400],
    [
      "a key that is not base64",
      request({ ...valid, "sec-websocket-key": "!!!!!!!!!!!!!!!!!!!!!!==" }),
      400,
    ],
    [
      "no version",
      request({ ...valid, "sec-websocket-version": undefined as unknown as string }),
      400,
    ],
    ["version 8", request({ ...valid, "sec-websocket-version": "8" }), 426],
    ["version 14", request({ ...valid, "sec-websocket-version": "14" }), 426],
  ])("refuses %s", (_name, req, status) => {
    expect(handshakeRefusal(req)?.status).toBe(status);
  });

  it("computes RFC 6455's example accept value", () => {
    expect(acceptKey(KEY)).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    expect(switchingProtocols(KEY)).toContain(
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n",
    );
  });
});

describe("the opening handshake on a real app", () => {
  it.each<[string, Record<string, string>, string, number]>([
    ["a bad version", { ...valid, "sec-websocket-version": "8" }, "GET", 426],
    ["a bad key", { ...valid, "sec-websocket-key": "short" }, "GET", 400],
    [
      "no key",
      { upgrade: "websocket", connection: "Upgrade", "sec-websocket-version": "13" },
      "GET",
      400,
    ],
    ["a POST", valid, "POST", 405],
  ])(
    "answers %s with an HTTP error naming version 13, then closes",
    async (_n, headers, method, status) => {
      srv = await start({ routes: { "/": Counter } });
      const res = await exchange(srv.port, upgradeRequest(srv.port, headers, method));
      const h = head(res);
      expect(h.status).toBe(status);
      expect(h.headers.get("sec-websocket-version")).toBe("13");
      expect(h.headers.get("connection")).toBe("close");
    },
  );

  it("answers a valid handshake 101 with the accept hash, and reads frames sent with the request", async () => {
    srv = await start({ routes: { "/": Counter } });
    // The client's close frame travels in the same packet as the request: the server
    // gets it as the upgrade's `head`, echoes it and closes.
    const res = await exchange(
      srv.port,
      upgradeRequest(srv.port, valid),
      clientFrame(Op.Close, closePayload(1000, "bye")),
    );
    const h = head(res);
    expect(h.status).toBe(101);
    expect(h.headers.get("upgrade")).toBe("websocket");
    expect(h.headers.get("sec-websocket-accept")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    expect(h.headers.has("sec-websocket-extensions")).toBe(false);
    const frames = res.subarray(res.indexOf("\r\n\r\n") + 4);
    expect([...frames]).toEqual([0x88, 5, 0x03, 0xe8, ...Buffer.from("bye")]);
  });

  it("offers no extension even when the client asks for permessage-deflate", async () => {
    srv = await start({ routes: { "/": Counter } });
    const res = await exchange(
      srv.port,
      upgradeRequest(srv.port, {
        ...valid,
        "sec-websocket-extensions": "permessage-deflate; client_max_window_bits",
        "sec-websocket-protocol": "chat",
      }),
      clientFrame(Op.Close, new Uint8Array(0)),
    );
    const h = head(res);
    expect(h.status).toBe(101);
    expect(h.headers.has("sec-websocket-extensions")).toBe(false);
    expect(h.headers.has("sec-websocket-protocol")).toBe(false);
  });

  it("a real ws client connects and attaches", async () => {
    srv = await start({ routes: { "/": Counter } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    expect((await s.attach(p)).status).toBe("ok");
    s.close();
    expect((await s.whenClosed()).code).toBe(1005);
  });
});
