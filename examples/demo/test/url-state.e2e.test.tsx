/**
 * `urlState` in real Chromium, across back and forward: a value written with
 * `{ replace: false }` adds a history entry per change, and back/forward step through
 * the values over the socket (no reload, the page instance kept); a value written with
 * the default `replace` fills no history, so back leaves the page.
 */
import { signal, urlState } from "vango";
import { describe, expect, it } from "vitest";
import { appInBrowser, waitForStatus } from "./browser.ts";

function Steps() {
  const step = urlState("step", 1, { replace: false });
  const q = urlState("q", "");
  // Not in the URL: shows the page instance survives back/forward.
  const clicks = signal(0);
  return () => (
    <main>
      <h1>Steps</h1>
      <p data-testid="step">step {step()}</p>
      <button
        type="button"
        data-testid="next"
        onClick={() => {
          clicks.set(clicks() + 1);
          step.set(step() + 1);
        }}
      >
        Next
      </button>
      <input data-testid="q" value={q()} onInput={(e) => q.set(e.value)} />
      <p data-testid="clicks">{clicks()}</p>
    </main>
  );
}

const live = appInBrowser(() => ({
  routes: { "/": () => <a href="/steps">Steps</a>, "/steps": Steps },
}));

describe("urlState across back and forward", () => {
  it("push-mode values are history steps; replace-mode values are not", async () => {
    const { page, problems } = await live.browser.page();
    await page.route("**/favicon.ico", (r) => r.fulfill({ status: 204 }));
    await page.goto(`${live.base}/`);
    await waitForStatus(page, "connected");
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 3;
    });
    await page.click('a[href="/steps"]');
    await page.getByTestId("step").waitFor();
    const step = () => page.textContent('[data-testid="step"]');

    await page.getByTestId("next").click();
    await page.waitForURL(`${live.base}/steps?step=2`);
    await page.getByTestId("next").click();
    await page.waitForURL(`${live.base}/steps?step=3`);
    expect(await step()).toBe("step 3");

    await page.goBack();
    await page.waitForURL(`${live.base}/steps?step=2`);
    await expect.poll(step).toBe("step 2");
    await page.goBack();
    await page.waitForURL(`${live.base}/steps`);
    await expect.poll(step).toBe("step 1");
    await page.goForward();
    await page.waitForURL(`${live.base}/steps?step=2`);
    await expect.poll(step).toBe("step 2");
    // The same page instance all along: its own state stayed.
    expect(await page.textContent('[data-testid="clicks"]')).toBe("2");

    // Typing the filter replaces the entry: back leaves for the previous step, with the
    // filter gone with it.
    await page.getByTestId("q").fill("tea");
    await page.waitForURL(`${live.base}/steps?step=2&q=tea`);
    await page.goBack();
    await page.waitForURL(`${live.base}/steps`);
    await expect.poll(step).toBe("step 1");
    expect(await page.inputValue('[data-testid="q"]')).toBe("");
    await page.goForward();
    await page.waitForURL(`${live.base}/steps?step=2&q=tea`);
    await expect.poll(() => page.inputValue('[data-testid="q"]')).toBe("tea");

    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(3);
    await page.close();
    expect(problems).toEqual([]);
  });
});
