import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { isValidRequestId, requestId } from "../../src/observability/request-id.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function roundTrip(header?: string): Promise<{ seen: string; echoed: string | null }> {
  let seen = "";
  const server = createServer((req, res) => {
    seen = requestId(req, res);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const port = (server.address() as AddressInfo).port;
    const headers: Record<string, string> = header === undefined ? {} : { "x-request-id": header };
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers });
    return { seen, echoed: res.headers.get("x-request-id") };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe("requestId", () => {
  it("honours and echoes a valid incoming X-Request-Id", async () => {
    expect(await roundTrip("abc-123_x.Y")).toEqual({ seen: "abc-123_x.Y", echoed: "abc-123_x.Y" });
    const max = "a".repeat(128);
    expect(await roundTrip(max)).toEqual({ seen: max, echoed: max });
  });

  it("generates and echoes a UUID when the header is missing or invalid", async () => {
    for (const bad of [undefined, "", "a".repeat(129), "has space", "x\u00e9", "a;b", "<script>"]) {
      const { seen, echoed } = await roundTrip(bad);
      expect(seen).toMatch(UUID);
      expect(echoed).toBe(seen);
    }
  });

  it("returns the id without a response and generates fresh ids", () => {
    const req = { headers: {} } as Parameters<typeof requestId>[0];
    const a = requestId(req);
    const b = requestId(req);
    expect(a).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it("validates ids", () => {
    expect(isValidRequestId("A.b_c-9")).toBe(true);
    expect(isValidRequestId("a\nb")).toBe(false);
    expect(isValidRequestId("")).toBe(false);
  });
});
