/**
 * Dialog, DropdownMenu, Popover and Tooltip on the server: the markup and ARIA they
 * render, the client hook each names (with its options), and the server side of their
 * events (dismiss, item selection, open changes). The browser half runs in the demo's
 * Chromium tests.
 */
import { signal } from "vango";
import { EventType } from "vango/protocol";
import { mountTest } from "vango/testing";
import { describe, expect, test } from "vitest";
import { Button } from "../../registry/ui/button.tsx";
import { Dialog } from "../../registry/ui/dialog.tsx";
import { DropdownMenu } from "../../registry/ui/dropdown-menu.tsx";
import { Popover } from "../../registry/ui/popover.tsx";
import { tooltip } from "../../registry/ui/tooltip.tsx";

const strip = (s: string) => s.replace(/ data-hid="\d+"/g, "");

describe("Dialog", () => {
  function Page() {
    const open = signal(false);
    return () => (
      <div>
        <Button id="open" onClick={() => open.set(true)}>
          Rename…
        </Button>
        <Dialog
          id="rename"
          open={open()}
          onOpenChange={(v) => open.set(v)}
          title="Rename"
          description="Give the file a new name."
          footer={<Button onClick={() => open.set(false)}>Save</Button>}
        >
          <p>Body</p>
        </Dialog>
      </div>
    );
  }

  test("closed: hidden, modal, named and described, the Dialog hook with open false", () => {
    const t = mountTest(Page);
    expect(strip(t.html())).toContain(
      '<div id="rename" class="vui-dialog-overlay" role="dialog" aria-modal="true" aria-labelledby="rename-title" aria-describedby="rename-description" hidden="" data-vh="Dialog" data-vh-o="{&quot;open&quot;:false,&quot;dismissOnBackdrop&quot;:true}" data-on="dismiss">' +
        '<div class="vui-dialog"><h2 id="rename-title" class="vui-dialog__title">Rename</h2>' +
        '<p id="rename-description" class="vui-dialog__description">Give the file a new name.</p><p>Body</p>' +
        '<div class="vui-dialog__footer"><button type="button" class="vui-btn vui-btn--primary vui-btn--md" data-on="click">Save</button></div>' +
        '<button aria-label="Close" type="button" class="vui-btn vui-btn--ghost vui-btn--sm vui-dialog__close" data-on="click"><span aria-hidden="true">×</span></button></div></div>',
    );
    t.dispose();
  });

  test("opening shows it and tells the hook; a dismiss (Escape, backdrop) closes it", async () => {
    const t = mountTest(Page);
    await t.click("#open");
    expect(t.find("#rename").attrs.hidden).toBeUndefined();
    expect(t.find("#rename").attrs["data-vh-o"]).toBe('{"open":true,"dismissOnBackdrop":true}');
    // What the Dialog hook sends on Escape or a click on the backdrop.
    await t.fire(t.find("#rename").hid, { type: EventType.Hook, name: "dismiss", payload: null });
    expect(t.find("#rename").attrs.hidden).toBe("");
    await t.click("#open");
    await t.click(".vui-dialog__close");
    expect(t.find("#rename").attrs.hidden).toBe("");
    t.dispose();
  });
});

describe("DropdownMenu", () => {
  test("a menu button: the Dropdown hook, the button's ARIA in the HTML, a hidden named menu of menuitems; items run on the server", async () => {
    const picked = signal("none");
    const opened: boolean[] = [];
    const t = mountTest(() => () => (
      <div>
        <DropdownMenu
          label="Sort"
          menuLabel="Sort order"
          onOpenChange={(o) => opened.push(o)}
          items={[
            { label: "Newest", onSelect: () => picked.set("newest") },
            { label: "Oldest", onSelect: () => picked.set("oldest"), disabled: true },
            { label: "Delete", onSelect: () => picked.set("deleted"), variant: "destructive" },
          ]}
        />
        <output>{picked()}</output>
      </div>
    ));
    expect(strip(t.html())).toBe(
      '<div><div class="vui-dropdown" data-vh="Dropdown" data-on="openchange">' +
        '<button aria-haspopup="menu" aria-expanded="false" type="button" class="vui-btn vui-btn--outline vui-btn--md">Sort<span aria-hidden="true">▾</span></button>' +
        '<div role="menu" aria-label="Sort order" class="vui-menu" hidden="">' +
        '<button type="button" role="menuitem" tabindex="-1" class="vui-menu__item" data-on="click">Newest</button>' +
        '<button type="button" role="menuitem" tabindex="-1" class="vui-menu__item" aria-disabled="true">Oldest</button>' +
        '<button type="button" role="menuitem" tabindex="-1" class="vui-menu__item vui-menu__item--destructive" data-on="click">Delete</button>' +
        "</div></div><output>none</output></div>",
    );
    const items = t.findAll("[role=menuitem]");
    await t.click(items[2]!.hid);
    expect(t.find("output").children[0]).toMatchObject({ text: "deleted" });
    await t.fire(t.find(".vui-dropdown").hid, {
      type: EventType.Hook,
      name: "openchange",
      payload: { open: true },
    });
    expect(opened).toEqual([true]);
    t.dispose();
  });

  test("with an id, the button controls the menu by id before any script runs", () => {
    const t = mountTest(() => (
      <DropdownMenu id="sort" label="Sort" menuLabel="Sort order" items={[]} />
    ));
    expect(t.find("#sort button").attrs).toMatchObject({
      "aria-haspopup": "menu",
      "aria-expanded": "false",
      "aria-controls": "sort-menu",
    });
    expect(t.find("#sort-menu").attrs.role).toBe("menu");
    t.dispose();
  });
});

describe("Popover and tooltip", () => {
  test("Popover: a button with the hook naming its panel and its ARIA in the HTML; the panel a hidden dialog named by the button", () => {
    const t = mountTest(() => (
      <Popover id="filters" trigger="Filters">
        <p>Only open ones</p>
      </Popover>
    ));
    expect(strip(t.html())).toBe(
      '<button id="filters-trigger" aria-haspopup="dialog" aria-expanded="false" aria-controls="filters-panel" data-vh="Popover" data-vh-o="{&quot;panel&quot;:&quot;filters-panel&quot;}" type="button" class="vui-btn vui-btn--outline vui-btn--md">Filters</button>' +
        '<div id="filters-panel" role="dialog" aria-labelledby="filters-trigger" class="vui-popover" hidden=""><p>Only open ones</p></div>',
    );
    t.dispose();
  });

  test("Popover: the hook's openchange reaches onOpenChange on the server with the new state", async () => {
    const changes: boolean[] = [];
    const t = mountTest(() => () => (
      <Popover id="filters" trigger="Filters" onOpenChange={(o) => changes.push(o)}>
        <p>Only open ones</p>
      </Popover>
    ));
    const trigger = t.find("#filters-trigger");
    expect(trigger.attrs["data-on"]).toBe("openchange");
    for (const open of [true, false]) {
      await t.fire(trigger.hid, { type: EventType.Hook, name: "openchange", payload: { open } });
    }
    expect(changes).toEqual([true, false]);
    // Without onOpenChange the button listens to nothing: the hook sends nothing.
    const quiet = mountTest(() => <Popover id="q" trigger="Q" />);
    expect(quiet.find("#q-trigger").attrs["data-on"]).toBeUndefined();
    quiet.dispose();
    t.dispose();
  });

  test("tooltip(): the Tooltip hook's attributes with the text (and above)", () => {
    expect(tooltip("Copies the link")).toEqual({
      "data-vh": "Tooltip",
      "data-vh-o": '{"text":"Copies the link"}',
    });
    expect(tooltip("Up", { above: true })["data-vh-o"]).toBe('{"text":"Up","above":true}');
  });
});
