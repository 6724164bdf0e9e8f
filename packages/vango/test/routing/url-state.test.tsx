import { describe, expect, it } from "vitest";
import { PatchOp } from "../../src/protocol/constants.ts";
import { type UrlCodec, urlState } from "../../src/routing/url-state.ts";
import { mountPage } from "../../src/testing/mount-test.ts";

let setups = 0;

function Filter() {
  setups++;
  const q = urlState("q", "");
  const page = urlState("page", 1);
  const open = urlState("open", false, { replace: false });
  const legacy = urlState("legacy", 0, { push: true });
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
      <button type="button" class="legacy" onClick={() => legacy.set(legacy() + 1)}>
        legacy
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
    // `push: true`, the older spelling of `replace: false`, still adds an entry.
    const legacy = await t.click(".legacy");
    expect(legacy.filter((p) => p.op === PatchOp.PushUrl)).toEqual([
      { op: PatchOp.PushUrl, url: "/search?q=milk&page=2&open=1&legacy=1" },
    ]);
    // Back to the default: the parameter leaves the URL.
    await t.input("input", "");
    expect(t.url()).toBe("/search?page=2&open=1&legacy=1");
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

  it("a codec turns values into query text and back (refused text reads as the default)", async () => {
    const tags: UrlCodec<readonly string[]> = {
      parse: (s) => (/^[a-z,]*$/.test(s) ? s.split(",").filter((x) => x !== "") : undefined),
      format: (v) => [...v].sort().join(","),
    };
    function Tags() {
      const t = urlState<readonly string[]>("tags", [], { codec: tags, replace: true });
      return () => (
        <div>
          <p class="tags">{t().join("+") || "none"}</p>
          <button type="button" class="add" onClick={() => t.set([...t(), "tea"])}>
            add
          </button>
          <button type="button" class="clear" onClick={() => t.set([])}>
            clear
          </button>
        </div>
      );
    }
    const t = mountPage({ "/": Tags }, "/?tags=milk,bread");
    expect(t.find(".tags").children).toMatchObject([{ text: "milk+bread" }]);
    const added = await t.click(".add");
    expect(added.filter((p) => p.op === PatchOp.ReplaceUrl)).toEqual([
      { op: PatchOp.ReplaceUrl, url: "/?tags=bread%2Cmilk%2Ctea" },
    ]);
    expect(t.find(".tags").children).toMatchObject([{ text: "bread+milk+tea" }]);
    // The default's text (the empty list) is not written.
    await t.click(".clear");
    expect(t.url()).toBe("/");
    t.dispose();
    const refused = mountPage({ "/": Tags }, "/?tags=Milk!");
    expect(refused.find(".tags").children).toMatchObject([{ text: "none" }]);
    refused.dispose();
  });

  it("follows back/forward", async () => {
    const t = mountPage(routes, "/search?q=a");
    await t.navigate("/search?q=b", true);
    expect(state(t)).toContain("q=b");
    t.dispose();
  });
});
