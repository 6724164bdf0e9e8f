import { describe, expect, it } from "vitest";
import { ERRORS, ErrorCode } from "../../../src/protocol/errors.ts";
import { ConnectionLimiter } from "../../../src/server/security/connection-limiter.ts";

describe("ConnectionLimiter", () => {
  it("caps per IP and releases slots exactly once", () => {
    const lim = new ConnectionLimiter({ perIp: 2 });
    const a = lim.tryAcquire("1.1.1.1");
    const b = lim.tryAcquire("1.1.1.1");
    expect(typeof a).toBe("function");
    expect(typeof b).toBe("function");
    expect(lim.tryAcquire("1.1.1.1")).toBe(ErrorCode.connection_limited);
    expect(typeof lim.tryAcquire("2.2.2.2")).toBe("function");
    (a as () => void)();
    (a as () => void)();
    expect(lim.countIp("1.1.1.1")).toBe(1);
    expect(typeof lim.tryAcquire("1.1.1.1")).toBe("function");
    expect(lim.tryAcquire("1.1.1.1")).toBe(ErrorCode.connection_limited);
    expect(lim.total).toBe(3);
  });

  it("caps per user across IPs; anonymous connections skip the user cap", () => {
    const lim = new ConnectionLimiter({ perUser: 2 });
    lim.tryAcquire("1.1.1.1", "alice");
    const r = lim.tryAcquire("2.2.2.2", "alice");
    expect(lim.tryAcquire("3.3.3.3", "alice")).toBe(ErrorCode.connection_limited);
    expect(typeof lim.tryAcquire("3.3.3.3")).toBe("function");
    (r as () => void)();
    expect(lim.countUser("alice")).toBe(1);
    expect(typeof lim.tryAcquire("3.3.3.3", "alice")).toBe("function");
  });

  it("caps globally and frees memory for released keys", () => {
    const lim = new ConnectionLimiter({ global: 3 });
    const slots = ["a", "b", "c"].map((ip) => lim.tryAcquire(ip, ip));
    expect(lim.tryAcquire("d")).toBe(ErrorCode.too_many_connections);
    for (const s of slots) (s as () => void)();
    expect(lim.total).toBe(0);
    expect(lim.countIp("a")).toBe(0);
    expect(lim.countUser("a")).toBe(0);
    expect(typeof lim.tryAcquire("d")).toBe("function");
  });

  it("a client over its own cap is told 429 even when the process is full", () => {
    const lim = new ConnectionLimiter({ perIp: 1, global: 1 });
    lim.tryAcquire("a");
    expect(lim.tryAcquire("a")).toBe(ErrorCode.connection_limited);
    expect(lim.tryAcquire("b")).toBe(ErrorCode.too_many_connections);
  });

  it("maps to the registry's upgrade refusal statuses and validates caps", () => {
    expect(ERRORS[ErrorCode.too_many_connections].status).toBe(503);
    expect(ERRORS[ErrorCode.connection_limited].status).toBe(429);
    expect(() => new ConnectionLimiter({ perIp: 0 })).toThrow(RangeError);
  });
});
