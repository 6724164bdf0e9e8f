// vango-ui utils 0.1.0 sha256-WkM3zNvEs/F7z8GRbrxQMst9YAGxjeVjSFPrZWiC/ms=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * `cn()`: joins class values the way the `class` prop reads them (strings, nested
 * arrays, `{ name: condition }` records), dropping falsy parts and repeated names, so a
 * component's own classes and the caller's `class` merge into one attribute.
 */

/** A class name, a list of them, or a record of names switched on by a condition. */
export type ClassValue =
  | string
  | number
  | false
  | null
  | undefined
  | readonly ClassValue[]
  | Readonly<Record<string, boolean | null | undefined>>;

function collect(value: ClassValue, out: string[], seen: Set<string>): void {
  if (value === false || value === null || value === undefined || value === "") return;
  if (typeof value === "string" || typeof value === "number") {
    for (const name of String(value).split(/\s+/)) {
      if (name !== "" && !seen.has(name)) {
        seen.add(name);
        out.push(name);
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value as readonly ClassValue[]) collect(v, out, seen);
    return;
  }
  for (const [name, on] of Object.entries(value)) if (on) collect(name, out, seen);
}

/**
 * @example
 * cn("vui-btn", { "vui-btn--busy": busy }, props.class); // "vui-btn vui-btn--busy extra"
 */
export function cn(...values: ClassValue[]): string {
  const out: string[] = [];
  collect(values, out, new Set());
  return out.join(" ");
}

/** Ids joined for `aria-describedby` / `aria-labelledby`; undefined when there are none. */
export function ids(...list: (string | false | null | undefined)[]): string | undefined {
  const kept = list.filter((x): x is string => typeof x === "string" && x !== "");
  return kept.length === 0 ? undefined : kept.join(" ");
}
