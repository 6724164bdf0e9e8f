import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { sparePort } from "../../src/testing.ts";

/** Linux's range for outgoing connections' local ports (where the kernel's pick comes from). */
function ephemeralLow(): number {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").split(/\s+/)[0]);
  } catch {
    return 32_768;
  }
}

describe("sparePort", () => {
  it("gives a port below the ephemeral range that a server can listen on", async () => {
    const low = ephemeralLow();
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const port = await sparePort();
      if (low - 20_000 >= 1_000) {
        expect(port).toBeGreaterThanOrEqual(20_000);
        expect(port).toBeLessThan(low);
      }
      seen.add(port);
      const srv = createServer().listen(port, "127.0.0.1");
      await once(srv, "listening");
      srv.close();
      await once(srv, "close");
    }
    // Picked at random: twenty calls do not keep landing on one port.
    expect(seen.size).toBeGreaterThan(15);
  });

  it("passes over a port a server listens on", async () => {
    const low = ephemeralLow();
    if (low - 20_000 < 1_000) return; // this system leaves no room below its range
    const busy = await sparePort();
    const held = createServer().listen(busy, "127.0.0.1");
    await once(held, "listening");
    // The first pick lands on the held port, the second one next to it.
    const at = (port: number) => (port - 20_000 + 0.5) / (low - 20_000);
    const random = vi.spyOn(Math, "random");
    random
      .mockReturnValueOnce(at(busy))
      .mockReturnValueOnce(at(busy === 20_000 ? busy + 1 : busy - 1));
    try {
      const port = await sparePort();
      expect(random).toHaveBeenCalledTimes(2);
      expect(port).toBe(busy === 20_000 ? busy + 1 : busy - 1);
    } finally {
      random.mockRestore();
      held.close();
    }
  });
});
