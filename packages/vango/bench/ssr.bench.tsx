/**
 * SSR throughput on a ~1,000-node page: a header plus a 100-row table, each row a
 * component rendering tr, 4 td, 4 texts and a button with class/attrs/handler (608
 * elements + 404 texts). Vango's `renderToString` and, side by side in the same process,
 * the equivalent Preact tree through `preact-render-to-string`. Two variants of the
 * row component: stateless on both sides, and with one piece of per-row state (a Vango
 * `signal` created in setup vs a Preact `useState`).
 *
 * Vango writes more: `data-hid` on every element and the `data-on` listener list
 * (Preact drops handlers). Each side is a 7-run median (bench/util.ts); the pair is
 * measured in 5 alternating rounds and the median round is reported, so that load from
 * other processes hits both sides alike.
 */
import { h } from "preact";
import { useState } from "preact/hooks";
import { renderToString as preactRenderToString } from "preact-render-to-string";
import { signal } from "../src/reactive/index.ts";
import { renderToString } from "../src/render/ssr.ts";
import { renderToStream } from "../src/render/stream.ts";
import type { Component, VChild } from "../src/vdom/vnode.ts";
import { type BenchResult, bench, median, printTable } from "./util.ts";

const ROWS = 100;
interface Item {
  readonly id: number;
  readonly name: string;
  readonly price: number;
  readonly stock: number;
}
const items: Item[] = [];
for (let i = 0; i < ROWS; i++) {
  items.push({ id: i, name: `Item <${i}> & co`, price: i * 3 + 0.5, stock: (i * 7) % 13 });
}
const noop = (): void => {};
interface RowProps {
  item: Item;
  selected: boolean;
}

// ---- Vango -------------------------------------------------------------------------

function vRowView(it: Item, selected: boolean, count: number): VChild {
  return (
    <tr class={{ row: true, selected }} data-id={it.id}>
      <td class="id">{it.id}</td>
      <td class="name" title={it.name}>
        {it.name}
      </td>
      <td class="price">${it.price}</td>
      <td class="actions">
        <button type="button" class="btn btn-sm" aria-label="Remove" onClick={noop}>
          Remove {count}
        </button>
      </td>
    </tr>
  );
}

function VRowStateless(props: RowProps) {
  return vRowView(props.item, props.selected, props.item.stock);
}

function VRowStateful(props: RowProps) {
  const count = signal(props.item.stock);
  return () => vRowView(props.item, props.selected, count());
}

function vPage(Row: Component<RowProps>): VChild {
  return (
    <main class="app">
      <header class="top">
        <h1>Inventory</h1>
        <nav>
          <a href="/">Home</a>
          <a href="/items?page=2&sort=name">Next</a>
        </nav>
      </header>
      <table class="grid" style={{ width: "100%", borderCollapse: "collapse" }}>
        <tbody>
          {items.map((it) => (
            <Row key={it.id} item={it} selected={it.id % 10 === 0} />
          ))}
        </tbody>
      </table>
    </main>
  );
}

// ---- Preact ------------------------------------------------------------------------

function pRowView(it: Item, selected: boolean, count: number) {
  return h(
    "tr",
    { class: selected ? "row selected" : "row", "data-id": it.id },
    h("td", { class: "id" }, it.id),
    h("td", { class: "name", title: it.name }, it.name),
    h("td", { class: "price" }, "$", it.price),
    h(
      "td",
      { class: "actions" },
      h(
        "button",
        { type: "button", class: "btn btn-sm", "aria-label": "Remove", onClick: noop },
        "Remove ",
        count,
      ),
    ),
  );
}

function PRowStateless(props: RowProps) {
  return pRowView(props.item, props.selected, props.item.stock);
}

function PRowStateful(props: RowProps) {
  const [count] = useState(props.item.stock);
  return pRowView(props.item, props.selected, count);
}

function pPage(Row: typeof PRowStateless) {
  return h(
    "main",
    { class: "app" },
    h(
      "header",
      { class: "top" },
      h("h1", null, "Inventory"),
      h(
        "nav",
        null,
        h("a", { href: "/" }, "Home"),
        h("a", { href: "/items?page=2&sort=name" }, "Next"),
      ),
    ),
    h(
      "table",
      { class: "grid", style: { width: "100%", borderCollapse: "collapse" } },
      h(
        "tbody",
        null,
        items.map((it) => h(Row, { key: it.id, item: it, selected: it.id % 10 === 0 })),
      ),
    ),
  );
}

// ---- Run ---------------------------------------------------------------------------

const ROUNDS = 5;
const byNs = (a: BenchResult, b: BenchResult) => a.nsPerOp - b.nsPerOp;

function compare(title: string, vTree: VChild, pTree: ReturnType<typeof pPage>): void {
  const vHtml = renderToString(vTree);
  const pHtml = preactRenderToString(pTree);
  const elements = (vHtml.match(/data-hid=/g) ?? []).length;
  const vRounds: BenchResult[] = [];
  const pRounds: BenchResult[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    vRounds.push(
      bench("vango renderToString", () => renderToString(vTree), {
        note: `${elements} elements, ${vHtml.length} chars`,
      }),
    );
    pRounds.push(
      bench("preact-render-to-string", () => preactRenderToString(pTree), {
        note: `${pHtml.length} chars`,
      }),
    );
  }
  const vango = vRounds.sort(byNs)[ROUNDS >> 1]!;
  const preact = pRounds.sort(byNs)[ROUNDS >> 1]!;
  printTable(title, [vango, preact]);
  console.log(
    `\nthroughput ratio vango / preact: ${(vango.opsPerSec / preact.opsPerSec).toFixed(2)}×`,
  );
}

const statelessTree = vPage(VRowStateless);
const statefulTree = vPage(VRowStateful);
compare("SSR renderToString, 1,000-node page, stateless rows", statelessTree, pPage(PRowStateless));
compare(
  "SSR renderToString, 1,000-node page, stateful rows (signal vs useState)",
  statefulTree,
  pPage(PRowStateful),
);

async function drain(tree: VChild): Promise<number> {
  const reader = renderToStream(tree).getReader();
  let chunks = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) return chunks;
    chunks++;
  }
}
// Async, so not through bench(): 7 runs of 200 drains, median.
const PER_RUN = 200;
const samples: number[] = [];
for (let run = -1; run < 7; run++) {
  const t0 = performance.now();
  for (let i = 0; i < PER_RUN; i++) await drain(statefulTree);
  if (run >= 0) samples.push(((performance.now() - t0) * 1e6) / PER_RUN);
}
const streamNs = median(samples);
printTable("SSR renderToStream, same page (stateful rows), drained", [
  {
    name: "vango renderToStream",
    nsPerOp: streamNs,
    opsPerSec: 1e9 / streamNs,
    runs: 7,
    note: `${await drain(statefulTree)} chunk(s), 16 KiB threshold`,
  },
]);
