/**
 * Issue 10, defect 9: SIGTERM with a client that stopped reading. `ws` waits 30 s for
 * the peer's half of the closing handshake and `server.close()` waits for every
 * upgraded socket, so the demo used to take 30 s to exit; graceful shutdown now has one
 * deadline (`timeouts.shutdownMs`, default 5 s) after which the remaining sockets are
 * destroyed.
 */
import type { Socket } from "node:net";
import { DEFAULT_TIMEOUTS } from "vango/server";
import { afterEach, describe, expect, it } from "vitest";
import { attachSession, type DemoProcess, startDemo } from "./demo-process.ts";

let demo: DemoProcess | undefined;
afterEach(() => {
  demo?.kill();
  demo = undefined;
});

describe("demo shutdown", () => {
  it("exits within the shutdown deadline on SIGTERM while a client stopped reading", async () => {
    demo = await startDemo();
    const ws = await attachSession(demo.port);
    // The client's process is stuck: the kernel still accepts bytes, nobody reads them.
    (ws as unknown as { _socket: Socket })._socket.pause();
    const t0 = performance.now();
    demo.child.kill("SIGTERM");
    const code = await demo.exited;
    const ms = performance.now() - t0;
    expect(code, demo.output()).toBe(0);
    expect(demo.output()).toContain("SIGTERM: shutting down");
    // The deadline plus process teardown; before the fix this took ~30 s.
    expect(ms).toBeLessThan(DEFAULT_TIMEOUTS.shutdownMs + 2_000);
    ws.terminate();
  }, 45_000);
});
