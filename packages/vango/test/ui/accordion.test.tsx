/**
 * Accordion in a live session: headings holding buttons with aria-expanded and
 * aria-controls, regions labelled by their buttons and hidden when closed; single and
 * multiple modes; disabled items; the `Accordion` hook named on the wrapper (the arrow
 * keys run in the browser: the demo's Chromium tests).
 */
import { mountTest } from "vango/testing";
import { expect, test } from "vitest";
import { Accordion } from "../../registry/ui/accordion.tsx";

const items = [
  { value: "ship", title: "Shipping", content: "2–3 days" },
  { value: "returns", title: "Returns", content: "30 days" },
  { value: "gone", title: "Discontinued", content: "—", disabled: true },
];
const strip = (s: string) => s.replace(/ data-hid="\d+"/g, "");

test("server-rendered: one item open by default, heading level 2; the Accordion hook for the arrow keys", () => {
  const t = mountTest(() => (
    <Accordion id="faq" items={items.slice(0, 2)} defaultOpen={["ship"]} headingLevel={2} />
  ));
  expect(strip(t.html())).toBe(
    '<div class="vui-accordion" id="faq" data-vh="Accordion">' +
      '<div class="vui-accordion__item" data-state="open"><h2 class="vui-accordion__heading">' +
      '<button type="button" id="faq-ship-trigger" class="vui-accordion__trigger" aria-expanded="true" aria-controls="faq-ship-panel" data-on="click">Shipping</button></h2>' +
      '<section id="faq-ship-panel" aria-labelledby="faq-ship-trigger" class="vui-accordion__panel">2–3 days</section></div>' +
      '<div class="vui-accordion__item" data-state="closed"><h2 class="vui-accordion__heading">' +
      '<button type="button" id="faq-returns-trigger" class="vui-accordion__trigger" aria-expanded="false" aria-controls="faq-returns-panel" data-on="click">Returns</button></h2>' +
      '<section id="faq-returns-panel" aria-labelledby="faq-returns-trigger" class="vui-accordion__panel" hidden="">30 days</section></div></div>',
  );
  t.dispose();
});

test("single: opening one closes the other; clicking the open one closes it", async () => {
  const t = mountTest(() => <Accordion id="faq" items={items} />);
  const expanded = () => t.findAll(".vui-accordion__trigger").map((b) => b.attrs["aria-expanded"]);
  expect(expanded()).toEqual(["false", "false", "false"]);
  await t.click("#faq-ship-trigger");
  expect(expanded()).toEqual(["true", "false", "false"]);
  expect(t.find("#faq-ship-panel").attrs.hidden).toBeUndefined();
  await t.click("#faq-returns-trigger");
  expect(expanded()).toEqual(["false", "true", "false"]);
  expect(t.find("#faq-ship-panel").attrs.hidden).toBe("");
  await t.click("#faq-returns-trigger");
  expect(expanded()).toEqual(["false", "false", "false"]);
  // A disabled item's button is aria-disabled and listens to nothing.
  expect(t.find("#faq-gone-trigger").attrs["aria-disabled"]).toBe("true");
  await expect(t.click("#faq-gone-trigger")).rejects.toMatchObject({ code: "no_listener" });
  t.dispose();
});

test("multiple: items open independently", async () => {
  const t = mountTest(() => <Accordion id="faq" type="multiple" items={items.slice(0, 2)} />);
  await t.click("#faq-ship-trigger");
  await t.click("#faq-returns-trigger");
  expect(t.findAll("[aria-expanded=true]").map((b) => b.attrs.id)).toEqual([
    "faq-ship-trigger",
    "faq-returns-trigger",
  ]);
  t.dispose();
});
