/**
 * The /ui page in real Chromium, keyboard only: Tabs (one tab stop, arrows, Home/End,
 * disabled tab skipped), Accordion (Enter/Space, arrows between headers), the form's
 * Select and its errors, DataTable sorting, filtering and paging, and the overlays the
 * client hooks run (Dialog: focus trap, Escape, focus back on the trigger; DropdownMenu:
 * arrows, Enter, Escape; Popover; tooltip). Dark mode as computed colours: the theme
 * switch, and a dark OS. Then axe-core on the whole page, light and dark, and with each
 * overlay open, with no serious or critical violation.
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

  it("Accordion: Enter and Space toggle a header, Tab enters the open panel; arrows, Home and End move between headers", async () => {
    const { page, problems } = await open();
    const header = (v: string) => `#ui-faq-${v}-trigger`;
    const state = (v: string) =>
      page.evaluate(
        (v) => [
          document.querySelector(`#ui-faq-${v}-trigger`)?.getAttribute("aria-expanded"),
          (document.querySelector(`#ui-faq-${v}-panel`) as HTMLElement).hidden,
        ],
        v,
      );
    expect(await state("what")).toEqual(["true", false]);
    expect(await state("js")).toEqual(["false", true]);
    await tabTo(page, header("what"));
    // The open panel holds no focusable element: Tab goes on to the next header.
    await page.keyboard.press("Tab");
    expect(await focusedId(page)).toBe("ui-faq-js-trigger");
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${header("js")}[aria-expanded=true]`);
    expect(await state("js")).toEqual(["true", false]);
    expect(await state("what")).toEqual(["false", true]); // single: the other one closed
    await page.keyboard.press("Space");
    await page.waitForSelector(`${header("js")}[aria-expanded=false]`);
    expect(await state("js")).toEqual(["false", true]);
    await page.keyboard.press("Space");
    await page.waitForSelector(`${header("js")}[aria-expanded=true]`);
    expect(await focusedId(page)).toBe("ui-faq-js-trigger");
    // Tab moves into the open panel: to its link.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.closest("section")?.id ?? "")).toBe(
      "ui-faq-js-panel",
    );
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      "client hooks at work",
    );
    await page.keyboard.press("Shift+Tab");
    expect(await focusedId(page)).toBe("ui-faq-js-trigger");
    // The pattern's optional keys (the Accordion hook): focus moves, nothing toggles.
    const moves: [string, string][] = [
      ["ArrowDown", "ui-faq-style-trigger"],
      ["ArrowDown", "ui-faq-what-trigger"],
      ["ArrowUp", "ui-faq-style-trigger"],
      ["ArrowUp", "ui-faq-js-trigger"],
      ["Home", "ui-faq-what-trigger"],
      ["End", "ui-faq-style-trigger"],
    ];
    const scrolled = () => page.evaluate(() => window.scrollY);
    const before = await scrolled();
    for (const [key, id] of moves) {
      await page.keyboard.press(key);
      expect([key, await focusedId(page)]).toEqual([key, id]);
    }
    expect(await state("js")).toEqual(["true", false]);
    expect(await state("style")).toEqual(["false", true]);
    // The page did not scroll on the arrows, Home and End: the hook took them.
    expect(await scrolled()).toBe(before);
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

  it("DropdownMenu: arrows move through items (a disabled one reached but inert), Enter picks, Escape closes to the button", async () => {
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
    // The disabled item is focusable (APG), and choosing it does nothing: the menu stays.
    await page.keyboard.press("ArrowDown");
    expect(await focusedText()).toBe("Archived");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-disabled"))).toBe(
      "true",
    );
    await page.keyboard.press("Enter");
    await page.keyboard.press("Space");
    expect(await focusedText()).toBe("Archived");
    expect(await page.isVisible("#ui-menu [role=menu]")).toBe(true);
    expect(await page.textContent(button)).toBe("Sort: newest▾");
    await page.keyboard.press("ArrowDown");
    expect(await focusedText()).toBe("By name");
    await page.keyboard.press("ArrowDown");
    expect(await focusedText()).toBe("Newest first");
    await page.keyboard.press("ArrowUp");
    expect(await focusedText()).toBe("By name");
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

  it("DropdownMenu: Tab closes the menu and goes on; a click outside closes it", async () => {
    const { page, problems } = await open();
    const button = "#ui-menu > button";
    const menu = "#ui-menu [role=menu]";
    await tabTo(page, button);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${menu}:not([hidden])`);
    await page.keyboard.press("Tab");
    await page.waitForSelector(menu, { state: "hidden" });
    expect(await page.getAttribute(button, "aria-expanded")).toBe("false");
    // Focus moved on from the menu, to the next control on the page.
    expect(await focusedId(page)).toBe("ui-popover-trigger");

    await page.click(button);
    await page.waitForSelector(`${menu}:not([hidden])`);
    expect(await page.getAttribute(button, "aria-expanded")).toBe("true");
    await page.click("h2.page-title");
    await page.waitForSelector(menu, { state: "hidden" });
    expect(await page.getAttribute(button, "aria-expanded")).toBe("false");
    expect(await page.textContent(button)).toBe("Sort: newest▾");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("Switch: Tab reaches it, Space toggles; role switch, its checked state and the server's follow", async () => {
    const { page, problems } = await open();
    // What Chromium exposes to assistive technology for the control.
    const cdp = await page.context().newCDPSession(page);
    const exposed = async () => {
      const { root } = await cdp.send("DOM.getDocument");
      const { nodeId } = await cdp.send("DOM.querySelector", {
        nodeId: root.nodeId,
        selector: "#ui-compact",
      });
      const { nodes } = await cdp.send("Accessibility.getPartialAXTree", {
        nodeId,
        fetchRelatives: false,
      });
      const node = nodes[0]!;
      const checked = node.properties?.find((p) => p.name === "checked")?.value.value;
      return { role: node.role?.value, name: node.name?.value, checked };
    };
    const state = () => page.textContent("[data-testid=compact-state]");
    await tabTo(page, "#ui-popover-trigger");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#ui-popover-panel:not([hidden])");
    await page.keyboard.press("Tab");
    expect(await focusedId(page)).toBe("ui-compact");
    expect(await exposed()).toEqual({ role: "switch", name: "Compact rows", checked: "false" });
    expect(await state()).toBe("Rows: comfortable");
    await page.keyboard.press("Space");
    await page.waitForFunction(
      () => document.querySelector("[data-testid=compact-state]")?.textContent === "Rows: compact",
    );
    expect(await exposed()).toEqual({ role: "switch", name: "Compact rows", checked: "true" });
    expect(await focusedId(page)).toBe("ui-compact");
    await page.keyboard.press("Space");
    await page.waitForFunction(
      () =>
        document.querySelector("[data-testid=compact-state]")?.textContent === "Rows: comfortable",
    );
    expect(await exposed()).toEqual({ role: "switch", name: "Compact rows", checked: "false" });
    await cdp.detach();
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

describe("dark mode", () => {
  /** The computed `--vui-bg` and background colour of the page's `.vui-theme` root, and the toggle's text. */
  const look = (page: Page) =>
    page.evaluate(() => {
      const ui = document.querySelector(".ui-page")!;
      return {
        toggle: document.querySelector("[data-testid=theme-toggle]")?.textContent,
        bg: getComputedStyle(ui).getPropertyValue("--vui-bg").trim(),
        background: getComputedStyle(ui).backgroundColor,
        header: getComputedStyle(document.querySelector("header")!).color,
        scheme: getComputedStyle(document.documentElement).colorScheme,
      };
    });
  const tooltipBackground = async (page: Page) => {
    await page.mouse.move(0, 0);
    await page.hover("[data-testid=tooltip-button]");
    const tip = await page.waitForSelector("[role=tooltip]:not([hidden])");
    return tip.evaluate((t) => getComputedStyle(t).backgroundColor);
  };
  const LIGHT = { bg: "#ffffff", background: "rgb(255, 255, 255)" };
  const DARK = { bg: "#16121f", background: "rgb(22, 18, 31)" };

  it("the theme toggle switches the palette: computed colours change, and back", async () => {
    const { page, problems } = await open();
    expect(await look(page)).toMatchObject({ toggle: "Light theme", ...LIGHT });
    const button = await page.evaluate(
      () => getComputedStyle(document.querySelector(".vui-btn--primary")!).backgroundColor,
    );
    expect(button).toBe("rgb(91, 33, 182)");
    await page.click("[data-testid=theme-toggle]");
    await page.waitForSelector(".demo.dark");
    expect(await look(page)).toMatchObject({ toggle: "Dark theme", ...DARK });
    expect(
      await page.evaluate(
        () => getComputedStyle(document.querySelector(".vui-btn--primary")!).backgroundColor,
      ),
    ).toBe("rgb(196, 181, 253)");
    await page.click("[data-testid=theme-toggle]");
    await page.waitForSelector(".demo:not(.dark)");
    expect(await look(page)).toMatchObject({ toggle: "Light theme", ...LIGHT });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a dark OS: the stylesheet follows it with no .dark class; the demo shows what its toggle says", async () => {
    const { page, problems } = await open();
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await page.evaluate(() => document.querySelector(".dark") === null)).toBe(true);
    // vango-ui.css alone: the root (no .light there) takes the dark palette from the OS.
    expect(
      await page.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue("--vui-bg").trim(),
      ),
    ).toBe(DARK.bg);
    // The demo's toggle says "Light": its pages stay light, header and all.
    expect(await look(page)).toEqual({
      toggle: "Light theme",
      ...LIGHT,
      header: "rgb(0, 0, 0)",
      scheme: "light",
    });
    // The tooltip layer (at the end of <body>, outside the shell) too: the light one, dark.
    expect(await tooltipBackground(page)).toBe("rgb(24, 24, 27)");
    await page.click("[data-testid=theme-toggle]");
    await page.waitForSelector(".demo.dark");
    expect(await look(page)).toMatchObject({ toggle: "Dark theme", ...DARK, scheme: "dark" });
    await page.emulateMedia({ colorScheme: "light" });
    expect(await look(page)).toMatchObject({ toggle: "Dark theme", ...DARK, scheme: "dark" });
    expect(await tooltipBackground(page)).toBe("rgb(244, 244, 245)");
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

  it("finds none with each overlay open, light: the menu, the popover, the tooltip, the dialog", async () => {
    const { page, problems } = await open();
    await page.click("#ui-menu > button");
    await page.waitForSelector("#ui-menu [role=menu]:not([hidden])");
    expect(await axe(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await page.waitForSelector("#ui-menu [role=menu]", { state: "hidden" });
    await page.click("#ui-popover-trigger");
    await page.waitForSelector("#ui-popover-panel:not([hidden])");
    expect(await axe(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await page.waitForSelector("#ui-popover-panel", { state: "hidden" });
    await page.hover("[data-testid=tooltip-button]");
    await page.waitForSelector("[role=tooltip]:not([hidden])");
    expect(await axe(page)).toEqual([]);
    await page.click("[data-testid=dialog-open]");
    await page.waitForSelector("#ui-dialog:not([hidden])");
    expect(
      await page.evaluate(() => document.querySelector(".demo")?.classList.contains("dark")),
    ).toBe(false);
    expect(await axe(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
