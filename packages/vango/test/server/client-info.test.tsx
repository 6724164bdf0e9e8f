import { renderToString, useClientInfo } from "vango";
import { afterEach, describe, expect, it } from "vitest";
import { FrameType, PatchOp } from "../../src/protocol/constants.ts";
import { getPage, type Running, start, TestSocket } from "./helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

function Viewport() {
  const client = useClientInfo();
  return () => {
    const c = client();
    return (
      <p>
        {c === undefined ? "unknown" : `${c.viewport.width}x${c.viewport.height} tz${c.tzOffset}`}
      </p>
    );
  };
}

describe("useClientInfo", () => {
  it("is undefined in the server-rendered page and pushed once the handshake arrives", async () => {
    srv = await start({ routes: { "/": Viewport } });
    const p = await getPage(srv.base);
    expect(p.html).toContain('<p data-hid="2">unknown</p>');
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p); // viewport 800x600, tzOffset 0
    expect(await s.next()).toEqual({
      type: FrameType.Patches,
      seq: 1,
      cseq: 0,
      patches: [{ op: PatchOp.SetText, parent: 2, index: 0, text: "800x600 tz0" }],
    });
  });

  it("outside a live session (plain SSR) it is undefined", () => {
    expect(renderToString(<Viewport />)).toBe('<p data-hid="1">unknown</p>');
  });
});
