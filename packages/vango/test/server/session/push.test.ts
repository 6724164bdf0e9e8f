import { afterEach, describe, expect, it } from "vitest";
import { FrameType, PatchOp } from "../../../src/protocol/constants.ts";
import { Shared, sharedCount, Ticker } from "../fixtures.tsx";
import { getPage, type Running, start, TestSocket } from "../helpers.ts";

let srv: Running | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe("server push", () => {
  it("a timer-driven signal pushes patches with no client event (cseq 0)", async () => {
    srv = await start({ routes: { "/": Ticker } });
    const p = await getPage(srv.base);
    const s = await TestSocket.open(srv.port, p.cookie);
    await s.attach(p);
    const f = await s.next();
    expect(f.type).toBe(FrameType.Patches);
    if (f.type !== FrameType.Patches) return;
    expect(f.cseq).toBe(0);
    expect(f.patches).toHaveLength(1);
    expect(f.patches[0]).toMatchObject({ op: PatchOp.SetText, parent: 2, index: 0 });
    expect((f.patches[0] as { text: string }).text).toMatch(/^tick \d+$/);
  });

  it("a shared signal written by one session pushes to the other", async () => {
    sharedCount.set(0);
    srv = await start({ routes: { "/": Shared } });
    const pa = await getPage(srv.base);
    const pb = await getPage(srv.base);
    const a = await TestSocket.open(srv.port, pa.cookie);
    const b = await TestSocket.open(srv.port, pb.cookie);
    await a.attach(pa);
    await b.attach(pb);
    a.click(4);
    const expected = [{ op: PatchOp.SetText, parent: 3, index: 0, text: "1" }];
    expect(await a.next()).toEqual({ type: FrameType.Patches, seq: 1, cseq: 1, patches: expected });
    expect(await b.next()).toEqual({ type: FrameType.Patches, seq: 1, cseq: 0, patches: expected });
    // A disposed session stops listening to the shared signal.
    await srv.close();
    srv = undefined;
    sharedCount.set(5);
  });
});
