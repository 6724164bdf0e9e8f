/**
 * DropdownMenu: a menu button (WAI-ARIA Menu Button pattern). The server renders the
 * button (`aria-haspopup`, `aria-expanded`, and with an `id` also `aria-controls`) and
 * the `menu` of `menuitem`s (hidden); the built-in `Dropdown` client hook (loaded on
 * demand) opens it from the button (click, Enter, Space, ArrowDown; ArrowUp for the last
 * item), moves focus with the arrows, Home, End and type-ahead — disabled items too,
 * which do nothing when chosen —, closes on Escape with focus back on the button, and on
 * Tab or a click outside. Choosing an item runs its `onSelect` on the server.
 * @example
 * <DropdownMenu label="Sort" menuLabel="Sort order" items={[
 *   { label: "Newest", onSelect: () => sort.set("newest") },
 *   { label: "Delete all", onSelect: clear, variant: "destructive" },
 * ]} />
 */
import type { VChild } from "vango";
import { hook } from "vango";
import { Button } from "./button.tsx";
import { cn } from "./cn.ts";
import type { Size, Variant } from "./variants.ts";

export interface MenuItem {
  readonly label: VChild;
  readonly onSelect: () => void;
  readonly disabled?: boolean;
  readonly variant?: "destructive";
  /** Identity among the items (default: the index). */
  readonly key?: string;
}

export interface DropdownMenuProps {
  /** The button's content. */
  label: VChild;
  /** The menu's accessible name. */
  menuLabel: string;
  items: readonly MenuItem[];
  /** The button's look (default `outline`). */
  variant?: Variant;
  size?: Size;
  /** Called with the menu's new state when it opens or closes. */
  onOpenChange?: (open: boolean) => void;
  /** The wrapper's id; the menu's is this with `-menu` (without it, the hook names the menu). */
  id?: string;
  class?: string;
}

export function DropdownMenu(props: DropdownMenuProps) {
  return () => {
    const menuId = props.id === undefined ? undefined : `${props.id}-menu`;
    return (
      <div
        id={props.id}
        class={cn("vui-dropdown", props.class)}
        {...hook("Dropdown")}
        onOpenChange={
          props.onOpenChange === undefined
            ? undefined
            : (e: { detail: { open: boolean } }) => props.onOpenChange?.(e.detail.open)
        }
      >
        {/* Closed as the server renders it: the hook keeps aria-expanded in step in the browser. */}
        <Button
          variant={props.variant ?? "outline"}
          size={props.size}
          aria-haspopup="menu"
          aria-expanded="false"
          aria-controls={menuId}
        >
          {props.label}
          <span aria-hidden="true">▾</span>
        </Button>
        <div id={menuId} role="menu" aria-label={props.menuLabel} class="vui-menu" hidden>
          {props.items.map((item, i) => (
            <button
              key={item.key ?? i}
              type="button"
              role="menuitem"
              tabindex={-1}
              class={cn("vui-menu__item", {
                "vui-menu__item--destructive": item.variant === "destructive",
              })}
              aria-disabled={item.disabled ? "true" : undefined}
              onClick={item.disabled ? undefined : item.onSelect}
            >
              {item.label}
            </button>
          ))}
        </div>
      </div>
    );
  };
}
