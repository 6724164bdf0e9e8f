/**
 * Label: a `<label>` for a control (`for` its id); `required` adds a marker that is
 * hidden from assistive technology (the control's own `required` says it to them).
 * @example <Label for="email" required>Email</Label>
 */
import type { JSX } from "vango";
import { cn } from "./cn.ts";

export type LabelProps = JSX.IntrinsicElements["label"] & { required?: boolean };

export function Label(props: LabelProps) {
  const { required = false, class: cls, children, ...rest } = props;
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the caller gives `for` (or nests the control) through the props
    <label {...rest} class={cn("vui-label", cls)}>
      {children}
      {required && (
        <span class="vui-required" aria-hidden="true">
          *
        </span>
      )}
    </label>
  );
}
