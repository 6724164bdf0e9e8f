/** `createApp(...).listen()`: the standalone server's own lifecycle. */
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/protocol/errors.ts";
import { createApp } from "../../src/server/app.ts";
import { Counter } from "./fixtures.tsx";
import { captureLogger, fakeClient, getPage } from "./helpers.ts";

describe("app.listen", () => {
  it("keeps an error listener after listening: a later server error is logged, the app keeps serving", async () => {
    const logger = captureLogger();
    const app = createApp({ routes: { "/": Counter }, clientBuilder: fakeClient, logger });
    const l = await app.listen(0);
    try {
      const err = Object.assign(new Error("accept failed"), { code: "EMFILE" });
      expect(() => l.server.emit("error", err)).not.toThrow();
      expect(logger.entries.filter((e) => e.level === "error").map((e) => e.obj)).toEqual([
        { err, code: ErrorCode.internal_error, host: "127.0.0.1", port: 0 },
      ]);
      expect((await getPage(`http://127.0.0.1:${l.port}`)).status).toBe(200);
    } finally {
      await l.close();
    }
  });
});
