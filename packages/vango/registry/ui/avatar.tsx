/**
 * Avatar: a person's picture, or their initials when there is none. The name is the
 * accessible text either way (`alt`, or `role="img"` with `aria-label`).
 * @example <Avatar name="Ada Lovelace" src="/ada.jpg" size="lg" />
 */
import { cn } from "./cn.ts";
import type { Size } from "./variants.ts";

export interface AvatarProps {
  name: string;
  src?: string;
  size?: Size;
  class?: string;
}

/** Up to two initials: the first letters of the first and last words. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = [...words[0]!][0] ?? "";
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? "") : "";
  return (first + last).toUpperCase();
}

export function Avatar(props: AvatarProps) {
  const { name, src, size = "md" } = props;
  const cls = cn("vui-avatar", `vui-avatar--${size}`, props.class);
  if (src !== undefined) {
    return (
      <span class={cls}>
        <img src={src} alt={name} />
      </span>
    );
  }
  return (
    <span class={cls} role="img" aria-label={name}>
      <span aria-hidden="true">{initials(name)}</span>
    </span>
  );
}
