/**
 * Streams in an in-process live session: the exact patches each operation sends, the
 * initial items in the first HTML, the keys-only state, the limit.
 */
import { describe, expect, it } from "vitest";
import { NodeKind, PatchOp } from "../../src/protocol/patch.ts";
import { type Stream, stream } from "../../src/streams/stream.ts";
import { StreamList } from "../../src/streams/stream-list.ts";
import { mountTest } from "../../src/testing/mount-test.ts";

interface Item {
  id: number;
  text: string;
}

const li = (i: Item) => <li data-id={i.id}>{i.text}</li>;
const raw = (html: string) => ({ kind: NodeKind.Raw, html });

function setup(limit?: number) {
  let s: Stream<Item> | undefined;
  let more: (() => void) | undefined;
  function Feed() {
    const feed = stream<Item>({ key: (i) => i.id, render: li, ...(limit ? { limit } : {}) });
    feed.append([
      { id: 1, text: "one" },
      { id: 2, text: "two" },
    ]);
    s = feed;
    let next = 3;
    more = () => {
      feed.append([{ id: next, text: `n${next}` }]);
      next++;
    };
    return () => (
      <div>
        <p>{feed.size()}</p>
        <StreamList of={feed} as="ul" class="feed" onViewportBottom={() => more!()} />
      </div>
    );
  }
  const t = mountTest(Feed);
  return { t, s: s!, more: () => more!() };
}

describe("stream()", () => {
  it("renders the items added before the first render as the container's markup", () => {
    const { t } = setup();
    expect(t.html()).toContain(
      '<ul data-hid="4" class="feed" data-vh="Viewport" data-vh-o="{&quot;top&quot;:false,&quot;bottom&quot;:true}" data-on="viewportbottom">',
    );
    expect(t.html()).toContain('<li data-id="1">one</li><li data-id="2">two</li></ul>');
  });

  it("sends Insert, Replace, Remove and SetHtml patches of static markup and keeps only keys", async () => {
    const { t, s } = setup();
    const ul = t.find("ul").hid;
    s.append([{ id: 3, text: "three" }]);
    let patches = await t.settle();
    expect(patches).toEqual([
      { op: PatchOp.SetText, parent: t.find("p").hid, index: 0, text: "3" },
      { op: PatchOp.Insert, parent: ul, index: 2, node: raw('<li data-id="3">three</li>') },
    ]);
    s.prepend([{ id: 0, text: "zero" }]);
    expect(s.update({ id: 2, text: "TWO" })).toBe(true);
    expect(s.delete(1)).toBe(true);
    expect(s.delete(99)).toBe(false);
    patches = await t.settle();
    expect(patches.filter((p) => p.op !== PatchOp.SetText)).toEqual([
      { op: PatchOp.Insert, parent: ul, index: 0, node: raw('<li data-id="0">zero</li>') },
      { op: PatchOp.Replace, parent: ul, index: 2, node: raw('<li data-id="2">TWO</li>') },
      { op: PatchOp.Remove, parent: ul, index: 1 },
    ]);
    expect(s.keys()).toEqual([0, 2, 3]);
    // Appending a present key replaces it in place.
    s.append([{ id: 3, text: "THREE" }]);
    expect(await t.settle()).toEqual([
      { op: PatchOp.Replace, parent: ul, index: 2, node: raw('<li data-id="3">THREE</li>') },
    ]);
    s.reset([{ id: 7, text: "seven" }]);
    patches = await t.settle();
    expect(patches).toContainEqual({
      op: PatchOp.SetHtml,
      hid: ul,
      html: '<li data-id="7">seven</li>',
    });
    expect(s.keys()).toEqual([7]);
  });

  it("limit drops items from the far end", async () => {
    const { t, s } = setup(3);
    const ul = t.find("ul").hid;
    s.append([
      { id: 3, text: "c" },
      { id: 4, text: "d" },
    ]);
    const patches = await t.settle();
    expect(patches.filter((p) => p.op === PatchOp.Remove)).toEqual([
      { op: PatchOp.Remove, parent: ul, index: 0 },
    ]);
    expect(s.keys()).toEqual([2, 3, 4]);
    s.prepend([{ id: 1, text: "a" }]);
    const back = await t.settle();
    expect(back.filter((p) => p.op === PatchOp.Remove)).toEqual([
      { op: PatchOp.Remove, parent: ul, index: 3 },
    ]);
    expect(s.keys()).toEqual([1, 2, 3]);
  });

  it("a viewport event reaches the container's handler", async () => {
    const { t, s } = setup();
    const ul = t.find("ul").hid;
    const patches = await t.fire(ul, { type: 14, name: "viewportbottom", payload: null });
    expect(patches).toContainEqual({
      op: PatchOp.Insert,
      parent: ul,
      index: 2,
      node: raw('<li data-id="3">n3</li>'),
    });
    expect(s.keys()).toEqual([1, 2, 3]);
  });

  it("a full resync brings the keys back to the first render's and tells the owner", async () => {
    let s: Stream<Item> | undefined;
    let resyncs = 0;
    function Feed() {
      const feed = stream<Item>({
        key: (i) => i.id,
        render: li,
        onResync: () => {
          resyncs++;
        },
      });
      feed.append([{ id: 1, text: "one" }]);
      s = feed;
      return () => <StreamList of={feed} as="ul" />;
    }
    const t = mountTest(Feed, { limits: { historyFrames: 1 } });
    t.disconnect();
    for (let i = 2; i < 6; i++) {
      s!.append([{ id: i, text: `n${i}` }]);
      await t.settle();
    }
    expect(s!.keys()).toEqual([1, 2, 3, 4, 5]);
    const r = await t.reconnect();
    expect(r.kind).toBe("full");
    expect(s!.keys()).toEqual([1]);
    expect(resyncs).toBe(1);
    // Later operations address the DOM the resync left.
    s!.append([{ id: 9, text: "nine" }]);
    const ul = t.find("ul").hid;
    expect(await t.settle()).toContainEqual({
      op: PatchOp.Insert,
      parent: ul,
      index: 1,
      node: raw('<li data-id="9">nine</li>'),
    });
  });

  it("refuses an item render that is not one element", () => {
    function Bad() {
      const s = stream<number>({ key: (n) => n, render: (n) => <>{n}</> });
      s.append([1]);
      return () => <StreamList of={s} />;
    }
    expect(() => mountTest(Bad)).toThrow(/one element/);
  });
});
