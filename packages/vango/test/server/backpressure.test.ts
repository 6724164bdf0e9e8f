import { afterEach, describe, expect, it } from "vitest";
import { CloseCode, FrameType } from "../../src/protocol/constants.ts";
import { ErrorCode } from "../../src/protocol/errors.ts";
import { DRAIN_WINDOW_MS } from "../../src/server/session/drain-watch.ts";
import { Big } from "./fixtures.tsx";
import { captureLogger, getPage, type Running, sleep, start, TestSocket } from "./helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const CAP = 256 * 1024;
/** One Big render: a 64 KiB text patch plus framing. */
const FRAME = 64 * 1024 + 64;

describe("bounded outgoing buffer", () => {
  it("a client that stops reading is closed slow_consumer for lack of progress; the backlog stays bounded", async () => {
    const logger = captureLogger();
    srv = await start({
      routes: { "/": Big },
      logger,
      limits: { maxBufferedBytes: CAP },
      // This test floods on purpose; the event budget would close it as rate_limited first.
      rateLimit: { websocket: false },
    });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    // Stop reading: the kernel buffers fill, then the server's backlog grows.
    const raw = (s.ws as unknown as { _socket: import("node:net").Socket })._socket;
    raw.pause();
    // Events still flow client → server; each produces a ~64 KiB Patches frame.
    const t0 = Date.now();
    while (srv.app.sessions.counts().detached === 0 && Date.now() - t0 < 4 * DRAIN_WINDOW_MS) {
      s.click(4);
      await sleep(20);
    }
    expect(srv.app.sessions.counts().detached).toBe(1);
    const cut = logger.entries.find((e) => e.msg === "slow consumer");
    expect(cut?.obj).toMatchObject({ code: ErrorCode.slow_consumer });
    // Renders beyond the cap were held back, not queued: what waited at the cut is at
    // most the cap plus the frame that crossed it.
    expect((cut!.obj as { buffered: number }).buffered).toBeLessThanOrEqual(CAP + FRAME);
    raw.resume();
    const closed = await s.whenClosed(5000);
    expect([CloseCode.SlowConsumer, 1006]).toContain(closed.code);
    // The session stays resumable (detached), with a full resync as its history is bounded.
    const again = await TestSocket.open(srv.port, p.cookie);
    await again.attach(p, 0);
    expect((await again.next()).type).toBe(FrameType.FullResync);
  });
});
