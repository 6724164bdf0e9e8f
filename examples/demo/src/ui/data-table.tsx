// vango-ui data-table 0.1.0 sha256-/1GYMoS8JSvhf9Dp0U6o1/JjPtk/2UC+g8E/AUMmbzo=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * DataTable: a table whose sorting, filtering and paging run on the server over a
 * `resource` — the page asks `fetch` for one page of rows for the current query, and
 * a newer query aborts the fetch in flight. Sortable headers are buttons in `th`s with
 * `aria-sort`; the filter is a labelled search box (debounced, back to page 1); the
 * pager's buttons stay focusable at the ends (`aria-disabled`, so keyboard paging never
 * loses focus) and a status line announces the page. While a page loads, the rows
 * shown are the previous ones (`aria-busy`), or skeleton rows the first time.
 * @example
 * <DataTable id="people" caption="People" rowKey={(p) => p.id}
 *   columns={[{ key: "name", header: "Name", sortable: true }, { key: "role", header: "Role" }]}
 *   fetch={(q, signal) => db.people(q, signal)} />
 */
import type { VChild } from "vango";
import { on, resource, signal } from "vango";
import { Button } from "./button.tsx";
import { cn } from "./cn.ts";
import { Input } from "./input.tsx";
import { Skeleton } from "./skeleton.tsx";

export type SortDirection = "asc" | "desc";

/** What `fetch` is asked for. */
export interface TableQuery {
  /** The sorted column's key, if any. */
  readonly sort: string | undefined;
  readonly dir: SortDirection;
  /** The filter text, trimmed ("" for none). */
  readonly filter: string;
  /** 1-based. */
  readonly page: number;
  readonly pageSize: number;
}

/** One page of rows and the number of rows matching the filter. */
export interface TablePage<T> {
  readonly rows: readonly T[];
  readonly total: number;
}

export interface TableColumn<T> {
  readonly key: string;
  readonly header: string;
  readonly sortable?: boolean;
  /** The cell's content (default: `String(row[key])`). */
  readonly cell?: (row: T) => VChild;
  readonly align?: "start" | "end";
}

export interface DataTableProps<T> {
  /** Prefix of the element ids; also the filter box's name. */
  id: string;
  /** The table's caption (its accessible name). */
  caption: string;
  columns: readonly TableColumn<T>[];
  fetch: (query: TableQuery, signal: AbortSignal) => TablePage<T> | Promise<TablePage<T>>;
  rowKey: (row: T) => string | number;
  /** Rows per page (default 10). */
  pageSize?: number;
  defaultSort?: { readonly key: string; readonly dir?: SortDirection };
  /** The filter box's label (default "Filter"); `false` hides the box. */
  filterLabel?: string | false;
  /** Shown when no row matches. */
  empty?: VChild;
  class?: string;
}

const ARROWS: Record<SortDirection, string> = { asc: "▲", desc: "▼" };

export function DataTable<T>(props: DataTableProps<T>) {
  const pageSize = props.pageSize ?? 10;
  const sort = signal<string | undefined>(props.defaultSort?.key);
  const dir = signal<SortDirection>(props.defaultSort?.dir ?? "asc");
  const filter = signal("");
  const page = signal(1);
  const data = resource<TablePage<T>, TableQuery>(
    ({ key, signal: abort }) => props.fetch(key, abort),
    {
      key: () => ({ sort: sort(), dir: dir(), filter: filter().trim(), page: page(), pageSize }),
    },
  );
  const pages = () => Math.max(1, Math.ceil((data.latest()?.total ?? 0) / pageSize));
  const toggleSort = (key: string) => {
    if (sort() === key) dir.set(dir() === "asc" ? "desc" : "asc");
    else {
      sort.set(key);
      dir.set("asc");
    }
    page.set(1);
  };
  const onFilter = on(
    (e: { value: string }) => {
      filter.set(e.value);
      page.set(1);
    },
    { debounce: 250 },
  );
  const prev = () => {
    if (page() > 1) page.set(page() - 1);
  };
  const next = () => {
    if (page() < pages()) page.set(page() + 1);
  };

  return () => {
    const latest = data.latest();
    const cols = props.columns;
    const failed = data.state() === "error";
    const atStart = page() <= 1;
    const atEnd = page() >= pages();
    return (
      <div class={cn("vui-table-wrap", props.class)} id={props.id}>
        <div class="vui-table-toolbar">
          {props.filterLabel !== false && (
            <Input
              type="search"
              id={`${props.id}-filter`}
              name={`${props.id}-filter`}
              aria-label={props.filterLabel ?? "Filter"}
              placeholder={`${props.filterLabel ?? "Filter"}…`}
              autocomplete="off"
              value={filter()}
              onInput={onFilter}
            />
          )}
          <span class="vui-pagination__status" data-testid="table-count">
            {latest === undefined ? "Loading…" : `${latest.total} rows`}
          </span>
        </div>
        <div class="vui-table-scroll">
          <table class="vui-table" aria-busy={data.loading()}>
            <caption>{props.caption}</caption>
            <thead>
              <tr>
                {cols.map((c) => {
                  const sorted = sort() === c.key;
                  return (
                    <th
                      key={c.key}
                      scope="col"
                      style={c.align === "end" ? { "text-align": "end" } : undefined}
                      aria-sort={
                        c.sortable !== true
                          ? undefined
                          : sorted
                            ? dir() === "asc"
                              ? "ascending"
                              : "descending"
                            : "none"
                      }
                    >
                      {c.sortable ? (
                        <button
                          type="button"
                          class="vui-table__sort"
                          onClick={() => toggleSort(c.key)}
                        >
                          {c.header}
                          <span aria-hidden="true">{sorted ? ARROWS[dir()] : "↕"}</span>
                        </button>
                      ) : (
                        c.header
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {failed ? (
                <tr>
                  <td colspan={cols.length} class="vui-table__empty">
                    Could not load the rows.{" "}
                    <Button variant="outline" size="sm" onClick={data.refetch}>
                      Retry
                    </Button>
                  </td>
                </tr>
              ) : latest === undefined ? (
                Array.from({ length: Math.min(pageSize, 3) }, (_, i) => (
                  <tr key={`skeleton-${i}`}>
                    {cols.map((c) => (
                      <td key={c.key}>
                        <Skeleton width="6rem" />
                      </td>
                    ))}
                  </tr>
                ))
              ) : latest.rows.length === 0 ? (
                <tr>
                  <td colspan={cols.length} class="vui-table__empty">
                    {props.empty ?? "No rows match."}
                  </td>
                </tr>
              ) : (
                latest.rows.map((row) => (
                  <tr key={props.rowKey(row)}>
                    {cols.map((c) => (
                      <td
                        key={c.key}
                        style={c.align === "end" ? { "text-align": "end" } : undefined}
                      >
                        {c.cell === undefined
                          ? String((row as Record<string, unknown>)[c.key] ?? "")
                          : c.cell(row)}
                      </td>
                    ))}
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        <nav class="vui-pagination" aria-label={`${props.caption}: pages`}>
          <Button
            variant="outline"
            size="sm"
            id={`${props.id}-prev`}
            aria-disabled={atStart ? "true" : undefined}
            onClick={prev}
          >
            Previous
          </Button>
          <span class="vui-pagination__status" role="status" id={`${props.id}-page`}>
            Page {page()} of {pages()}
          </span>
          <Button
            variant="outline"
            size="sm"
            id={`${props.id}-next`}
            aria-disabled={atEnd ? "true" : undefined}
            onClick={next}
          >
            Next
          </Button>
        </nav>
      </div>
    );
  };
}
