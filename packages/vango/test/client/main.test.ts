// @vitest-environment happy-dom
/**
 * The browser entry: boots from the `#vango-boot` JSON, and reloads a stale page (boot
 * data of another protocol version) once instead of connecting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Boot, VangoClient } from "../../src/client/client.ts";
import { FrameType, PROTOCOL_VERSION } from "../../src/protocol/constants.ts";
import { BOOT_ID } from "../../src/protocol/dom-attrs.ts";
import { FakeSocket } from "./fake-socket.ts";
import { mountRoot } from "./fixtures.ts";

const win = window as { __vango?: VangoClient };
let reload: ReturnType<typeof vi.fn<() => void>>;

/** Renders the page with boot data of version `v` and runs the entry script. */
async function loadPage(v: number): Promise<void> {
  mountRoot('<p data-hid="2">hi</p>');
  const boot: Boot = { v, ws: "/_vango/ws", token: "t0", csrf: "c0" };
  const script = document.createElement("script");
  script.type = "application/json";
  script.id = BOOT_ID;
  script.textContent = JSON.stringify(boot);
  document.body.append(script);
  vi.resetModules();
  await import("../../src/client/main.ts");
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  sessionStorage.clear();
  reload = vi.fn<() => void>();
  vi.spyOn(window.location, "reload").mockImplementation(reload);
});

afterEach(() => {
  win.__vango?.stop();
  delete win.__vango;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("client entry", () => {
  it("starts the client from the boot data of the same protocol version", async () => {
    await loadPage(PROTOCOL_VERSION);
    expect(FakeSocket.all.length).toBe(1);
    const ws = FakeSocket.last();
    ws.open();
    expect(ws.take()).toMatchObject([{ type: FrameType.Handshake, csrf: "c0", resumeToken: "t0" }]);
    expect(win.__vango!.ws).toBe(ws);
    expect(reload).not.toHaveBeenCalled();
    expect(sessionStorage.length).toBe(0);
  });

  it("does not start twice", async () => {
    await loadPage(PROTOCOL_VERSION);
    const first = win.__vango;
    vi.resetModules();
    await import("../../src/client/main.ts");
    expect(win.__vango).toBe(first);
    expect(FakeSocket.all.length).toBe(1);
  });

  it("a stale page reloads once instead of connecting; still stale, it stays static", async () => {
    const stale = PROTOCOL_VERSION + 1;
    await loadPage(stale);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(FakeSocket.all.length).toBe(0);
    expect(win.__vango).toBeUndefined();
    expect(sessionStorage.getItem("vango:stale")).toBe(String(stale));

    await loadPage(stale);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(FakeSocket.all.length).toBe(0);
    expect(win.__vango).toBeUndefined();
  });

  it("a page stale at another version (a later deploy) gets its own reload", async () => {
    sessionStorage.setItem("vango:stale", String(PROTOCOL_VERSION + 1));
    await loadPage(PROTOCOL_VERSION + 2);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(sessionStorage.getItem("vango:stale")).toBe(String(PROTOCOL_VERSION + 2));
  });
});
