/**
 * The /widgets page in real Chromium: hook code arrives in on-demand chunks only where a
 * page uses it; every built-in hook works with the pointer and with the keyboard
 * (Sortable, Dialog, Tooltip, Popover, Dropdown, Combobox); a server handler calls a
 * hook; the island draws from server props and follows them; optimistic toggles show
 * at once and revert when the server disagrees. Production mode (minified chunks, the
 * security headers' CSP), and no console errors anywhere.
 */
import type { Page } from "playwright-core";
import { createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

let browser: TestBrowser;
let base = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  browser = await launch();
  const app = createApp({ ...(await demoOptions()), devMode: true, minifyClient: true });
  const l = await app.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${l.port}`;
  close = l.close;
});
afterAll(async () => {
  await close();
  await browser?.close();
});

async function widgets(): Promise<{ page: Page; problems: string[]; chunks: string[] }> {
  const { page, problems } = await browser.page();
  const chunks: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/_vango/chunk/")) chunks.push(r.url());
  });
  await page.goto(`${base}/widgets`);
  await waitForStatus(page, "connected");
  // Every hook on the page is mounted once its chunk ran (the Sortable marks its items).
  await page.waitForSelector('[data-testid="sortable-item"][tabindex="0"]');
  await page.waitForSelector('[data-testid="island-value"]');
  return { page, problems, chunks };
}

const order = (page: Page) =>
  page.$$eval('[data-testid="sortable-item"]', (els) => els.map((e) => e.textContent));
const focusedTestId = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? null);

describe("hook chunks", () => {
  it("load only on pages that use hooks: the runtime, then each hook named", async () => {
    const { page, problems } = await browser.page();
    const chunks: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/_vango/chunk/")) chunks.push(r.url());
    });
    await page.goto(`${base}/`);
    await waitForStatus(page, "connected");
    await page.getByTestId("counter-inc").click();
    await expect.poll(() => page.getByTestId("counter-value").textContent()).toBe("1");
    expect(chunks).toEqual([]);
    // Live navigation to /widgets: the runtime and the page's hooks arrive with it.
    await page.click('nav a[href="/widgets"]');
    await page.waitForSelector('[data-testid="sortable-item"][tabindex="0"]');
    await page.waitForSelector('[data-testid="island-value"]');
    // The runtime, six built-ins used on the page (Sortable, Dialog, Tooltip, Popover,
    // Dropdown, Combobox) and the island's module.
    await expect.poll(() => new Set(chunks).size).toBe(8);
    // The hooks' layers live at the end of <body>; leaving the page destroys them.
    expect(await page.locator(".vango-tooltip").count()).toBe(1);
    expect(await page.locator('[aria-live="assertive"]').count()).toBe(1);
    await page.click('nav a[href="/"]');
    await page.getByTestId("counter-value").waitFor();
    await expect.poll(() => page.locator(".vango-tooltip").count()).toBe(0);
    expect(await page.locator('[aria-live="assertive"]').count()).toBe(0);
    // Back again: the chunks are not fetched twice; the hooks mount again.
    await page.goBack();
    await page.waitForSelector('[data-testid="sortable-item"][tabindex="0"]');
    await page.waitForSelector('[data-testid="island-value"]');
    expect(await page.locator(".vango-tooltip").count()).toBe(1);
    expect(new Set(chunks).size).toBe(8);
    await page.close();
    expect(problems).toEqual([]);
  });
});

describe("built-in hooks", () => {
  it("Sortable: keyboard pick up, move, drop and cancel; pointer drag", async () => {
    const { page, problems } = await widgets();
    const start = await order(page);
    expect(start).toEqual(["Write the spec", "Build it", "Test it", "Ship it", "Celebrate"]);

    await page.getByTestId("sortable-item").first().focus();
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowDown");
    await expect
      .poll(() => order(page))
      .toEqual(["Build it", "Write the spec", "Test it", "Ship it", "Celebrate"]);
    await page.keyboard.press("ArrowDown");
    await expect
      .poll(() => order(page))
      .toEqual(["Build it", "Test it", "Write the spec", "Ship it", "Celebrate"]);
    // The moved item keeps focus, and the live region says where it is.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Write the spec");
    expect(await page.textContent('[aria-live="assertive"]')).toContain("position 3 of 5");
    await page.keyboard.press("Space");
    expect(await page.textContent('[aria-live="assertive"]')).toContain("dropped at position 3");
    expect(await page.getByTestId("sortable-order").textContent()).toBe(
      "Build it · Test it · Write the spec · Ship it · Celebrate",
    );

    // Escape puts a picked-up item back where it was.
    await page.keyboard.press("Enter");
    await page.keyboard.press("End");
    await expect
      .poll(() => order(page))
      .toEqual(["Build it", "Test it", "Ship it", "Celebrate", "Write the spec"]);
    await page.keyboard.press("Escape");
    await expect
      .poll(() => order(page))
      .toEqual(["Build it", "Test it", "Write the spec", "Ship it", "Celebrate"]);

    // Pointer: drag the last item above the first.
    const items = page.getByTestId("sortable-item");
    const last = (await items.nth(4).boundingBox())!;
    const first = (await items.nth(0).boundingBox())!;
    await page.mouse.move(last.x + 10, last.y + last.height / 2);
    await page.mouse.down();
    await page.mouse.move(last.x + 10, last.y - 20, { steps: 4 });
    await page.mouse.move(first.x + 10, first.y + 3, { steps: 6 });
    expect(await items.nth(0).getAttribute("class")).toContain("vango-drop-before");
    await page.mouse.up();
    await expect
      .poll(() => order(page))
      .toEqual(["Celebrate", "Build it", "Test it", "Write the spec", "Ship it"]);
    expect(
      await page.locator(".vango-dragging, .vango-drop-before, .vango-drop-after").count(),
    ).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });

  it("Dialog: focus moves in, Tab is trapped, Escape closes and focus returns to the trigger", async () => {
    const { page, problems } = await widgets();
    const dialog = page.getByTestId("dialog");
    expect(await dialog.isHidden()).toBe(true);

    // Keyboard: Enter on the trigger opens it; focus lands on the first field.
    await page.getByTestId("dialog-open").focus();
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "visible" });
    await expect.poll(() => focusedTestId(page)).toBe("dialog-input");
    await page.keyboard.press("Tab");
    expect(await focusedTestId(page)).toBe("dialog-save");
    await page.keyboard.press("Tab");
    expect(await focusedTestId(page)).toBe("dialog-cancel");
    await page.keyboard.press("Tab");
    expect(await focusedTestId(page)).toBe("dialog-input");
    await page.keyboard.press("Shift+Tab");
    expect(await focusedTestId(page)).toBe("dialog-cancel");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => focusedTestId(page)).toBe("dialog-open");

    // Pointer: open, type, save; focus returns to the trigger again.
    await page.getByTestId("dialog-open").click();
    await dialog.waitFor({ state: "visible" });
    await expect.poll(() => focusedTestId(page)).toBe("dialog-input");
    await page.keyboard.type("Ada");
    await page.getByTestId("dialog-save").click();
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => page.getByTestId("dialog-saved").textContent()).toBe("Ada");
    await expect.poll(() => focusedTestId(page)).toBe("dialog-open");

    // A click on the backdrop dismisses it.
    await page.getByTestId("dialog-open").click();
    await dialog.waitFor({ state: "visible" });
    await page.mouse.click(5, 5);
    await dialog.waitFor({ state: "hidden" });
    await page.close();
    expect(problems).toEqual([]);
  });

  it("Tooltip: on hover and on keyboard focus, Escape hides it; a server handler shows it", async () => {
    const { page, problems } = await widgets();
    const trigger = page.getByTestId("tooltip-trigger");
    const tipId = await trigger.getAttribute("aria-describedby");
    const tip = page.locator(`#${tipId}`);
    expect(await tip.getAttribute("role")).toBe("tooltip");
    expect(await tip.isHidden()).toBe(true);
    await trigger.hover();
    await tip.waitFor({ state: "visible" });
    expect(await tip.textContent()).toBe("Loaded only on pages that use it");
    await page.mouse.move(0, 0);
    await tip.waitFor({ state: "hidden" });

    await trigger.focus();
    await tip.waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await tip.waitFor({ state: "hidden" });

    // useHook(...).call("show") from the server.
    await page.getByTestId("tooltip-call").click();
    await tip.waitFor({ state: "visible" });
    await page.close();
    expect(problems).toEqual([]);
  });

  it("Popover: toggles by click and keyboard, Escape returns focus, the server hears it", async () => {
    const { page, problems } = await widgets();
    const trigger = page.getByTestId("popover-trigger");
    const panel = page.getByTestId("popover-panel");
    expect(await trigger.getAttribute("aria-expanded")).toBe("false");
    await trigger.click();
    await panel.waitFor({ state: "visible" });
    expect(await trigger.getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => page.getByTestId("popover-state").textContent()).toBe("open");
    // A click outside closes it.
    await page.mouse.click(2, 2);
    await panel.waitFor({ state: "hidden" });
    await expect.poll(() => page.getByTestId("popover-state").textContent()).toBe("closed");

    await trigger.focus();
    await page.keyboard.press("Enter");
    await panel.waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "hidden" });
    expect(await focusedTestId(page)).toBe("popover-trigger");
    await page.close();
    expect(problems).toEqual([]);
  });

  it("Dropdown: arrow keys open and move, Enter picks, Escape closes; pointer too", async () => {
    const { page, problems } = await widgets();
    const button = page.getByTestId("dropdown-button");
    const menu = page.locator('[data-testid="dropdown"] [role="menu"]');
    await button.focus();
    await page.keyboard.press("ArrowDown");
    await menu.waitFor({ state: "visible" });
    expect(await button.getAttribute("aria-expanded")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("newest");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("name");
    await page.keyboard.press("Home");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("newest");
    await page.keyboard.press("o");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("oldest");
    await page.keyboard.press("Enter");
    await menu.waitFor({ state: "hidden" });
    await expect.poll(() => button.textContent()).toBe("Sort: oldest");
    expect(await focusedTestId(page)).toBe("dropdown-button");

    await page.keyboard.press("ArrowUp");
    await menu.waitFor({ state: "visible" });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("name");
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "hidden" });
    expect(await focusedTestId(page)).toBe("dropdown-button");

    await button.click();
    await menu.waitFor({ state: "visible" });
    await page.getByTestId("dropdown-item").nth(2).click();
    await expect.poll(() => button.textContent()).toBe("Sort: name");
    expect(await menu.isHidden()).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  });

  it("Combobox: the server filters, arrows move the active option, Enter picks", async () => {
    const { page, problems } = await widgets();
    const input = page.getByTestId("combobox-input");
    const list = page.locator('[data-testid="combobox"] [role="listbox"]');
    await input.focus();
    expect(await input.getAttribute("role")).toBe("combobox");
    await page.keyboard.type("b");
    await expect
      .poll(() => page.getByTestId("combobox-option").allTextContents())
      .toEqual(["Barcelona", "Berlin", "Bern", "Brussels"]);
    await list.waitFor({ state: "visible" });
    expect(await input.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const activeId = await input.getAttribute("aria-activedescendant");
    expect(await page.locator(`#${activeId}`).textContent()).toBe("Berlin");
    expect(await page.locator(`#${activeId}`).getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("combobox-picked").textContent()).toBe("Berlin");
    expect(await input.inputValue()).toBe("Berlin");
    await list.waitFor({ state: "hidden" });
    expect(await focusedTestId(page)).toBe("combobox-input");

    // Escape closes the list; a click on an option picks it.
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Backspace");
    await expect.poll(() => page.getByTestId("combobox-option").count()).toBe(4);
    await list.waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await list.waitFor({ state: "hidden" });
    await page.keyboard.press("ArrowDown");
    await list.waitFor({ state: "visible" });
    await page.getByTestId("combobox-option").nth(3).click();
    await expect.poll(() => page.getByTestId("combobox-picked").textContent()).toBe("Brussels");
    await page.close();
    expect(problems).toEqual([]);
  });
});

describe("island", () => {
  it("draws from the server's props and follows every change", async () => {
    const { page, problems } = await widgets();
    const value = page.getByTestId("island-value");
    expect(await value.textContent()).toBe("3 / 10");
    expect(await page.locator('[data-testid="island"] svg').getAttribute("aria-valuenow")).toBe(
      "3",
    );
    await page.getByTestId("island-inc").click();
    await page.getByTestId("island-inc").click();
    await expect.poll(() => value.textContent()).toBe("5 / 10");
    await page.getByTestId("island-dec").click();
    await expect.poll(() => value.textContent()).toBe("4 / 10");
    expect(await page.locator('[data-testid="island"] .meter-bar').getAttribute("width")).toBe(
      "80",
    );
    // The island's container is the server's, its content the module's: one drawing.
    expect(await page.locator('[data-testid="island"] svg').count()).toBe(1);
    await page.close();
    expect(problems).toEqual([]);
  });
});

describe("optimistic updates", () => {
  it("show at once; kept when the server agrees, reverted when it does not", async () => {
    const { page, problems } = await widgets();
    const publish = page.getByTestId("publish-toggle");
    // The server answers after 300 ms: right after the click, the prediction shows.
    await publish.click();
    expect(await publish.getAttribute("aria-pressed")).toBe("true");
    expect(await publish.textContent()).toBe("Published");
    expect(await publish.getAttribute("class")).toContain("on");
    // The server changes nothing: its (empty) answer reverts the prediction.
    await expect.poll(() => publish.getAttribute("aria-pressed")).toBe("false");
    expect(await publish.textContent()).toBe("Publish");
    expect(await publish.getAttribute("class")).toBeNull();

    const star = page.getByTestId("star-toggle");
    await star.click();
    expect(await star.getAttribute("aria-pressed")).toBe("true");
    expect(await star.textContent()).toBe("Starred");
    // The server agrees: its patches write the same values, which stay.
    await page.waitForTimeout(700);
    expect(await star.getAttribute("aria-pressed")).toBe("true");
    expect(await star.textContent()).toBe("Starred");
    expect(await star.getAttribute("class")).toBe("on");
    await page.close();
    expect(problems).toEqual([]);
  });

  it("a failed handler's error frame reverts", async () => {
    const { page, problems } = await widgets();
    const archive = page.getByTestId("archive-toggle");
    await archive.click();
    expect(await archive.getAttribute("aria-pressed")).toBe("true");
    expect(await archive.textContent()).toBe("Archived");
    await expect.poll(() => archive.getAttribute("aria-pressed")).toBe("false");
    expect(await archive.textContent()).toBe("Archive");
    // The only console error is the dev overlay's report of that failure.
    await expect.poll(() => problems.length).toBe(1);
    expect(problems[0]).toContain("handler_error");
    await page.close();
  });
});
