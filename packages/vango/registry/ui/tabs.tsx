/**
 * Tabs (WAI-ARIA Tabs pattern, automatic activation). The tab list is the one tab stop:
 * it holds focus and points at the selected tab with `aria-activedescendant`, so the
 * arrow keys need no browser code — Left/Right (wrapping) and Home/End are sent to the
 * server, which selects the tab and shows its panel. Clicking a tab selects it too.
 * Panels are `tabpanel`s labelled by their tab and focusable (Tab from the list moves
 * into the shown panel).
 * @example
 * <Tabs id="settings" label="Settings" items={[
 *   { value: "account", label: "Account", content: <AccountForm /> },
 *   { value: "billing", label: "Billing", content: <Billing /> },
 * ]} />
 */
import type { KeyEventPayload, VChild } from "vango";
import { on, signal } from "vango";
import { cn } from "./cn.ts";

export interface TabItem {
  readonly value: string;
  readonly label: VChild;
  readonly content: VChild;
  readonly disabled?: boolean;
}

export interface TabsProps {
  /** Prefix of the ids of the tabs and panels. */
  id: string;
  /** Accessible name of the tab list. */
  label: string;
  items: readonly TabItem[];
  /** The tab selected at first (default: the first enabled one). */
  defaultValue?: string;
  /** Called with the newly selected tab's value. */
  onValueChange?: (value: string) => void;
  class?: string;
}

const KEYS = ["ArrowLeft", "ArrowRight", "Home", "End"];

export function Tabs(props: TabsProps) {
  const firstEnabled = () => props.items.find((t) => !t.disabled)?.value ?? "";
  const selected = signal(props.defaultValue ?? firstEnabled());
  const select = (value: string) => {
    if (value === selected()) return;
    selected.set(value);
    props.onValueChange?.(value);
  };
  const onKey = on(
    (e: KeyEventPayload) => {
      const enabled = props.items.filter((t) => !t.disabled);
      if (enabled.length === 0) return;
      const at = enabled.findIndex((t) => t.value === selected());
      const n = enabled.length;
      const next =
        e.key === "Home"
          ? 0
          : e.key === "End"
            ? n - 1
            : e.key === "ArrowRight"
              ? (at + 1) % n
              : (at - 1 + n) % n;
      select(enabled[next]!.value);
    },
    { keys: KEYS, prevent: true },
  );
  return () => {
    const part = (value: string) => `${props.id}-${value.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    const current = selected();
    return (
      <div class={cn("vui-tabs", props.class)} id={props.id}>
        {/* biome-ignore lint/a11y/useAriaActivedescendantWithTabindex: it is tabbable (tabindex 0; the rule looks for tabIndex) */}
        <div
          role="tablist"
          aria-label={props.label}
          aria-orientation="horizontal"
          tabindex={0}
          aria-activedescendant={`${part(current)}-tab`}
          class="vui-tabs__list"
          onKeyDown={onKey}
        >
          {props.items.map((t) => (
            // biome-ignore lint/a11y/useFocusableInteractive: the list keeps focus and points here with aria-activedescendant
            // biome-ignore lint/a11y/useKeyWithClickEvents: the list's keydown handler selects tabs from the keyboard
            <div
              key={t.value}
              role="tab"
              id={`${part(t.value)}-tab`}
              class="vui-tabs__tab"
              aria-selected={t.value === current}
              aria-controls={`${part(t.value)}-panel`}
              aria-disabled={t.disabled ? "true" : undefined}
              onClick={t.disabled ? undefined : () => select(t.value)}
            >
              {t.label}
            </div>
          ))}
        </div>
        {props.items.map((t) => (
          <div
            key={t.value}
            role="tabpanel"
            id={`${part(t.value)}-panel`}
            aria-labelledby={`${part(t.value)}-tab`}
            tabindex={0}
            class="vui-tabs__panel"
            hidden={t.value !== current}
          >
            {t.value === current ? t.content : null}
          </div>
        ))}
      </div>
    );
  };
}
