import { afterEach, describe, expect, it } from "vitest";
import { CloseCode, FrameType } from "../../src/protocol/constants.ts";
import { Big } from "./fixtures.tsx";
import { captureLogger, getPage, type Running, sleep, start, TestSocket } from "./helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe("bounded outgoing buffer", () => {
  it("closes a client that stops reading with slow_consumer instead of buffering", async () => {
    const logger = captureLogger();
    srv = await start({
      routes: { "/": Big },
      logger,
      limits: { maxBufferedBytes: 256 * 1024 },
      // This test floods on purpose; the event budget would close it as rate_limited first.
      rateLimit: { websocket: false },
    });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    // Stop reading: the kernel buffers fill, then ws.bufferedAmount grows on the server.
    const raw = (s.ws as unknown as { _socket: import("node:net").Socket })._socket;
    raw.pause();
    // Events still flow client → server; each produces a ~64 KiB Patches frame.
    let closedAt = -1;
    for (let i = 0; i < 2000 && closedAt < 0; i++) {
      s.click(4);
      if (i % 20 === 19) {
        await sleep(5);
        if (srv.app.sessions.counts().detached === 1) closedAt = i;
      }
    }
    expect(closedAt).toBeGreaterThan(0);
    expect(logger.entries.some((e) => e.msg === "slow consumer")).toBe(true);
    raw.resume();
    const closed = await s.whenClosed(5000);
    expect(closed).toEqual({ code: CloseCode.SlowConsumer, reason: "slow_consumer" });
    expect(s.frames.some((f) => f.type === FrameType.Patches)).toBe(true);
    // The session stays resumable (detached), with a full resync as its history is bounded.
    const again = await TestSocket.open(srv.port, p.cookie);
    await again.attach(p, 0);
    expect((await again.next()).type).toBe(FrameType.FullResync);
  });
});
