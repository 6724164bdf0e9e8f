/**
 * Dialog: a modal dialog (WAI-ARIA Dialog pattern) whose visibility is server state —
 * the page holds `open` and renders it; the built-in `Dialog` client hook (loaded on
 * demand) does what only a browser can: moves focus into the dialog when it opens,
 * keeps Tab inside it, sends Escape (and a click on the backdrop) as a dismiss, and
 * returns focus to the element that opened it when it closes.
 * @example
 * const open = signal(false);
 * <Button onClick={() => open.set(true)}>Rename…</Button>
 * <Dialog id="rename" open={open()} onOpenChange={(v) => open.set(v)} title="Rename"
 *   footer={<Button onClick={save}>Save</Button>}>…</Dialog>
 */
import type { VChild } from "vango";
import { hook } from "vango";
import { Button } from "./button.tsx";
import { cn } from "./cn.ts";

export interface DialogProps {
  /** Prefix of the ids of the title and description. */
  id: string;
  open: boolean;
  /** Called with false on Escape, on the close button and (by default) on the backdrop. */
  onOpenChange: (open: boolean) => void;
  title: VChild;
  description?: VChild;
  children?: VChild;
  /** Actions at the bottom (buttons). */
  footer?: VChild;
  /** A click outside the dialog's box closes it (default true). */
  dismissOnBackdrop?: boolean;
  /** The close button's accessible name (default "Close"). */
  closeLabel?: string;
  class?: string;
}

export function Dialog(props: DialogProps) {
  const close = () => props.onOpenChange(false);
  return () => (
    <div
      id={props.id}
      class="vui-dialog-overlay"
      role="dialog"
      aria-modal="true"
      aria-labelledby={`${props.id}-title`}
      aria-describedby={props.description === undefined ? undefined : `${props.id}-description`}
      hidden={!props.open}
      {...hook("Dialog", { open: props.open, dismissOnBackdrop: props.dismissOnBackdrop ?? true })}
      onDismiss={close}
    >
      <div class={cn("vui-dialog", props.class)}>
        <h2 id={`${props.id}-title`} class="vui-dialog__title">
          {props.title}
        </h2>
        {props.description !== undefined && (
          <p id={`${props.id}-description`} class="vui-dialog__description">
            {props.description}
          </p>
        )}
        {props.children}
        {props.footer !== undefined && <div class="vui-dialog__footer">{props.footer}</div>}
        <Button
          variant="ghost"
          size="sm"
          class="vui-dialog__close"
          aria-label={props.closeLabel ?? "Close"}
          onClick={close}
        >
          <span aria-hidden="true">×</span>
        </Button>
      </div>
    </div>
  );
}
