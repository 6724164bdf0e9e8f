/**
 * Shared setup of the live-client tests (happy-dom): a page with a button (hid 2) and a
 * heading (hid 3), a fake WebSocket the test plays the server on, `location.reload`
 * stubbed, and the status events recorded.
 */
import { afterEach, beforeEach, vi } from "vitest";
import { type Boot, startClient, type VangoClient } from "../../src/client/client.ts";
import { EventType, Feature, FrameType, PROTOCOL_VERSION } from "../../src/protocol/constants.ts";
import type { HandshakeReplyFrame } from "../../src/protocol/frame.ts";
import { PatchOp } from "../../src/protocol/patch.ts";
import { FakeSocket } from "./fake-socket.ts";
import { byHid, mountRoot } from "./fixtures.ts";

export const BOOT: Boot = { v: PROTOCOL_VERSION, ws: "/_vango/ws", token: "tok0", csrf: "c1" };

export const reply = (over: Partial<HandshakeReplyFrame> = {}): HandshakeReplyFrame => ({
  type: FrameType.HandshakeReply,
  status: "ok",
  resumed: false,
  resumeToken: "tok1",
  nextSeq: 1,
  lastCseq: 0,
  serverTime: 0,
  features: Feature.Resume,
  ...over,
});

export const setText = (seq: number, text: string, cseq = 0) => ({
  type: FrameType.Patches,
  seq,
  cseq,
  patches: [{ op: PatchOp.SetText, parent: 3, index: 0, text }],
});

export const CLICK = { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 };

/** The running client, the statuses announced and the `location.reload` stub. */
export const h = {
  client: undefined as unknown as VangoClient,
  statuses: [] as string[],
  reload: vi.fn<() => void>(),
};

const onStatus = (e: Event) => h.statuses.push((e as CustomEvent).detail.status);

export function start(): FakeSocket {
  h.client = startClient(document, BOOT);
  return FakeSocket.last();
}

export async function connected(over: Partial<HandshakeReplyFrame> = {}): Promise<FakeSocket> {
  const ws = start();
  ws.open();
  ws.receive(reply(over));
  ws.take();
  return ws;
}

export function clickButton(): void {
  byHid(2).dispatchEvent(new MouseEvent("click", { bubbles: true }));
}

export const htmlClasses = () =>
  [...document.documentElement.classList].filter((c) => c.startsWith("vango-"));

/** Registers the per-test setup and teardown in the calling test file. */
export function useClientHarness(): void {
  beforeEach(() => {
    mountRoot('<button data-hid="2" data-on="click">+</button><h1 data-hid="3">0</h1>');
    FakeSocket.all = [];
    vi.stubGlobal("WebSocket", FakeSocket);
    h.statuses = [];
    document.addEventListener("vango:status", onStatus);
    h.reload = vi.fn<() => void>();
    vi.spyOn(window.location, "reload").mockImplementation(h.reload);
  });

  afterEach(() => {
    document.removeEventListener("vango:status", onStatus);
    h.client.stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
}
