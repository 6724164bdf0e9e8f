// vango-ui accordion 0.1.0 sha256-414NdN9t6jRS75uCdZmZNzqR7YDLDIVXKw0hgvUrg6o=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * Accordion (WAI-ARIA Accordion pattern): each header is a heading holding a `<button>`
 * with `aria-expanded` and `aria-controls`; each panel a `<section>` (a region) labelled
 * by its button, `hidden` when closed. Enter and Space toggle (native buttons); which panels
 * are open is server state, kept with the session. The built-in `Accordion` client hook
 * (loaded on demand) adds the pattern's optional keys: ArrowDown/ArrowUp move focus to the
 * next/previous header, Home/End to the first/last.
 * @example
 * <Accordion id="faq" items={[{ value: "ship", title: "Shipping", content: <p>2–3 days.</p> }]} />
 */
import type { VChild } from "vango";
import { hook, signal } from "vango";
import { cn } from "./cn.ts";

export interface AccordionItem {
  readonly value: string;
  readonly title: VChild;
  readonly content: VChild;
  readonly disabled?: boolean;
}

export interface AccordionProps {
  /** Prefix of the ids of the buttons and panels. */
  id: string;
  items: readonly AccordionItem[];
  /** `single`: opening one closes the others (default); `multiple`: independent. */
  type?: "single" | "multiple";
  /** Values open at first. */
  defaultOpen?: readonly string[];
  /** Heading level of the headers (default 3). */
  headingLevel?: 2 | 3 | 4 | 5 | 6;
  class?: string;
}

export function Accordion(props: AccordionProps) {
  const open = signal<readonly string[]>(props.defaultOpen ?? []);
  const toggle = (value: string) => {
    const now = open();
    if (now.includes(value)) open.set(now.filter((v) => v !== value));
    else open.set(props.type === "multiple" ? [...now, value] : [value]);
  };
  return () => {
    const Heading = `h${props.headingLevel ?? 3}` as "h2" | "h3" | "h4" | "h5" | "h6";
    const part = (value: string) => `${props.id}-${value.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    return (
      <div class={cn("vui-accordion", props.class)} id={props.id} {...hook("Accordion")}>
        {props.items.map((item) => {
          const expanded = open().includes(item.value);
          const trigger = `${part(item.value)}-trigger`;
          const panel = `${part(item.value)}-panel`;
          return (
            <div
              key={item.value}
              class="vui-accordion__item"
              data-state={expanded ? "open" : "closed"}
            >
              <Heading class="vui-accordion__heading">
                <button
                  type="button"
                  id={trigger}
                  class="vui-accordion__trigger"
                  aria-expanded={expanded}
                  aria-controls={panel}
                  aria-disabled={item.disabled ? "true" : undefined}
                  onClick={item.disabled ? undefined : () => toggle(item.value)}
                >
                  {item.title}
                </button>
              </Heading>
              <section
                id={panel}
                aria-labelledby={trigger}
                class="vui-accordion__panel"
                hidden={!expanded}
              >
                {item.content}
              </section>
            </div>
          );
        })}
      </div>
    );
  };
}
