/**
 * Tabs in a live session: the WAI-ARIA markup (one tab stop on the list, the selected
 * tab as its active descendant, panels labelled by their tabs), arrow keys with
 * wrapping, Home/End, disabled tabs skipped, clicks; exact patches for a key press.
 */
import { NodeKind, PatchOp } from "vango/protocol";
import { mountTest } from "vango/testing";
import { expect, test } from "vitest";
import { Tabs } from "../../registry/ui/tabs.tsx";

const items = [
  { value: "account", label: "Account", content: "Account panel" },
  { value: "password", label: "Password", content: "Password panel" },
  { value: "old", label: "Old", content: "Old panel", disabled: true },
  { value: "billing", label: "Billing", content: "Billing panel" },
];

const strip = (s: string) => s.replace(/ data-hid="\d+"/g, "");

test("server-rendered markup: tablist, tabs and panels, the first tab selected", () => {
  const t = mountTest(() => <Tabs id="s" label="Settings" items={items.slice(0, 2)} />);
  expect(strip(t.html())).toBe(
    '<div class="vui-tabs" id="s">' +
      '<div role="tablist" aria-label="Settings" aria-orientation="horizontal" tabindex="0" aria-activedescendant="s-account-tab" class="vui-tabs__list" data-on="keydown.p.kArrowLeft|ArrowRight|Home|End">' +
      '<div role="tab" id="s-account-tab" class="vui-tabs__tab" aria-selected="true" aria-controls="s-account-panel" data-on="click">Account</div>' +
      '<div role="tab" id="s-password-tab" class="vui-tabs__tab" aria-selected="false" aria-controls="s-password-panel" data-on="click">Password</div></div>' +
      '<div role="tabpanel" id="s-account-panel" aria-labelledby="s-account-tab" tabindex="0" class="vui-tabs__panel">Account panel</div>' +
      '<div role="tabpanel" id="s-password-panel" aria-labelledby="s-password-tab" tabindex="0" class="vui-tabs__panel" hidden=""></div></div>',
  );
  t.dispose();
});

test("ArrowRight selects the next tab: exact patches", async () => {
  const t = mountTest(() => <Tabs id="s" label="Settings" items={items.slice(0, 2)} />);
  const [list, tab1, tab2] = ["[role=tablist]", "#s-account-tab", "#s-password-tab"].map(
    (s) => t.find(s).hid,
  );
  const [panel1, panel2] = ["#s-account-panel", "#s-password-panel"].map((s) => t.find(s).hid);
  expect(await t.key("[role=tablist]", "ArrowRight")).toEqual([
    { op: PatchOp.SetAttr, hid: list, name: "aria-activedescendant", value: "s-password-tab" },
    { op: PatchOp.SetAttr, hid: tab1, name: "aria-selected", value: "false" },
    { op: PatchOp.SetAttr, hid: tab2, name: "aria-selected", value: "true" },
    { op: PatchOp.SetAttr, hid: panel1, name: "hidden", value: "" },
    { op: PatchOp.Remove, parent: panel1, index: 0 },
    { op: PatchOp.RemoveAttr, hid: panel2, name: "hidden" },
    {
      op: PatchOp.Insert,
      parent: panel2,
      index: 0,
      node: { kind: NodeKind.Text, text: "Password panel" },
    },
  ]);
  t.dispose();
});

test("arrows wrap and skip disabled tabs; Home and End; clicks select; onValueChange", async () => {
  const changes: string[] = [];
  const t = mountTest(() => (
    <Tabs
      id="s"
      label="Settings"
      items={items}
      defaultValue="password"
      onValueChange={(v) => changes.push(v)}
    />
  ));
  const selected = () => t.find("[aria-selected=true]").attrs.id;
  const shown = () => t.findAll("[role=tabpanel]").filter((p) => p.attrs.hidden === undefined);
  expect(selected()).toBe("s-password-tab");
  await t.key("[role=tablist]", "ArrowRight");
  expect(selected()).toBe("s-billing-tab");
  await t.key("[role=tablist]", "ArrowRight");
  expect(selected()).toBe("s-account-tab");
  await t.key("[role=tablist]", "ArrowLeft");
  expect(selected()).toBe("s-billing-tab");
  await t.key("[role=tablist]", "Home");
  expect(selected()).toBe("s-account-tab");
  await t.key("[role=tablist]", "End");
  expect(selected()).toBe("s-billing-tab");
  expect(shown().map((p) => p.attrs.id)).toEqual(["s-billing-panel"]);
  await t.click("#s-account-tab");
  expect(selected()).toBe("s-account-tab");
  expect(t.find("[role=tablist]").attrs["aria-activedescendant"]).toBe("s-account-tab");
  // A disabled tab has no click listener: the click lands on the list, which has none.
  await expect(t.click("#s-old-tab")).rejects.toMatchObject({ code: "no_listener" });
  expect(t.find("#s-old-tab").attrs["aria-disabled"]).toBe("true");
  expect(changes).toEqual(["billing", "account", "billing", "account", "billing", "account"]);
  t.dispose();
});
