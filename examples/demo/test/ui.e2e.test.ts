/**
 * The /ui page in real Chromium, keyboard only: Tabs (one tab stop, arrows, Home/End,
 * disabled tab skipped), the form's Select and its errors, DataTable sorting, filtering
 * and paging, and the overlays the client hooks run (Dialog: focus trap, Escape, focus
 * back on the trigger; DropdownMenu: arrows, Enter, Escape; Popover; tooltip); then axe-core on the whole page, light and dark, with no serious or
 * critical violation.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let browser: TestBrowser;
let base = "";
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  browser = await launch();
  const app = createApp({ ...(await demoOptions()), devMode: true });
  const l = await app.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${l.port}`;
  close = l.close;
});
afterAll(async () => {
  await close();
  await browser?.close();
});

/** Presses Tab until `selector` has focus (at most `max` times): it is in the tab order. */
async function tabTo(page: Page, selector: string, max = 120): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");

async function open(): Promise<{ page: Page; problems: string[] }> {
  const p = await browser.page();
  await p.page.goto(`${base}/ui`);
  await waitForStatus(p.page, "connected");
  return p;
}

describe("keyboard only", () => {
  it("Tabs: the list is one tab stop; arrows, Home and End select; Tab enters the panel", async () => {
    const { page, problems } = await open();
    const list = "#ui-tabs [role=tablist]";
    await tabTo(page, list);
    const selected = () => page.getAttribute(`${list} [aria-selected=true]`, "id");
    const panel = () => page.textContent("#ui-tabs [role=tabpanel]:not([hidden])");
    expect(await selected()).toBe("ui-tabs-account-tab");
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector("#ui-tabs-password-tab[aria-selected=true]");
    expect(await panel()).toBe("Change your password.");
    expect(await page.getAttribute(list, "aria-activedescendant")).toBe("ui-tabs-password-tab");
    // The disabled "Legacy" tab is skipped.
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector("#ui-tabs-billing-tab[aria-selected=true]");
    // Wraps around to the first.
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector("#ui-tabs-account-tab[aria-selected=true]");
    await page.keyboard.press("ArrowLeft");
    await page.waitForSelector("#ui-tabs-billing-tab[aria-selected=true]");
    await page.keyboard.press("Home");
    await page.waitForSelector("#ui-tabs-account-tab[aria-selected=true]");
    await page.keyboard.press("End");
    await page.waitForSelector("#ui-tabs-billing-tab[aria-selected=true]");
    expect(await panel()).toBe("Invoices and cards.");
    // Focus stayed on the list throughout; the page did not scroll away on arrows.
    expect(await page.evaluate((s) => document.activeElement?.matches(s), list)).toBe(true);
    await page.keyboard.press("Tab");
    expect(await focusedId(page)).toBe("ui-tabs-billing-panel");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("Select and the form: errors on submit, the select chosen with arrows clears its error", async () => {
    const { page, problems } = await open();
    await tabTo(page, "#signup-email");
    await page.keyboard.type("ada@example.com");
    await tabTo(page, "form[data-testid=signup-form] [type=submit]");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#signup-plan-error");
    expect(await page.textContent("#signup-plan-error")).toBe("Choose a plan");
    expect(await page.getAttribute("#signup-plan", "aria-invalid")).toBe("true");
    expect(await page.getAttribute("#signup-plan", "aria-describedby")).toBe("signup-plan-error");
    expect(await page.textContent("#signup-terms-error")).toBe("Accept the terms to continue");
    expect(await page.locator("#signup-email-error").count()).toBe(0);

    // Back to the select with Shift+Tab; ArrowDown picks the first plan.
    for (let i = 0; i < 10 && (await focusedId(page)) !== "signup-plan"; i++) {
      await page.keyboard.press("Shift+Tab");
    }
    expect(await focusedId(page)).toBe("signup-plan");
    await page.keyboard.press("ArrowDown");
    await page.waitForSelector("#signup-plan-error", { state: "detached" });
    expect(await page.inputValue("#signup-plan")).toBe("hobby");
    expect(await page.getAttribute("#signup-plan", "aria-invalid")).toBeNull();
    // The disabled option is skipped by the keyboard.
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(
      () => (document.querySelector("#signup-plan") as HTMLSelectElement).value === "team",
    );
    // Space checks the terms box; Enter on the submit button signs up (a toast, a reset).
    await tabTo(page, "#signup-terms");
    await page.keyboard.press("Space");
    await page.waitForSelector("#signup-terms-error", { state: "detached" });
    await tabTo(page, "form[data-testid=signup-form] [type=submit]");
    await page.keyboard.press("Enter");
    await page.waitForSelector("[data-testid=toast]");
    expect(await page.textContent("[data-testid=toast] .vui-toast__title")).toBe("Signed up");
    expect(await page.inputValue("#signup-email")).toBe("");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("DataTable: paging, sorting and filtering from the keyboard; focus stays put", async () => {
    const { page, problems } = await open();
    const firstCells = () =>
      page.$$eval("#elements tbody tr", (rows) => rows.map((r) => r.children[2]?.textContent));
    const status = () => page.textContent("#elements-page");
    expect(await firstCells()).toEqual([
      "Hydrogen",
      "Helium",
      "Lithium",
      "Beryllium",
      "Boron",
      "Carbon",
    ]);
    expect(await status()).toBe("Page 1 of 6");
    await tabTo(page, "#elements-next");
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      () => document.querySelector("#elements-page")?.textContent === "Page 2 of 6",
    );
    expect(await firstCells()).toEqual([
      "Nitrogen",
      "Oxygen",
      "Fluorine",
      "Neon",
      "Sodium",
      "Magnesium",
    ]);
    await page.keyboard.press("Space");
    await page.waitForFunction(
      () => document.querySelector("#elements-page")?.textContent === "Page 3 of 6",
    );
    expect(await focusedId(page)).toBe("elements-next");
    await page.keyboard.press("Shift+Tab");
    expect(await focusedId(page)).toBe("elements-prev");
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      () => document.querySelector("#elements-page")?.textContent === "Page 2 of 6",
    );

    // Sort by name: Enter on the header button; back to page 1, aria-sort follows.
    await tabTo(page, "#elements th:nth-child(3) button");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#elements th:nth-child(3)[aria-sort=ascending]");
    expect((await firstCells())[0]).toBe("Aluminium");
    expect(await status()).toBe("Page 1 of 6");

    // Filter: type; the noble gases fit one page and Next is aria-disabled (still focusable).
    await tabTo(page, "#elements-filter");
    await page.keyboard.type("noble");
    await page.waitForFunction(
      () => document.querySelector("#elements-page")?.textContent === "Page 1 of 1",
    );
    expect(await firstCells()).toEqual(["Argon", "Helium", "Krypton", "Neon"]);
    await tabTo(page, "#elements-next");
    expect(await page.getAttribute("#elements-next", "aria-disabled")).toBe("true");
    await page.keyboard.press("Enter");
    expect(await focusedId(page)).toBe("elements-next");
    expect(await status()).toBe("Page 1 of 1");
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("keyboard only: overlays run by client hooks", () => {
  it("Dialog: opens with focus inside, Tab stays inside, Escape closes, focus returns to the trigger", async () => {
    const { page, problems } = await open();
    await tabTo(page, "[data-testid=dialog-open]");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#ui-dialog:not([hidden])");
    // The hook moved focus to the first focusable element: the name field.
    await page.waitForFunction(() => document.activeElement?.id === "ui-dialog-name");
    expect(await page.inputValue("#ui-dialog-name")).toBe("Untitled");
    // Tab cycles inside the dialog: field → Cancel → Save → Close → field.
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      seen.push(
        await page.evaluate(
          () =>
            document.activeElement?.getAttribute("data-testid") ??
            document.activeElement?.getAttribute("aria-label") ??
            document.activeElement?.id ??
            "",
        ),
      );
    }
    expect(seen).toEqual(["dialog-cancel", "dialog-save", "Close", "dialog-input"]);
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(
      "Close",
    );
    await page.keyboard.press("Escape");
    await page.waitForSelector("#ui-dialog", { state: "hidden" });
    await page.waitForFunction(
      () => document.activeElement?.getAttribute("data-testid") === "dialog-open",
    );

    // Again: type a name, Tab to Save, Enter: saved, closed, focus back on the trigger.
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "ui-dialog-name");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("Quarterly report");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      () => document.querySelector("[data-testid=dialog-name]")?.textContent === "Quarterly report",
    );
    await page.waitForSelector("#ui-dialog", { state: "hidden" });
    await page.waitForFunction(
      () => document.activeElement?.getAttribute("data-testid") === "dialog-open",
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it("DropdownMenu: arrows move through items (skipping disabled), Enter picks, Escape closes to the button", async () => {
    const { page, problems } = await open();
    const button = "#ui-menu > button";
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? "");
    await tabTo(page, button);
    expect(await page.getAttribute(button, "aria-haspopup")).toBe("menu");
    await page.keyboard.press("ArrowDown");
    await page.waitForSelector("#ui-menu [role=menu]:not([hidden])");
    expect(await page.getAttribute(button, "aria-expanded")).toBe("true");
    expect(await focusedText()).toBe("Newest first");
    await page.keyboard.press("ArrowDown");
    expect(await focusedText()).toBe("Oldest first");
    await page.keyboard.press("ArrowDown");
    expect(await focusedText()).toBe("By name");
    await page.keyboard.press("ArrowDown");
    expect(await focusedText()).toBe("Newest first");
    await page.keyboard.press("End");
    expect(await focusedText()).toBe("By name");
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      (b) => document.querySelector(b)?.textContent === "Sort: name▾",
      button,
    );
    await page.waitForSelector("#ui-menu [role=menu]", { state: "hidden" });
    expect(
      await page.evaluate((b) => document.activeElement === document.querySelector(b), button),
    ).toBe(true);
    // Open again with Enter; Escape closes and focus returns to the button.
    await page.keyboard.press("Enter");
    await page.waitForSelector("#ui-menu [role=menu]:not([hidden])");
    expect(await focusedText()).toBe("Newest first");
    await page.keyboard.press("Escape");
    await page.waitForSelector("#ui-menu [role=menu]", { state: "hidden" });
    expect(await page.getAttribute(button, "aria-expanded")).toBe("false");
    expect(
      await page.evaluate((b) => document.activeElement === document.querySelector(b), button),
    ).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("Popover and tooltip: Enter opens the panel, Escape closes it to its button; focus shows the tooltip", async () => {
    const { page, problems } = await open();
    await tabTo(page, "#ui-popover-trigger");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#ui-popover-panel:not([hidden])");
    expect(await page.getAttribute("#ui-popover-trigger", "aria-expanded")).toBe("true");
    await page.keyboard.press("Escape");
    await page.waitForSelector("#ui-popover-panel", { state: "hidden" });
    expect(await focusedId(page)).toBe("ui-popover-trigger");
    await tabTo(page, "[data-testid=tooltip-button]");
    const tip = await page.waitForSelector("[role=tooltip]:not([hidden])");
    expect(await tip.textContent()).toBe("Copies the page's link");
    const described = await page.getAttribute("[data-testid=tooltip-button]", "aria-describedby");
    expect(described).toBe(await tip.getAttribute("id"));
    await page.keyboard.press("Escape");
    await page.waitForSelector("[role=tooltip]", { state: "hidden" });
    expect(problems).toEqual([]);
    await page.close();
  });
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function axe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> };
    };
    return w.axe.run(document, { resultTypes: ["violations"] });
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ ...v, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })) }));
}

describe("axe-core", () => {
  it("finds no serious or critical violation on /ui, light and dark, with toasts and errors on show", async () => {
    const { page, problems } = await open();
    // States worth checking: an open toast, an error toast, form errors.
    await page.click("[data-testid=toast-show]");
    await page.click("[data-testid=toast-error]");
    await page.click("form[data-testid=signup-form] [type=submit]");
    await page.waitForSelector("#signup-plan-error");
    await page.waitForSelector("[data-testid=toast] >> nth=1");
    expect(await axe(page)).toEqual([]);
    await page.click("[data-testid=theme-toggle]");
    await page.waitForSelector(".demo.dark");
    expect(await axe(page)).toEqual([]);
    // Dark, with the dialog open (the page behind it is aria-modal'd away).
    await page.click("[data-testid=dialog-open]");
    await page.waitForSelector("#ui-dialog:not([hidden])");
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
