/**
 * `enduser.id` through `createApp`: the app's `userOf` is asked at the page GET, the
 * session keeps the answer, and every event of that session carries it as
 * `EventContext.userId`, which `tracingEventMiddleware({ recordUserId: true })` records.
 */
import { afterAll, describe, expect, it } from "vitest";
import { tracingEventMiddleware } from "../../../src/otel.ts";
import { FrameType } from "../../../src/protocol/constants.ts";
import type { EventContext } from "../../../src/server/session/event-context.ts";
import { Counter } from "../../server/fixtures.tsx";
import { getPage, start, TestSocket } from "../../server/helpers.ts";
import { registerTestSdk } from "./tracing-sdk.ts";

const sdk = registerTestSdk();

async function clicks(n: number) {
  for (let i = 0; i < 100 && sdk.spans().filter((s) => s.name === "vango.click").length < n; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  return sdk.spans().filter((s) => s.name === "vango.click");
}

describe("userId from userOf", () => {
  afterAll(() => sdk.stop());

  it("records enduser.id for a signed-in session only, and exposes it on the event context", async () => {
    const seen: (string | undefined)[] = [];
    const srv = await start({
      routes: { "/": Counter },
      // Only the page request names a user; the upgrade request (/_vango/ws) does not.
      userOf: (req) => (req.url?.endsWith("?as=alice") ? "alice" : undefined),
      eventMiddleware: [
        tracingEventMiddleware({ recordUserId: true }),
        async (ctx: EventContext, next) => {
          seen.push(ctx.userId);
          await next();
        },
      ],
    });
    try {
      for (const path of ["/?as=alice", "/"]) {
        const page = await getPage(srv.base, path);
        const sock = await TestSocket.open(srv.port, page.cookie);
        await sock.attach(page);
        sock.click(4);
        expect((await sock.next()).type).toBe(FrameType.Patches);
        sock.close();
      }
      const spans = await clicks(2);
      expect(spans.map((s) => s.attributes["enduser.id"])).toEqual(["alice", undefined]);
      expect(seen).toEqual(["alice", undefined]);
    } finally {
      await srv.close();
    }
  });
});
