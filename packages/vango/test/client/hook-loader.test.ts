// @vitest-environment happy-dom
/**
 * The core client's part of the hooks: it injects the hook runtime (the boot data's `h`)
 * once, and only when the DOM holds a hooked (`data-vh`) or optimistic (`data-vo`)
 * element — at start, or after the patch frame that brought one. It exposes the cseq
 * of its last event and the highest the server processed, which the runtime's
 * optimistic changes wait on.
 */
import { describe, expect, it } from "vitest";
import { type Boot, startClient } from "../../src/client/client.ts";
import { FrameType } from "../../src/protocol/constants.ts";
import { NodeKind, PatchOp } from "../../src/protocol/patch.ts";
import { BOOT, CLICK, clickButton, h, reply, useClientHarness } from "./client-harness.ts";
import { FakeSocket } from "./fake-socket.ts";
import { mountRoot } from "./fixtures.ts";

useClientHarness();

const RUNTIME = "/_vango/chunk/0123456789abcdef.js";
const injected = () =>
  Array.from(document.head.querySelectorAll("script"), (s) => s.getAttribute("src"));

function connect(boot: Boot = { ...BOOT, h: RUNTIME }): FakeSocket {
  document.head.innerHTML = "";
  h.client = startClient(document, boot);
  const ws = FakeSocket.last();
  ws.open();
  ws.receive(reply());
  ws.take();
  return ws;
}

const insertHooked = (seq: number, attr: string) => ({
  type: FrameType.Patches,
  seq,
  cseq: 0,
  patches: [
    {
      op: PatchOp.Insert,
      parent: 1,
      index: 0,
      node: {
        kind: NodeKind.Element,
        tag: "div",
        hid: 9,
        attrs: { [attr]: "Tooltip" },
        children: [],
      },
    },
  ],
});

describe("hook runtime loading", () => {
  it("waits for the first hooked element, then injects the runtime once", () => {
    const ws = connect();
    expect(injected()).toEqual([]);
    ws.receive(insertHooked(1, "data-vh"));
    expect(injected()).toEqual([RUNTIME]);
    ws.receive(insertHooked(2, "data-vh"));
    expect(injected()).toEqual([RUNTIME]);
  });

  it("injects it at start when the page already has one (optimistic elements count)", () => {
    mountRoot('<button data-hid="2" data-on="click" data-vo="{}">+</button>');
    connect();
    expect(injected()).toEqual([RUNTIME]);
  });

  it("never injects anything without a runtime in the boot data", () => {
    const ws = connect(BOOT);
    ws.receive(insertHooked(1, "data-vh"));
    expect(injected()).toEqual([]);
  });

  it("exposes the last cseq sent and the highest the server processed", () => {
    const ws = connect();
    expect([h.client.cseq, h.client.handled]).toEqual([0, 0]);
    clickButton();
    clickButton();
    expect(ws.take()).toEqual([
      { type: FrameType.Event, cseq: 1, hid: 2, event: CLICK },
      { type: FrameType.Event, cseq: 2, hid: 2, event: CLICK },
    ]);
    expect([h.client.cseq, h.client.handled]).toEqual([2, 0]);
    ws.receive({ type: FrameType.Patches, seq: 1, cseq: 2, patches: [] });
    expect(h.client.handled).toBe(2);
  });
});
