/**
 * Hooks from the server's side, in-process: the attributes `hook()`, `useHook()`,
 * `<Island>` and `optimistic()` render, their coded refusals, server-to-hook calls as
 * a `Dispatch` patch in the next frame, and the answer every event on an optimistic
 * element is owed (a frame even when nothing changed).
 */
import { describe, expect, it } from "vitest";
import { hook, useHook } from "../../src/hooks/hook.ts";
import { HookError, HookErrorCode } from "../../src/hooks/hook-error.ts";
import { Island } from "../../src/hooks/island.ts";
import { optimistic } from "../../src/hooks/optimistic.ts";
import { HOOK_CALL_EVENT } from "../../src/protocol/dom-attrs.ts";
import { PatchOp } from "../../src/protocol/patch.ts";
import { signal } from "../../src/reactive/index.ts";
import { renderToString } from "../../src/render/ssr.ts";
import { mountTest } from "../../src/testing/mount-test.ts";

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(HookError);
    return (err as HookError).code;
  }
  return undefined;
};

describe("hook()", () => {
  it("gives the attributes naming the hook and its options as JSON", () => {
    expect(hook("Sortable")).toEqual({ "data-vh": "Sortable" });
    expect(hook("./charts/line.client.ts", { points: [1, 2] })).toEqual({
      "data-vh": "./charts/line.client.ts",
      "data-vh-o": '{"points":[1,2]}',
    });
    expect(renderToString(<ul {...hook("Tooltip", { text: 'say "hi"' })} />)).toBe(
      '<ul data-hid="1" data-vh="Tooltip" data-vh-o="{&quot;text&quot;:&quot;say \\&quot;hi\\&quot;&quot;}"></ul>',
    );
  });

  it("refuses names that are neither a built-in's nor ./path.client.ts, and values JSON cannot carry", () => {
    for (const bad of ["sortable", "", "chart.client.ts", "./../x.client.ts", "./a.ts", "X y"]) {
      expect(codeOf(() => hook(bad))).toBe(HookErrorCode.invalidName);
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(codeOf(() => hook("Tooltip", cycle))).toBe(HookErrorCode.invalidValue);
    expect(codeOf(() => hook("Tooltip", { n: 1n }))).toBe(HookErrorCode.invalidValue);
    expect(codeOf(() => hook("Tooltip", () => 1))).toBe(HookErrorCode.invalidValue);
  });
});

describe("<Island>", () => {
  it("renders an empty container naming the module, its props as options", () => {
    expect(renderToString(<Island src="./chart.client.ts" props={{ n: 1 }} class="c" />)).toBe(
      '<div data-hid="1" class="c" data-vh="./chart.client.ts" data-vh-o="{&quot;n&quot;:1}"></div>',
    );
    expect(renderToString(<Island src="./x.client.tsx" as="span" />)).toBe(
      '<span data-hid="1" data-vh="./x.client.tsx" data-vh-o="null"></span>',
    );
  });
});

describe("optimistic()", () => {
  it("encodes the event (when not click), classes, attributes and text compactly", () => {
    expect(optimistic({ class: { on: true, off: false } })).toEqual({
      "data-vo": '{"c":{"on":true,"off":false}}',
    });
    expect(
      JSON.parse(
        optimistic({
          on: "submit",
          attr: { "aria-pressed": "true", disabled: true, hidden: false, title: null, n: 2 },
          text: "Saving…",
        })["data-vo"],
      ),
    ).toEqual({
      e: "submit",
      a: { "aria-pressed": "true", disabled: "", hidden: null, title: null, n: "2" },
      t: "Saving…",
    });
  });
});

describe("useHook()", () => {
  it("is refused outside a page", () => {
    function Outside() {
      useHook("Tooltip");
      return <p />;
    }
    expect(codeOf(() => renderToString(<Outside />))).toBe(HookErrorCode.outsidePage);
  });

  it("keys each hook in creation order; call() sends a Dispatch patch on the window", async () => {
    function Page() {
      const a = useHook<{ text: string }>("Tooltip");
      const b = useHook("./chart.client.ts");
      return () => (
        <div>
          <button type="button" class="a" {...a({ text: "A" })} onClick={() => a.call("show")} />
          <div class="b" {...b()} />
          <button type="button" class="zoom" onClick={() => b.call("zoom", { by: 2 })} />
        </div>
      );
    }
    const t = mountTest(Page);
    expect(t.find(".a").attrs["data-vh-k"]).toBe("h1");
    expect(t.find(".b").attrs["data-vh-k"]).toBe("h2");
    expect(t.find(".b").attrs["data-vh"]).toBe("./chart.client.ts");
    expect(await t.click(".a")).toEqual([
      {
        op: PatchOp.Dispatch,
        hid: 0,
        name: HOOK_CALL_EVENT,
        payload: { k: "h1", c: "show", p: null },
      },
    ]);
    expect(await t.click(".zoom")).toEqual([
      {
        op: PatchOp.Dispatch,
        hid: 0,
        name: HOOK_CALL_EVENT,
        payload: { k: "h2", c: "zoom", p: { by: 2 } },
      },
    ]);
    t.dispose();
  });
});

describe("an optimistic element's events", () => {
  function Toggles() {
    const on = signal(false);
    return () => (
      <div>
        <button type="button" class="noop" onClick={() => {}} {...optimistic({ text: "…" })}>
          noop
        </button>
        <button type="button" class="plain" onClick={() => {}}>
          plain
        </button>
        <button
          type="button"
          class="real"
          onClick={() => on.set(!on())}
          {...optimistic({ text: "…" })}
        >
          {on() ? "on" : "off"}
        </button>
      </div>
    );
  }

  it("are answered with a frame even when nothing changed; other events are not", async () => {
    const t = mountTest(Toggles);
    const seq0 = t.seq;
    expect(await t.click(".plain")).toEqual([]);
    expect(t.seq).toBe(seq0);
    expect(await t.click(".noop")).toEqual([]);
    expect(t.seq).toBe(seq0 + 1);
    // A change travels in one frame, as always (no extra empty one).
    expect(await t.click(".real")).toHaveLength(1);
    expect(t.seq).toBe(seq0 + 2);
    expect(await t.click(".plain")).toEqual([]);
    expect(t.seq).toBe(seq0 + 2);
    t.dispose();
  });
});
