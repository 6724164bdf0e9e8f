/** The benchmark pages: the counter (hids: div 2, h1 3, button 4) and a keyed 1,000-row list. */
import { signal } from "../../src/reactive/signal.ts";
import { h } from "../../src/vdom/create-element.ts";

export function Counter() {
  const count = signal(0);
  return () =>
    h(
      "div",
      null,
      h("h1", null, "Count: ", count()),
      h("button", { onClick: () => count.set(count() + 1) }, "+"),
    );
}

export interface Row {
  readonly id: number;
  readonly label: string;
}

export function makeRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, label: `row ${i + 1}` }));
}

/** Keyed rows; `order` is swapped by the test to trigger a reorder. */
export const rowsSignal = signal<Row[]>(makeRows(1000));

export function Rows() {
  return () =>
    h(
      "table",
      null,
      h(
        "tbody",
        null,
        rowsSignal().map((r) =>
          h("tr", { key: r.id }, h("td", null, String(r.id)), h("td", null, r.label)),
        ),
      ),
    );
}
