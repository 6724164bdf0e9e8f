/**
 * VNode brand: data shaped like a VNode (e.g. parsed JSON) is never rendered as one, in
 * SSR and in the live renderer alike.
 */
import { describe, expect, it } from "vitest";
import { signal } from "../../../src/reactive/signal.ts";
import { renderToString } from "../../../src/render/ssr.ts";
import { silentLogger } from "../../../src/server/core/logger.ts";
import { mountTest } from "../../../src/testing/mount-test.ts";
import { h } from "../../../src/vdom/create-element.ts";
import { VdomError } from "../../../src/vdom/errors.ts";
import { raw, trustedHtml } from "../../../src/vdom/trusted-html.ts";
import { type VElement, VNODE } from "../../../src/vdom/vnode.ts";

const forgedRaw = () => JSON.parse('{"kind":5,"html":"<script>alert(1)</script>"}') as unknown;
const forgedEl = () =>
  JSON.parse('{"kind":1,"tag":"img","key":null,"props":{"src":"x"},"children":[]}') as unknown;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof VdomError ? err.code : `other: ${String(err)}`;
  }
  return undefined;
}

describe("VNode brand", () => {
  it("every node built by jsx/h/raw carries the brand", () => {
    const Comp = () => <i />;
    const nodes = [
      <p>x</p>,
      <>y</>,
      <Comp />,
      raw(trustedHtml("<b>z</b>")),
      ...(h("p", null, "t") as VElement).children,
    ];
    for (const n of nodes) expect((n as { $$typeof: symbol }).$$typeof).toBe(VNODE);
    expect(VNODE).toBe(Symbol.for("vango.vnode"));
  });

  it("SSR refuses unbranded objects as children and as component output", () => {
    expect(codeOf(() => renderToString(<div>{forgedRaw() as never}</div>))).toBe("invalid_child");
    expect(codeOf(() => renderToString(h("div", null, forgedEl())))).toBe("invalid_child");
    const Comp = () => forgedRaw() as never;
    expect(codeOf(() => renderToString(<Comp />))).toBe("invalid_child");
    expect(codeOf(() => renderToString(forgedRaw() as never))).toBe("invalid_child");
    // Branded nodes still render.
    expect(renderToString(<div>{raw(trustedHtml("<b>ok</b>"))}</div>)).toBe(
      '<div data-hid="1"><b>ok</b></div>',
    );
  });

  it("the live renderer refuses a forged node produced on re-render, keeping the page", async () => {
    const data = signal<unknown>("safe");
    function View() {
      return () => <section>{data() as never}</section>;
    }
    const logged: unknown[] = [];
    const logger = {
      ...silentLogger,
      error: (o: object) => void logged.push((o as { err: unknown }).err),
    };
    const t = mountTest(View, { logger });
    expect(t.html()).toBe('<section data-hid="2">safe</section>');
    data.set(forgedRaw());
    await t.settle();
    expect(t.html()).toBe('<section data-hid="2">safe</section>');
    // The client gets a non-fatal render_error (no detail leaks); the log has the cause.
    expect(t.errors()).toEqual(["render_error"]);
    expect(logged.map((e) => ((e as Error).cause as VdomError).code)).toEqual(["invalid_child"]);
    t.dispose();
  });
});
