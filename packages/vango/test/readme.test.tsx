/** The README's examples, run as written, so the first thing users copy stays true. */
import { signal } from "vango";
import { PatchOp } from "vango/protocol";
import { createApp } from "vango/server";
import { mountTest } from "vango/testing";
import { describe, expect, it } from "vitest";

function Counter() {
  const count = signal(0);
  return () => (
    <button type="button" onClick={() => count.set(count() + 1)}>
      Clicked {count()} times
    </button>
  );
}

describe("README", () => {
  it("the counter example serves its page", async () => {
    const listening = await createApp({ routes: { "/": Counter } }).listen(0);
    try {
      const res = await fetch(`http://127.0.0.1:${listening.port}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(">Clicked 0 times</button>");
    } finally {
      await listening.close();
    }
  });

  it("the testing example returns the exact patches", async () => {
    const t = mountTest(Counter);
    expect(await t.click("button")).toEqual([
      { op: PatchOp.SetText, parent: 2, index: 0, text: "Clicked 1 times" },
    ]);
    expect(t.html()).toContain("Clicked 1 times");
    t.dispose();
  });
});
