import { describe, expect, it } from "vitest";
import { PatchOp } from "../../src/protocol/constants.ts";
import { urlState } from "../../src/routing/url-state.ts";
import { mountPage } from "../../src/testing/mount-test.ts";

let setups = 0;

function Filter() {
  setups++;
  const q = urlState("q", "");
  const page = urlState("page", 1);
  const open = urlState("open", false, { push: true });
  return () => (
    <div>
      <input onInput={(e) => q.set(e.value)} />
      <p class="state">
        q={q()} page={page()} open={String(open())}
      </p>
      <button type="button" class="next" onClick={() => page.set(page() + 1)}>
        next
      </button>
      <button type="button" class="open" onClick={() => open.set(!open())}>
        open
      </button>
    </div>
  );
}

const routes = { "/search": Filter };
const state = (t: ReturnType<typeof mountPage>) => JSON.stringify(t.find(".state").children);

describe("urlState", () => {
  it("reads its value from the URL, bad text falling back to the default", () => {
    const t = mountPage(routes, "/search?q=tea&page=3&open=1");
    expect(state(t)).toContain("q=tea page=3 open=true");
    t.dispose();
    const bad = mountPage(routes, "/search?page=abc");
    expect(state(bad)).toContain("page=1");
    bad.dispose();
  });

  it("writes the URL (replace by default, push when asked) without re-mounting the page", async () => {
    setups = 0;
    const t = mountPage(routes, "/search");
    const typed = await t.input("input", "milk");
    expect(typed.filter((p) => p.op === PatchOp.ReplaceUrl)).toEqual([
      { op: PatchOp.ReplaceUrl, url: "/search?q=milk" },
    ]);
    await t.click(".next");
    expect(t.url()).toBe("/search?q=milk&page=2");
    const opened = await t.click(".open");
    expect(opened.filter((p) => p.op === PatchOp.PushUrl)).toEqual([
      { op: PatchOp.PushUrl, url: "/search?q=milk&page=2&open=1" },
    ]);
    // Back to the default: the parameter leaves the URL.
    await t.input("input", "");
    expect(t.url()).toBe("/search?page=2&open=1");
    expect(setups).toBe(1);
    t.dispose();
  });

  it("debounces the URL write, not the value", async () => {
    function Slow() {
      const q = urlState("q", "", { debounce: 30 });
      return () => <input value={q()} onInput={(e) => q.set(e.value)} />;
    }
    const t = mountPage({ "/": Slow }, "/");
    const now = await t.input("input", "te");
    expect(now.some((p) => p.op === PatchOp.ReplaceUrl)).toBe(false);
    await t.input("input", "tea");
    await new Promise((r) => setTimeout(r, 60));
    expect((await t.settle()).filter((p) => p.op === PatchOp.ReplaceUrl)).toEqual([
      { op: PatchOp.ReplaceUrl, url: "/?q=tea" },
    ]);
    t.dispose();
  });

  it("follows back/forward", async () => {
    const t = mountPage(routes, "/search?q=a");
    await t.navigate("/search?q=b", true);
    expect(state(t)).toContain("q=b");
    t.dispose();
  });
});
