// vango-ui badge 0.1.0 sha256-BhRe8IJ4rnAl2c8bUrQcpGK3f+yK6iJFqA/Ex7YPx0E=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * Badge: a short status label. Decorative colour only: the text carries the meaning.
 * @example <Badge variant="destructive">Failed</Badge>
 */
import type { JSX } from "vango";
import { cn } from "./cn.ts";
import { type Tone, variantClasses } from "./variants.ts";

export type BadgeProps = JSX.IntrinsicElements["span"] & { variant?: Tone };

export function Badge(props: BadgeProps) {
  const { variant = "primary", class: cls, ...rest } = props;
  return <span class={cn("vui-badge", variantClasses("vui-badge", variant), cls)} {...rest} />;
}
