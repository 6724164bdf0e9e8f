// vango-ui utils 0.1.0 sha256-a3zQB8rXC+iyKBoRnQiFxU6hpPbYfzgA8AD7FARoqjQ=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * The variant and size names every VangoUI component shares, so a page can pass one
 * `variant`/`size` value to a button, a badge or a toast and get the matching look.
 */

/** Visual weight: `primary` for the main action, `destructive` for irreversible ones. */
export type Variant = "primary" | "secondary" | "outline" | "ghost" | "destructive";

/** Control size; `md` is the default everywhere. */
export type Size = "sm" | "md" | "lg";

/** The variants a status surface (badge, toast) can take: no `ghost`. */
export type Tone = Exclude<Variant, "ghost">;

/**
 * The BEM-style classes of a component's variant and size.
 * @example variantClasses("vui-btn", "outline", "sm"); // ["vui-btn--outline", "vui-btn--sm"]
 */
export function variantClasses(base: string, variant: string, size?: string): string[] {
  return size === undefined ? [`${base}--${variant}`] : [`${base}--${variant}`, `${base}--${size}`];
}
