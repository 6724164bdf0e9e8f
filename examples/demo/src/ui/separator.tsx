// vango-ui separator 0.1.0 sha256-tkmTHAwqSFzOA7enllJBqLhVM3agyJ/Rzof5oDZ/IqY=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * Separator: a horizontal or vertical rule (`<hr>`). Decorative by default
 * (`role="none"`, nothing announced); `decorative={false}` keeps its `separator` role,
 * with `aria-orientation` when vertical.
 * @example <Separator orientation="vertical" decorative={false} />
 */
import type { JSX } from "vango";
import { cn } from "./cn.ts";

export type SeparatorProps = JSX.IntrinsicElements["hr"] & {
  orientation?: "horizontal" | "vertical";
  decorative?: boolean;
};

export function Separator(props: SeparatorProps) {
  const { orientation = "horizontal", decorative = true, class: cls, ...rest } = props;
  return (
    <hr
      {...rest}
      class={cn("vui-separator", cls)}
      data-orientation={orientation}
      role={decorative ? "none" : undefined}
      aria-orientation={!decorative && orientation === "vertical" ? "vertical" : undefined}
    />
  );
}
