/**
 * DataTable in a live session over an in-memory data set: the first page, sorting
 * (aria-sort follows), filtering (debounced, back to page 1), paging with the pager's
 * ends aria-disabled, a failed fetch with Retry, and the query each fetch receives.
 */
import { mountTest, type TestSession } from "vango/testing";
import { expect, test } from "vitest";
import { DataTable, type TableQuery } from "../../registry/ui/data-table.tsx";

interface Person {
  id: number;
  name: string;
  age: number;
}

const people: Person[] = ["Ada", "Brendan", "Grace", "Linus", "Margaret", "Ken", "Barbara"].map(
  (name, i) => ({ id: i + 1, name, age: 30 + ((i * 7) % 40) }),
);

function query(q: TableQuery): { rows: Person[]; total: number } {
  let rows = people.filter((p) => p.name.toLowerCase().includes(q.filter.toLowerCase()));
  if (q.sort !== undefined) {
    const k = q.sort as keyof Person;
    rows = rows.slice().sort((a, b) => (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0));
    if (q.dir === "desc") rows.reverse();
  }
  return { rows: rows.slice((q.page - 1) * q.pageSize, q.page * q.pageSize), total: rows.length };
}

function mount(fetch: (q: TableQuery) => Promise<{ rows: Person[]; total: number }>) {
  return mountTest(() => (
    <DataTable<Person>
      id="people"
      caption="People"
      pageSize={3}
      rowKey={(p) => p.id}
      columns={[
        { key: "name", header: "Name", sortable: true },
        { key: "age", header: "Age", sortable: true, align: "end" },
        { key: "id", header: "Id", cell: (p) => <code>#{p.id}</code> },
      ]}
      fetch={fetch}
    />
  ));
}

const text = (t: TestSession, sel: string) =>
  t.findAll(sel).map((el) => collect(el as unknown as Node));
type Node = { text?: string; children?: Node[] };
function collect(n: Node): string {
  return n.text ?? (n.children ?? []).map(collect).join("");
}
const names = (t: TestSession) => text(t, "tbody tr").map((r) => r.replace(/\d+#\d+$/, ""));

test("first page, sorting with aria-sort, paging with aria-disabled ends", async () => {
  const seen: TableQuery[] = [];
  const t = mount(async (q) => {
    seen.push(q);
    return query(q);
  });
  await t.settle();
  expect(names(t)).toEqual(["Ada", "Brendan", "Grace"]);
  expect(text(t, "#people-page")).toEqual(["Page 1 of 3"]);
  expect(t.find("#people-prev").attrs["aria-disabled"]).toBe("true");
  expect(t.find("#people-next").attrs["aria-disabled"]).toBeUndefined();
  expect(text(t, "tbody tr td code")).toEqual(["#1", "#2", "#3"]);
  expect(t.findAll("th").map((th) => th.attrs["aria-sort"])).toEqual(["none", "none", undefined]);

  await t.click("#people-next");
  await t.settle();
  expect(names(t)).toEqual(["Linus", "Margaret", "Ken"]);
  await t.click("#people-next");
  await t.settle();
  expect(names(t)).toEqual(["Barbara"]);
  expect(text(t, "#people-page")).toEqual(["Page 3 of 3"]);
  expect(t.find("#people-next").attrs["aria-disabled"]).toBe("true");
  // At the end, Next changes nothing (and stays focusable: no `disabled`).
  await t.click("#people-next");
  await t.settle();
  expect(text(t, "#people-page")).toEqual(["Page 3 of 3"]);
  expect(t.find("#people-next").attrs.disabled).toBeUndefined();

  // Sorting goes back to page 1; a second click reverses.
  await t.click("th button");
  await t.settle();
  expect(names(t)).toEqual(["Ada", "Barbara", "Brendan"]);
  expect(t.findAll("th")[0]!.attrs["aria-sort"]).toBe("ascending");
  await t.click("th button");
  await t.settle();
  expect(names(t)).toEqual(["Margaret", "Linus", "Ken"]);
  expect(t.findAll("th")[0]!.attrs["aria-sort"]).toBe("descending");
  expect(seen.at(-1)).toEqual({ sort: "name", dir: "desc", filter: "", page: 1, pageSize: 3 });
  t.dispose();
});

test("the filter narrows the rows, from page 1; no match shows the empty row", async () => {
  const t = mount(async (q) => query(q));
  await t.settle();
  await t.click("#people-next");
  await t.settle();
  expect(text(t, "#people-page")).toEqual(["Page 2 of 3"]);
  await t.input("#people-filter", "  AR ");
  await t.settle();
  expect(names(t)).toEqual(["Margaret", "Barbara"]);
  expect(text(t, "#people-page")).toEqual(["Page 1 of 1"]);
  expect(text(t, "[data-testid=table-count]")).toEqual(["2 rows"]);
  await t.input("#people-filter", "zzz");
  await t.settle();
  expect(text(t, "tbody td")).toEqual(["No rows match."]);
  expect(text(t, "#people-page")).toEqual(["Page 1 of 1"]);
  t.dispose();
});

test("before the first page: skeleton rows and a busy table; a failure offers Retry", async () => {
  let fail = true;
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const t = mount(async (q) => {
    await gate;
    if (fail) throw new Error("db down");
    return query(q);
  });
  expect(t.find("table").attrs["aria-busy"]).toBe("true");
  expect(t.findAll("tbody .vui-skeleton").length).toBe(9);
  release();
  await t.settle();
  expect(text(t, "tbody td")).toEqual(["Could not load the rows. Retry"]);
  fail = false;
  await t.click("tbody button");
  await t.settle();
  expect(names(t)).toEqual(["Ada", "Brendan", "Grace"]);
  expect(t.find("table").attrs["aria-busy"]).toBe("false");
  t.dispose();
});
