/**
 * Live renderer benchmarks: mounting, and flushes after typical updates.
 * Run: `npm run bench -- render`.
 *
 * Each case is run 300 times before it is measured: an op of a few milliseconds gets only
 * a dozen calls from the harness's calibration, all of them with a cold JIT otherwise.
 */
import type { Patch } from "../src/protocol/patch.ts";
import { type Signal, signal } from "../src/reactive/index.ts";
import { mountLive } from "../src/render/live-root.ts";
import { type BenchResult, bench, printTable } from "./util.ts";

const noop = (): void => {};

interface Row {
  readonly id: number;
  readonly label: Signal<string>;
}

function makeRows(n: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) rows.push({ id: i, label: signal(`row ${i}`) });
  return rows;
}

function RowView(props: { row: Row }) {
  const row = props.row;
  return () => (
    <tr class="row">
      <td>{row.id}</td>
      <td>{row.label()}</td>
      <td>
        <button type="button" onClick={noop}>
          x
        </button>
      </td>
    </tr>
  );
}

function Table(props: { rows: Signal<readonly Row[]>; title: Signal<string> }) {
  return () => (
    <table title={props.title()}>
      <tbody>
        {props.rows().map((r) => (
          <RowView key={r.id} row={r} />
        ))}
      </tbody>
    </table>
  );
}

const out: Patch[] = [];
const results: BenchResult[] = [];

function measure(name: string, fn: () => void, note: string): void {
  for (let i = 0; i < 300; i++) fn();
  results.push(bench(name, fn, { note }));
}

// 200 rows × (tr, 3 td, button) = 1,000 elements (+ 600 texts, 201 components).
{
  const rows = signal<readonly Row[]>(makeRows(200));
  const title = signal("t");
  measure(
    "mount 1,000-element tree (200 row components) + dispose",
    () => {
      const view = mountLive(<Table rows={rows} title={title} />, { onDirty: noop });
      view.dispose();
    },
    "1,000 elements",
  );
}

{
  const data = makeRows(1000);
  const rows = signal<readonly Row[]>(data);
  const title = signal("t");
  const view = mountLive(<Table rows={rows} title={title} />, { onDirty: noop });
  let i = 0;
  measure(
    "1,000-row list: one row's signal + flush",
    () => {
      const row = data[(i++ * 7919) % 1000]!;
      row.label.set(`v${i}`);
      out.length = 0;
      view.flush(out);
    },
    "1 SetText",
  );
  measure(
    "1,000-row list: parent attr change, rows clean + flush",
    () => {
      title.set(`t${i++}`);
      out.length = 0;
      view.flush(out);
    },
    "1 SetAttr",
  );
  const reversed = [...data].reverse();
  let flip = false;
  measure(
    "1,000-row list: keyed reverse via signal + flush",
    () => {
      flip = !flip;
      rows.set(flip ? reversed : data);
      out.length = 0;
      view.flush(out);
    },
    "999 Move",
  );
  if (out.length !== 999) throw new Error(`expected 999 moves, got ${out.length}`);
  view.dispose();
}

printTable("Live renderer (render.bench.tsx)", results);
