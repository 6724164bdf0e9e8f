import { describe, expect, it } from "vitest";
import { EventType, PatchOp } from "../../src/protocol/constants.ts";
import { onCleanup } from "../../src/reactive/owner.ts";
import { signal } from "../../src/reactive/signal.ts";
import { useClientInfo } from "../../src/render/client-info.ts";
import { mountTest, VIEWPORT } from "../../src/testing/mount-test.ts";
import { TestingError, TestingErrorCode } from "../../src/testing/testing-error.ts";

function Counter(props: { start?: number }) {
  const count = signal(props.start ?? 0);
  return () => (
    <div>
      <h1>Count: {count()}</h1>
      <button type="button" class="inc" onClick={() => count.set(count() + 1)}>
        <span>+</span>
      </button>
    </div>
  );
}

function Form() {
  const text = signal("");
  const sent = signal("");
  const keys = signal("");
  return () => (
    <form
      onSubmit={(e: { fields: { get(n: string): string | null } }) =>
        sent.set(e.fields.get("q") ?? "")
      }
    >
      <input
        name="q"
        onInput={(e: { value: string }) => text.set(e.value)}
        onKeyDown={(e: { key: string }) => keys.set(keys() + e.key)}
      />
      <p id="echo">{text()}</p>
      <p id="sent">{sent()}</p>
      <p id="keys">{keys()}</p>
    </form>
  );
}

describe("mountTest", () => {
  it("renders the same HTML as SSR and returns the exact patches of a click", async () => {
    const t = mountTest(Counter, { props: { start: 1 } });
    expect(t.html()).toBe(
      '<div data-hid="2"><h1 data-hid="3">Count: 1</h1><button data-hid="4" type="button" class="inc" data-on="click"><span data-hid="5">+</span></button></div>',
    );
    expect(await t.click("button.inc")).toEqual([
      { op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 2" },
    ]);
    // A click on a child bubbles to the nearest listener, like the browser client.
    expect(await t.click("span")).toEqual([
      { op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 3" },
    ]);
    expect(await t.click(4)).toEqual([
      { op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 4" },
    ]);
    expect(t.find("h1").hid).toBe(3);
    expect(t.seq).toBe(3);
    t.dispose();
  });

  it("input, key and submit events carry their payloads", async () => {
    const t = mountTest(Form);
    expect(await t.input("input", "hi")).toEqual([
      { op: PatchOp.Insert, parent: 4, index: 0, node: { kind: 2, text: "hi" } },
    ]);
    await t.key("input", "a");
    expect(t.find("#keys").children).toEqual([{ kind: 2, text: "a" }]);
    await t.submit("form", { q: "query" });
    expect(t.html()).toContain('<p data-hid="5" id="sent">query</p>');
    await expect(t.click("input")).rejects.toMatchObject({ code: TestingErrorCode.noListener });
    await expect(t.click("table")).rejects.toMatchObject({
      code: TestingErrorCode.targetNotFound,
    });
    expect(() => t.find("table")).toThrow(
      expect.objectContaining({ code: TestingErrorCode.targetNotFound }),
    );
  });

  it("fire() sends a raw protocol event; settle() returns server-pushed patches", async () => {
    const n = signal(0);
    function View() {
      return () => <p>{n()}</p>;
    }
    const t = mountTest(View);
    n.set(7);
    expect(await t.settle()).toEqual([{ op: PatchOp.SetText, parent: 2, index: 0, text: "7" }]);
    expect(await t.fire(2, { type: EventType.Click, x: 0, y: 0, button: 0, mods: 0 })).toEqual([]);
    t.dispose();
    n.set(8);
    expect(await t.settle()).toEqual([]);
  });

  it("reports handler errors by code and keeps the session", async () => {
    function Bad() {
      const n = signal(0);
      return () => (
        <button
          type="button"
          onClick={() => {
            n.set(n() + 1);
            throw new Error("x");
          }}
        >
          {n()}
        </button>
      );
    }
    const t = mountTest(Bad);
    expect(await t.click("button")).toEqual([
      { op: PatchOp.SetText, parent: 2, index: 0, text: "1" },
    ]);
    expect(t.errors()).toEqual(["handler_error"]);
    expect(await t.click("button")).toEqual([
      { op: PatchOp.SetText, parent: 2, index: 0, text: "2" },
    ]);
  });

  it("refuses out-of-order connection use with coded errors", async () => {
    const t = mountTest(Counter);
    await expect(t.reconnect()).rejects.toMatchObject({ code: TestingErrorCode.stillConnected });
    t.disconnect();
    const err = await t.click("button").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TestingError);
    expect((err as TestingError).code).toBe(TestingErrorCode.disconnected);
    expect((await t.reconnect()).kind).toBe("missed");
    expect(await t.click("button")).toEqual([
      { op: PatchOp.SetText, parent: 3, index: 0, text: "Count: 1" },
    ]);
    t.dispose();
  });

  it("disconnect/reconnect: missed frames within history, full resync beyond", async () => {
    const n = signal(0);
    function View() {
      onCleanup(() => {});
      return () => <p>{n()}</p>;
    }
    const t = mountTest(View, { limits: { historyFrames: 2 } });
    t.disconnect();
    n.set(1);
    await Promise.resolve();
    n.set(2);
    const r = await t.reconnect();
    expect(r).toEqual({
      kind: "missed",
      patches: [
        { op: PatchOp.SetText, parent: 2, index: 0, text: "1" },
        { op: PatchOp.SetText, parent: 2, index: 0, text: "2" },
      ],
    });
    expect(t.seq).toBe(2);
    t.disconnect();
    for (let i = 3; i <= 6; i++) {
      n.set(i);
      await Promise.resolve();
      await Promise.resolve();
    }
    expect(await t.reconnect()).toEqual({ kind: "full", html: '<p data-hid="2">6</p>' });
    expect(t.seq).toBe(6);
    t.dispose();
  });
});

describe("mountTest assembles the app as createApp does", () => {
  // Regression (issue 10, defect 5): the harness mounted pages without the session scope.
  it("gives components the handshake's client info", async () => {
    function Size() {
      const client = useClientInfo();
      return () => (
        <p>
          {client()?.viewport.width ?? "none"}x{client()?.viewport.height ?? "none"}
        </p>
      );
    }
    const t = mountTest(Size);
    await t.settle();
    expect(t.html()).toContain(`${VIEWPORT.w}x${VIEWPORT.h}`);
    t.dispose();
  });
});
