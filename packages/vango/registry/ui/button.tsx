/**
 * Button: a native `<button>` (keyboard, focus and form submission for free) in one of
 * the shared variants and sizes. `loading` keeps it focusable but inert: it sets
 * `aria-busy` and `aria-disabled` and shows a spinner, so focus does not jump away the
 * way it does when a focused button becomes `disabled`.
 * @example <Button variant="outline" size="sm" onClick={save}>Save</Button>
 */
import type { JSX } from "vango";
import { cn } from "./cn.ts";
import { type Size, type Variant, variantClasses } from "./variants.ts";

export type ButtonProps = JSX.IntrinsicElements["button"] & {
  variant?: Variant;
  size?: Size;
  /** Shows a spinner and ignores clicks while true. */
  loading?: boolean;
};

export function Button(props: ButtonProps) {
  const {
    variant = "primary",
    size = "md",
    loading = false,
    type = "button",
    class: cls,
    children,
    onClick,
    ...rest
  } = props;
  return (
    <button
      {...rest}
      type={type}
      class={cn("vui-btn", variantClasses("vui-btn", variant, size), cls)}
      aria-busy={loading ? "true" : undefined}
      aria-disabled={loading ? "true" : rest["aria-disabled"]}
      onClick={loading ? undefined : onClick}
    >
      {loading && <span class="vui-spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
