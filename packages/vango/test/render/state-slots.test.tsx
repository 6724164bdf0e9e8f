/**
 * Persisted component state found again by place: components mounted when the first
 * data arrives (under `<Async>`, below a boundary) get theirs; once the restore is over,
 * components mounted later start afresh.
 */
import { describe, expect, it } from "vitest";
import { resource } from "../../src/data/resource.ts";
import { signal } from "../../src/reactive/index.ts";
import { Async, ErrorBoundary } from "../../src/render/boundaries.ts";
import { type LiveRoot, mountLive } from "../../src/render/live-root.ts";
import { serializeHost } from "../../src/render/serialize-host.ts";

function Count(props: { label: string }) {
  const n = signal(0);
  return () => (
    <button type="button" onClick={() => n.set(n() + 1)}>
      {props.label} {n()}
    </button>
  );
}

function Page() {
  const label = resource(() => new Promise<string>((r) => setTimeout(() => r("late"), 5)));
  return () => (
    <main>
      <Count label="early" />
      <ErrorBoundary fallback={() => <p>failed</p>}>
        <Async fallback={<p>Loading…</p>}>{() => <Count label={label.value()} />}</Async>
      </ErrorBoundary>
    </main>
  );
}

const html = (root: LiveRoot) => root.root.children.map(serializeHost).join("");

async function loaded(restore?: Map<string, unknown[]>): Promise<LiveRoot> {
  const root = mountLive(<Page />, { onDirty: () => {}, persist: { restore } });
  expect(await root.settled(1_000)).toBe(true);
  root.flush([]);
  return root;
}

describe("state slots", () => {
  it("a component mounted when its data arrived, below boundaries, finds its state", async () => {
    const first = await loaded();
    expect(first.collectState()).toEqual([
      ["Page:0/Count:0", [0]],
      ["Page:0/ErrorBoundary:0/ContentRegion:0/Async:0/ContentRegion:0/Count:0", [0]],
    ]);
    const restore = new Map<string, unknown[]>([
      ["Page:0/Count:0", [2]],
      ["Page:0/ErrorBoundary:0/ContentRegion:0/Async:0/ContentRegion:0/Count:0", [7]],
    ]);
    const again = await loaded(restore);
    expect(html(again)).toMatch(/early 2<\/button><button[^>]*>late 7<\/button>/);
    expect(again.collectState()).toEqual([...restore]);
    first.dispose();
    again.dispose();
  });

  it("once the restore is over, components mounted later start afresh", async () => {
    const show = signal(false);
    function Toggle() {
      return () => <div>{show() ? <Count label="later" /> : null}</div>;
    }
    const root = mountLive(<Toggle />, {
      onDirty: () => {},
      persist: { restore: new Map([["Toggle:0/Count:0", [9]]]) },
    });
    show.set(true);
    root.flush([]);
    expect(html(root)).toMatch(/later 0</);
    root.dispose();
  });
});
