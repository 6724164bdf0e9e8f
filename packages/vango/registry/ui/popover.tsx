/**
 * Popover: a button that shows a floating panel of server-rendered content, non-modal
 * (the panel is a `dialog` named by its button, not trapping focus). The built-in
 * `Popover` client hook (loaded on demand) toggles it on click, Enter or Space, keeps
 * `aria-expanded` (rendered `false`, with `aria-haspopup` and `aria-controls`) in step,
 * places the panel next to the button, and closes it on Escape (focus back on the
 * button) or a click outside.
 * @example
 * <Popover id="filters" trigger="Filters"><Checkbox label="Only open" … /></Popover>
 */
import type { VChild } from "vango";
import { hook } from "vango";
import { Button } from "./button.tsx";
import { cn } from "./cn.ts";
import type { Size, Variant } from "./variants.ts";

export interface PopoverProps {
  /** Prefix of the ids of the button and the panel. */
  id: string;
  /** The button's content (also the panel's name). */
  trigger: VChild;
  children?: VChild;
  variant?: Variant;
  size?: Size;
  /** Called with the panel's new state when it opens or closes. */
  onOpenChange?: (open: boolean) => void;
  class?: string;
}

export function Popover(props: PopoverProps) {
  return () => (
    <>
      <Button
        id={`${props.id}-trigger`}
        variant={props.variant ?? "outline"}
        size={props.size}
        aria-haspopup="dialog"
        aria-expanded="false"
        aria-controls={`${props.id}-panel`}
        {...hook("Popover", { panel: `${props.id}-panel` })}
        onOpenChange={
          props.onOpenChange === undefined
            ? undefined
            : (e: { detail: { open: boolean } }) => props.onOpenChange?.(e.detail.open)
        }
      >
        {props.trigger}
      </Button>
      <div
        id={`${props.id}-panel`}
        role="dialog"
        aria-labelledby={`${props.id}-trigger`}
        class={cn("vui-popover", props.class)}
        hidden
      >
        {props.children}
      </div>
    </>
  );
}
