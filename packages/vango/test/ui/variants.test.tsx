/**
 * The shared `variant`/`size` props are checked at compile time: `tsc` (the repo's
 * typecheck covers this file) fails if any `@ts-expect-error` below stops hitting an
 * error, i.e. if a component starts accepting a value outside its set. The runtime part
 * only makes sure the accepted values render.
 */
import type { JSX } from "vango";
import { mountTest } from "vango/testing";
import { describe, expect, expectTypeOf, test } from "vitest";
import { Avatar } from "../../registry/ui/avatar.tsx";
import { Badge } from "../../registry/ui/badge.tsx";
import { Button } from "../../registry/ui/button.tsx";
import { DropdownMenu } from "../../registry/ui/dropdown-menu.tsx";
import { Input } from "../../registry/ui/input.tsx";
import { Popover } from "../../registry/ui/popover.tsx";
import type { ToastInput } from "../../registry/ui/toast.tsx";
import type { Size, Tone, Variant } from "../../registry/ui/variants.ts";

const html = (node: JSX.Element) => {
  const t = mountTest(() => node);
  const out = t.html();
  t.dispose();
  return out;
};

describe("variant and size types", () => {
  test("the sets: five variants, three sizes; a Tone is a variant without ghost", () => {
    expectTypeOf<Variant>().toEqualTypeOf<
      "primary" | "secondary" | "outline" | "ghost" | "destructive"
    >();
    expectTypeOf<Size>().toEqualTypeOf<"sm" | "md" | "lg">();
    expectTypeOf<Tone>().toEqualTypeOf<"primary" | "secondary" | "outline" | "destructive">();
  });

  test("Button: a variant or size outside the sets does not compile", () => {
    const ok = <Button variant="ghost" size="lg" />;
    // @ts-expect-error "huge" is not a Variant
    const huge = <Button variant="huge" />;
    // @ts-expect-error "xl" is not a Size
    const xl = <Button size="xl" />;
    expect(html(ok)).toContain("vui-btn--ghost vui-btn--lg");
    expect([huge, xl]).toHaveLength(2);
  });

  test("Badge takes a Tone: ghost (a Variant) and unknown names do not compile", () => {
    const ok = <Badge variant="outline">Draft</Badge>;
    // @ts-expect-error ghost is a Variant but not a Tone
    const ghost = <Badge variant="ghost">Draft</Badge>;
    // @ts-expect-error "huge" is not a Tone
    const huge = <Badge variant="huge">Draft</Badge>;
    // @ts-expect-error a badge has no size
    const sized = <Badge size="sm">Draft</Badge>;
    expect(html(ok)).toContain("vui-badge--outline");
    expect([ghost, huge, sized]).toHaveLength(3);
  });

  test("the other components that take them: Input, Avatar, DropdownMenu, Popover, toasts", () => {
    // @ts-expect-error "xl" is not a Size (not the native input's numeric size either)
    const input = <Input size="xl" />;
    // @ts-expect-error "xl" is not a Size
    const avatar = <Avatar name="Ada" size="xl" />;
    // @ts-expect-error "huge" is not a Variant
    const menu = <DropdownMenu label="Sort" menuLabel="Sort" items={[]} variant="huge" />;
    // @ts-expect-error "xl" is not a Size
    const popover = <Popover id="p" trigger="Open" size="xl" />;
    // @ts-expect-error a toast's variant is a Tone: no ghost
    const toast: ToastInput = { title: "Saved", variant: "ghost" };
    expect([input, avatar, menu, popover, toast]).toHaveLength(5);
  });
});
