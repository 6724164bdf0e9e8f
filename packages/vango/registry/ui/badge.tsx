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
