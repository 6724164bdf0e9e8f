/**
 * Randomized: a keyed or unkeyed list of components whose outputs are elements,
 * fragments, bare texts (merging with their neighbours) or nothing, driven by random
 * list rewrites and per-row signal writes. After every flush the harness replays the
 * patches on the previous tree and compares with the live one; at the end the live tree
 * must serialise like a fresh mount of the final state, and like its SSR.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { batch, type Signal, signal } from "../../src/reactive/index.ts";
import { mountLive } from "../../src/render/live-root.ts";
import { serializeHost } from "../../src/render/serialize-host.ts";
import { renderToString } from "../../src/render/ssr.ts";
import type { VChild } from "../../src/vdom/vnode.ts";
import { mount } from "./live-root-harness.ts";

interface Item {
  readonly id: number;
  readonly kind: number;
  readonly text: string;
}

const textArb = fc.constantFrom("", "a", "b", "cd");
const itemArb = fc.record({
  id: fc.integer({ min: 0, max: 12 }),
  kind: fc.integer({ min: 0, max: 7 }),
  text: textArb,
});
const listArb = fc.uniqueArray(itemArb, { selector: (i) => i.id, maxLength: 8 });
const opArb = fc.oneof(
  listArb.map((list) => ({ list }) as const),
  fc.record({ id: fc.integer({ min: 0, max: 12 }), local: textArb }),
  fc.record({ deepId: fc.integer({ min: 0, max: 12 }), deep: textArb }),
);

/** Equal items are the same object, so a row whose item did not change stays clean. */
function interner(): (items: readonly Item[]) => Item[] {
  const seen = new Map<string, Item>();
  return (items) =>
    items.map((it) => {
      const k = `${it.id}/${it.kind}/${it.text}`;
      let hit = seen.get(k);
      if (hit === undefined) {
        hit = it;
        seen.set(k, it);
      }
      return hit;
    });
}

type Signals = Map<number, Signal<string>>;

function signalOf(map: Signals, id: number): Signal<string> {
  let s = map.get(id);
  if (s === undefined) {
    s = signal("");
    map.set(id, s);
  }
  return s;
}

function app(keyed: boolean, list: Signal<readonly Item[]>, locals: Signals, deeps: Signals) {
  const localOf = (id: number) => signalOf(locals, id);
  function Inner(props: { id: number }) {
    // Read the prop in render: an unkeyed instance may be reused for another id.
    return () => {
      const deep = signalOf(deeps, props.id)();
      return deep === "" ? <s>{props.id}</s> : <q>{deep}</q>;
    };
  }
  function Leaf(props: { text: string }) {
    return <i>{props.text}</i>;
  }
  function Row(props: { item: Item }) {
    return (): VChild => {
      const it = props.item;
      const local = localOf(it.id)();
      switch (it.kind) {
        case 0:
          return <li class={it.text}>{local}</li>;
        case 1:
          return (
            <>
              {it.text}
              <b>{local}</b>
            </>
          );
        case 2:
          return local + it.text;
        case 3:
          return null;
        case 4:
          return (
            <p>
              <Leaf text={local} />
              {it.text}
            </p>
          );
        case 6:
          return (
            <section>
              <Inner id={it.id} />
            </section>
          );
        case 7:
          return <Inner id={it.id} />;
        default:
          // biome-ignore lint/complexity/noUselessFragments: a fragment around a text is the case under test
          return local === "" ? <u /> : <>{local}</>;
      }
    };
  }
  function App() {
    return () => (
      <div>x{list().map((it) => (keyed ? <Row key={it.id} item={it} /> : <Row item={it} />))}y</div>
    );
  }
  return <App />;
}

const stripHids = (html: string) => html.replace(/ data-hid="\d+"/g, "");

describe("random updates", () => {
  for (const keyed of [true, false]) {
    test(`${keyed ? "keyed" : "unkeyed"} rows: patches replay to the live tree`, () => {
      fc.assert(
        fc.property(
          listArb,
          fc.array(fc.array(opArb, { minLength: 1, maxLength: 3 }), { maxLength: 8 }),
          (initial, steps) => {
            const intern = interner();
            const list = signal<readonly Item[]>(intern(initial));
            const locals: Signals = new Map();
            const deeps: Signals = new Map();
            const h = mount(app(keyed, list, locals, deeps));
            for (const ops of steps) {
              batch(() => {
                for (const op of ops) {
                  if ("list" in op) list.set(intern(op.list));
                  else if ("local" in op) locals.get(op.id)?.set(op.local);
                  else deeps.get(op.deepId)?.set(op.deep);
                }
              });
              h.flush();
            }
            const fresh = mountLive(app(keyed, list, locals, deeps), { onDirty: () => {} });
            expect(stripHids(serializeHost(h.view.root))).toBe(
              stripHids(serializeHost(fresh.root)),
            );
            expect(fresh.root.children.map(serializeHost).join("")).toBe(
              renderToString(app(keyed, list, locals, deeps), { hidStart: 2 }),
            );
            h.view.dispose();
            fresh.dispose();
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
