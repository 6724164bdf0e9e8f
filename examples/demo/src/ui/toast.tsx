// vango-ui toast 0.1.0 sha256-121wkNz6QvqS93Vh4o5koBuoMyGZI4WN2zEf+0NhADU=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * Toast: short notices in live regions that are on the page before any toast — a
 * polite list, and an assertive one for destructive toasts (two sibling lists, never a
 * region nested in another, which screen readers may announce twice or not at all) —
 * each with a dismiss button, gone on their own after `duration` ms. The queue is server
 * state: `createToasts()` in a page's or layout's setup, `show()` from any handler,
 * `<Toaster toasts={…} />` once on the page. Toasts are not checkpointed (a page
 * rebuilt after a restart starts without them) and their timers stop with the owner.
 * @example
 * const toasts = createToasts();
 * <Button onClick={() => toasts.show({ title: "Saved" })}>Save</Button>
 * <Toaster toasts={toasts} />
 */
import { onCleanup, signal } from "vango";
import { Button } from "./button.tsx";
import { cn } from "./cn.ts";
import type { Tone } from "./variants.ts";

export interface ToastInput {
  title: string;
  description?: string;
  variant?: Tone;
  /** Milliseconds on show; 0 keeps it until dismissed. Default 5000. */
  duration?: number;
}

export interface ToastItem {
  readonly id: number;
  readonly title: string;
  readonly description: string | undefined;
  readonly variant: Tone;
}

export interface Toasts {
  /** The toasts on show, oldest first (tracked). */
  list(): readonly ToastItem[];
  /** Shows a toast; returns its id. */
  show(toast: ToastInput): number;
  dismiss(id: number): void;
}

export interface CreateToastsOptions {
  /** At most this many on show; the oldest goes first (default 3). */
  limit?: number;
}

/** A toast queue owned by the calling component (call in setup). */
export function createToasts(options: CreateToastsOptions = {}): Toasts {
  const limit = options.limit ?? 3;
  const items = signal<readonly ToastItem[]>([], { transient: true });
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let nextId = 0;
  const dismiss = (id: number) => {
    const t = timers.get(id);
    if (t !== undefined) clearTimeout(t);
    timers.delete(id);
    items.set(items().filter((x) => x.id !== id));
  };
  onCleanup(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  });
  return {
    list: () => items(),
    dismiss,
    show(input) {
      const id = ++nextId;
      const item: ToastItem = {
        id,
        title: input.title,
        description: input.description,
        variant: input.variant ?? "primary",
      };
      const kept = items();
      for (const old of kept.slice(0, Math.max(0, kept.length - limit + 1))) dismiss(old.id);
      items.set([...items(), item]);
      const duration = input.duration ?? 5000;
      if (duration > 0)
        timers.set(
          id,
          setTimeout(() => dismiss(id), duration),
        );
      return id;
    },
  };
}

export interface ToasterProps {
  toasts: Toasts;
  /** The region's name (default "Notifications"). */
  label?: string;
  class?: string;
}

export function Toaster(props: ToasterProps) {
  const item = (t: ToastItem) => (
    <li key={t.id} class={cn("vui-toast", `vui-toast--${t.variant}`)} data-testid="toast">
      <div class="vui-toast__body">
        <span class="vui-toast__title">{t.title}</span>
        {t.description !== undefined && <span class="vui-toast__description">{t.description}</span>}
      </div>
      <Button
        variant="ghost"
        size="sm"
        aria-label={`Dismiss: ${t.title}`}
        onClick={() => props.toasts.dismiss(t.id)}
      >
        <span aria-hidden="true">×</span>
      </Button>
    </li>
  );
  return () => {
    const all = props.toasts.list();
    return (
      <section aria-label={props.label ?? "Notifications"} class={cn("vui-toaster", props.class)}>
        <ol class="vui-toaster__list" aria-live="polite">
          {all.filter((t) => t.variant !== "destructive").map(item)}
        </ol>
        <ol class="vui-toaster__list" aria-live="assertive">
          {all.filter((t) => t.variant === "destructive").map(item)}
        </ol>
      </section>
    );
  };
}
