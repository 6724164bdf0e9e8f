/**
 * The /ui page's table data: the first 36 chemical elements, queried as a database
 * would be (filter, sort, one page), for the DataTable's server-side paging.
 */
import type { TablePage, TableQuery } from "../../ui/data-table.tsx";

export interface Element {
  readonly number: number;
  readonly symbol: string;
  readonly name: string;
  readonly group: string;
}

const RAW =
  "H Hydrogen nonmetal|He Helium noble|Li Lithium alkali|Be Beryllium alkaline|B Boron metalloid|" +
  "C Carbon nonmetal|N Nitrogen nonmetal|O Oxygen nonmetal|F Fluorine halogen|Ne Neon noble|" +
  "Na Sodium alkali|Mg Magnesium alkaline|Al Aluminium post-transition|Si Silicon metalloid|" +
  "P Phosphorus nonmetal|S Sulfur nonmetal|Cl Chlorine halogen|Ar Argon noble|K Potassium alkali|" +
  "Ca Calcium alkaline|Sc Scandium transition|Ti Titanium transition|V Vanadium transition|" +
  "Cr Chromium transition|Mn Manganese transition|Fe Iron transition|Co Cobalt transition|" +
  "Ni Nickel transition|Cu Copper transition|Zn Zinc transition|Ga Gallium post-transition|" +
  "Ge Germanium metalloid|As Arsenic metalloid|Se Selenium nonmetal|Br Bromine halogen|Kr Krypton noble";

export const ELEMENTS: readonly Element[] = RAW.split("|").map((row, i) => {
  const [symbol, name, group] = row.split(" ") as [string, string, string];
  return { number: i + 1, symbol, name, group };
});

/** One page of elements for `q`. */
export function queryElements(q: TableQuery): TablePage<Element> {
  const needle = q.filter.toLowerCase();
  let rows = ELEMENTS.filter(
    (e) =>
      needle === "" ||
      e.name.toLowerCase().includes(needle) ||
      e.symbol.toLowerCase() === needle ||
      e.group.includes(needle),
  );
  if (q.sort !== undefined) {
    const key = q.sort as keyof Element;
    rows = rows.slice().sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));
    if (q.dir === "desc") rows.reverse();
  }
  const start = (q.page - 1) * q.pageSize;
  return { rows: rows.slice(start, start + q.pageSize), total: rows.length };
}
