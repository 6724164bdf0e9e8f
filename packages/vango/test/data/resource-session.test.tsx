/**
 * Resources and boundaries in a live session (`mountTest`): the page's first HTML has
 * the fallback; the data's arrival, a failure, and the retry are pushed as patches.
 */
import { expect, test } from "vitest";
import { resource } from "../../src/data/resource.ts";
import { PatchOp } from "../../src/protocol/patch.ts";
import { Async, ErrorBoundary } from "../../src/render/boundaries.ts";
import { mountTest } from "../../src/testing/mount-test.ts";
import { controlledFetcher, plainPatches, tick } from "./helpers.ts";

test("loading → error fallback → retry → content, as Patches frames", async () => {
  const f = controlledFetcher<string>();
  function Item() {
    const item = resource(f.fetcher);
    return () => <h1>{item.value()}</h1>;
  }
  function Page() {
    return () => (
      <main>
        <ErrorBoundary
          fallback={(_e, reset) => (
            <button type="button" onClick={reset}>
              retry
            </button>
          )}
        >
          <Async fallback={<p>loading</p>}>
            <Item />
          </Async>
        </ErrorBoundary>
      </main>
    );
  }
  const t = mountTest(Page);
  expect(t.html()).toBe('<main data-hid="2"><p data-hid="3">loading</p></main>');
  f.calls[0]!.reply.reject(new Error("503"));
  await tick();
  expect(plainPatches(await t.settle())).toEqual([
    {
      op: PatchOp.Replace,
      parent: 2,
      index: 0,
      node: {
        tag: "button",
        hid: 4,
        attrs: { type: "button", "data-on": "click" },
        children: [{ text: "retry" }],
      },
    },
  ]);
  expect(plainPatches(await t.click("button"))).toEqual([
    {
      op: PatchOp.Replace,
      parent: 2,
      index: 0,
      node: { tag: "p", hid: 5, attrs: {}, children: [{ text: "loading" }] },
    },
  ]);
  expect(f.calls).toHaveLength(2);
  f.calls[1]!.reply.resolve("ready");
  await tick();
  expect(plainPatches(await t.settle())).toEqual([
    {
      op: PatchOp.Replace,
      parent: 2,
      index: 0,
      node: { tag: "h1", hid: 6, attrs: {}, children: [{ text: "ready" }] },
    },
  ]);
  expect(t.errors()).toEqual([]);
  t.dispose();
});
