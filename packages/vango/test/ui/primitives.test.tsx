/**
 * VangoUI's stateless components in a live test session: their markup (roles, ARIA
 * states, classes of each variant and size) and how they follow their props.
 */
import { type JSX, signal } from "vango";
import { mountTest } from "vango/testing";
import { describe, expect, test } from "vitest";
import { Avatar, initials } from "../../registry/ui/avatar.tsx";
import { Badge } from "../../registry/ui/badge.tsx";
import { Button } from "../../registry/ui/button.tsx";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "../../registry/ui/card.tsx";
import { Label } from "../../registry/ui/label.tsx";
import { Progress } from "../../registry/ui/progress.tsx";
import { Separator } from "../../registry/ui/separator.tsx";
import { Skeleton } from "../../registry/ui/skeleton.tsx";

function html(node: JSX.Element): string {
  const t = mountTest(() => node);
  const out = t.html().replace(/ data-hid="\d+"/g, "");
  t.dispose();
  return out;
}

describe("Button", () => {
  test("a type=button in the primary variant and md size by default", () => {
    expect(html(<Button>Save</Button>)).toBe(
      '<button type="button" class="vui-btn vui-btn--primary vui-btn--md">Save</button>',
    );
  });

  test("variant, size, type, extra class and attributes", () => {
    expect(
      html(
        <Button variant="destructive" size="lg" type="submit" class="wide" name="go" disabled>
          Delete
        </Button>,
      ),
    ).toBe(
      '<button name="go" disabled="" type="submit" class="vui-btn vui-btn--destructive vui-btn--lg wide">Delete</button>',
    );
  });

  test("loading: busy, aria-disabled, a spinner, and clicks ignored", async () => {
    const clicks = signal(0);
    const busy = signal(false);
    const t = mountTest(() => () => (
      <div>
        <Button loading={busy()} onClick={() => clicks.set(clicks() + 1)}>
          Send {clicks()}
        </Button>
        <button type="button" id="toggle" onClick={() => busy.set(!busy())} />
      </div>
    ));
    await t.click(".vui-btn");
    expect(t.find(".vui-btn").attrs["aria-busy"]).toBeUndefined();
    await t.click("#toggle");
    expect(t.html().replace(/ data-hid="\d+"/g, "")).toContain(
      '<button type="button" class="vui-btn vui-btn--primary vui-btn--md" aria-busy="true" aria-disabled="true">' +
        '<span class="vui-spinner" aria-hidden="true"></span>Send 1</button>',
    );
    // No listener while loading: the click reaches the div, which has none either.
    await expect(t.click(".vui-btn")).rejects.toMatchObject({ code: "no_listener" });
    t.dispose();
  });
});

describe("Badge, Label, Separator, Skeleton", () => {
  test("Badge variants", () => {
    expect(html(<Badge>New</Badge>)).toBe('<span class="vui-badge vui-badge--primary">New</span>');
    expect(html(<Badge variant="outline">Draft</Badge>)).toBe(
      '<span class="vui-badge vui-badge--outline">Draft</span>',
    );
  });

  test("Label: for, and a required marker hidden from assistive technology", () => {
    expect(
      html(
        <Label for="email" required>
          Email
        </Label>,
      ),
    ).toBe(
      '<label for="email" class="vui-label">Email<span class="vui-required" aria-hidden="true">*</span></label>',
    );
  });

  test("Separator: decorative by default, a vertical separator on request", () => {
    expect(html(<Separator />)).toBe(
      '<hr class="vui-separator" data-orientation="horizontal" role="none">',
    );
    expect(html(<Separator orientation="vertical" decorative={false} />)).toBe(
      '<hr class="vui-separator" data-orientation="vertical" aria-orientation="vertical">',
    );
  });

  test("Skeleton: hidden from assistive technology, sized by props", () => {
    expect(html(<Skeleton width="8rem" />)).toBe(
      '<span class="vui-skeleton" aria-hidden="true" style="width:8rem;height:1rem;"></span>',
    );
  });
});

describe("Card", () => {
  test("sections and a heading of the chosen level", () => {
    expect(
      html(
        <Card id="plan">
          <CardHeader>
            <CardTitle level={2}>Pro</CardTitle>
            <CardDescription>Monthly</CardDescription>
          </CardHeader>
          <CardContent>Body</CardContent>
          <CardFooter>Foot</CardFooter>
        </Card>,
      ),
    ).toBe(
      '<div id="plan" class="vui-card"><div class="vui-card__header">' +
        '<h2 class="vui-card__title">Pro</h2><p class="vui-card__description">Monthly</p></div>' +
        '<div class="vui-card__content">Body</div><div class="vui-card__footer">Foot</div></div>',
    );
  });
});

describe("Avatar", () => {
  test("a picture with the name as alt text", () => {
    expect(html(<Avatar name="Ada Lovelace" src="/ada.png" size="lg" />)).toBe(
      '<span class="vui-avatar vui-avatar--lg"><img src="/ada.png" alt="Ada Lovelace"></span>',
    );
  });

  test("initials as an image named by the name when there is no picture", () => {
    expect(html(<Avatar name="Grace Brewster Hopper" />)).toBe(
      '<span class="vui-avatar vui-avatar--md" role="img" aria-label="Grace Brewster Hopper"><span aria-hidden="true">GH</span></span>',
    );
    expect([initials("  ada "), initials(""), initials("élodie durand")]).toEqual(["A", "?", "ÉD"]);
  });
});

describe("Progress", () => {
  test("a determinate progressbar with its value, clamped to the range", () => {
    expect(html(<Progress label="Upload" value={42} />)).toBe(
      '<div class="vui-progress" role="progressbar" aria-label="Upload" aria-valuemin="0" aria-valuemax="100" aria-valuenow="42" aria-valuetext="42%" data-state="loading"><div class="vui-progress__bar" style="width:42%;"></div></div>',
    );
    expect(html(<Progress label="Done" value={15} max={10} />)).toContain(
      'aria-valuemax="10" aria-valuenow="10" aria-valuetext="100%" data-state="complete"',
    );
  });

  test("indeterminate without a value", () => {
    expect(html(<Progress label="Working" />)).toBe(
      '<div class="vui-progress" role="progressbar" aria-label="Working" aria-valuemin="0" aria-valuemax="100" data-state="indeterminate"><div class="vui-progress__bar"></div></div>',
    );
  });

  test("follows its value", async () => {
    const v = signal(10);
    const t = mountTest(() => () => (
      <div>
        <Progress label="Sync" value={v()} />
        <button type="button" onClick={() => v.set(60)} />
      </div>
    ));
    await t.click("button");
    expect(t.find("[role=progressbar]").attrs["aria-valuenow"]).toBe("60");
    t.dispose();
  });
});
