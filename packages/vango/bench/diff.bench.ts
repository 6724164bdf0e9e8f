/**
 * Keyed diff of host trees (`vdom/diff.ts`). Rows are `<li key><span>label</span>
 * <a class href>link</a></li>` (5 nodes each). Every case diffs a mounted tree against
 * a freshly built next tree (never the same reference, so nothing is skipped by
 * identity); the next tree keeps the hids the first run gave it, so later runs do the
 * same work.
 */
import type { Patch } from "../src/protocol/patch.ts";
import { assignHids, type DiffHost, diff } from "../src/vdom/diff.ts";
import { type HElement, HKind, type HNode } from "../src/vdom/host.ts";
import { bench, printTable } from "./util.ts";

function el(tag: string, attrs: Record<string, string>, children: HNode[], key?: number): HElement {
  return { kind: HKind.Element, tag, hid: 0, attrs, children, key, handlers: null };
}

function row(i: number, label = `row ${i}`): HElement {
  return el(
    "li",
    { class: "row" },
    [
      el("span", {}, [{ kind: HKind.Text, text: label }]),
      el("a", { class: "link", href: `/items/${i}` }, [{ kind: HKind.Text, text: "open" }]),
    ],
    i,
  );
}

/** `<div><ul>{rows}</ul></div>` for the given row ids. */
function table(ids: readonly number[], label?: (i: number) => string): HElement {
  const rows = ids.map((i) => row(i, label?.(i)));
  return el("div", { id: "app" }, [el("ul", { class: "list" }, rows)]);
}

let hid = 1;
const host: DiffHost = { nextHid: () => hid++, mounted() {}, unmounted() {}, updated() {} };

function mounted(ids: readonly number[]): HElement {
  const t = table(ids);
  assignHids(t, host);
  return t;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const ids200 = range(200);
const ids1000 = range(1000);

function run(prev: HElement, next: HElement): Patch[] {
  const out: Patch[] = [];
  diff(prev, next, host, out);
  return out;
}

function count(prev: HElement, next: HElement): string {
  const out = run(prev, next);
  return `${out.length} patches`;
}

const results = [];

{
  const prev = mounted(ids200);
  const next = table(ids200);
  results.push(
    bench("unchanged 1,000-node tree (fresh copy)", () => run(prev, next), {
      note: count(prev, next),
    }),
  );
}
{
  const prev = mounted(ids200);
  const next = table(ids200, (i) => (i === 100 ? "changed" : `row ${i}`));
  results.push(
    bench("one text change in a 1,000-node tree", () => run(prev, next), {
      note: count(prev, next),
    }),
  );
}
{
  const prev = mounted(ids1000);
  const next = table([...ids1000].reverse());
  results.push(
    bench("keyed reverse of 1,000 rows", () => run(prev, next), { note: count(prev, next) }),
  );
}
{
  const prev = mounted(ids1000);
  const next = table([...ids1000, 1000]);
  const list = (next.children[0] as HElement).children;
  const added = list[1000] as HElement;
  // The appended row is new on every run: clear the hids the previous run gave it.
  const fresh = () => {
    added.hid = 0;
    for (const c of added.children) (c as HElement).hid = 0;
  };
  const note = count(prev, next);
  results.push(
    bench(
      "append 1 row to 1,000",
      () => {
        fresh();
        return run(prev, next);
      },
      { note },
    ),
  );
}
{
  const prev = mounted(ids1000);
  const next = table(ids1000.filter((i) => i !== 500));
  results.push(
    bench("remove 1 row from the middle of 1,000", () => run(prev, next), {
      note: count(prev, next),
    }),
  );
}

printTable("Keyed diff (vdom/diff.ts)", results);
