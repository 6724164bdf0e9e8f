/**
 * The fingerprint a checkpoint keeps of its page's tree: equal trees agree, and any
 * difference the browser's DOM would show (tag, hid, attribute, text, raw HTML, shape)
 * changes it — including splits of the same characters between neighbours.
 */
import { describe, expect, it } from "vitest";
import { NodeKind } from "../../src/protocol/patch.ts";
import { hashBytes, hashEnd, hashHost, hashStart } from "../../src/render/host-hash.ts";
import type { HElement, HNode } from "../../src/vdom/host.ts";

function el(tag: string, hid: number, attrs: Record<string, string>, ...children: HNode[]) {
  return {
    kind: NodeKind.Element,
    tag,
    key: undefined,
    hid,
    attrs,
    handlers: null,
    children,
  } satisfies HElement;
}
const text = (t: string): HNode => ({ kind: NodeKind.Text, text: t });
const rawHtml = (html: string): HNode => ({ kind: NodeKind.Raw, html });

const page = () => [
  el("div", 2, { class: "box" }, el("h1", 3, {}, text("Count: "), text("4")), el("button", 4, {})),
];

describe("hashHost", () => {
  it("gives what earlier versions gave (checkpoints on disk hold it)", () => {
    const tree = [...page(), rawHtml("<b>x</b>"), text("héllo ✓")];
    expect(hashHost(tree)).toBe("aehnwo8j1s");
    hashStart();
    hashBytes(new TextEncoder().encode('[1,[2,"sid","/"]]'), 12);
    expect(hashEnd()).toBe(13102218436678);
  });

  it("is the same for equal trees and a short base-36 string", () => {
    expect(hashHost(page())).toBe(hashHost(page()));
    expect(hashHost(page())).toMatch(/^[0-9a-z]{1,11}$/);
  });

  it("changes with anything the DOM shows", () => {
    const base = hashHost(page());
    const variants: HNode[][] = [
      [
        el(
          "section",
          2,
          { class: "box" },
          el("h1", 3, {}, text("Count: "), text("4")),
          el("button", 4, {}),
        ),
      ],
      [
        el(
          "div",
          9,
          { class: "box" },
          el("h1", 3, {}, text("Count: "), text("4")),
          el("button", 4, {}),
        ),
      ],
      [
        el(
          "div",
          2,
          { class: "boxes" },
          el("h1", 3, {}, text("Count: "), text("4")),
          el("button", 4, {}),
        ),
      ],
      [
        el(
          "div",
          2,
          { id: "box" },
          el("h1", 3, {}, text("Count: "), text("4")),
          el("button", 4, {}),
        ),
      ],
      [
        el(
          "div",
          2,
          { class: "box" },
          el("h1", 3, {}, text("Count: "), text("5")),
          el("button", 4, {}),
        ),
      ],
      [el("div", 2, { class: "box" }, el("h1", 3, {}, text("Count: 4")), el("button", 4, {}))],
      [
        el(
          "div",
          2,
          { class: "box" },
          el("h1", 3, {}, text("Count: "), rawHtml("4")),
          el("button", 4, {}),
        ),
      ],
      [
        el(
          "div",
          2,
          { class: "box" },
          el("h1", 3, {}, text("Count: "), text("4"), el("button", 4, {})),
        ),
      ],
      [
        el("div", 2, { class: "box" }, el("h1", 3, {}, text("Count: "), text("4"))),
        el("button", 4, {}),
      ],
    ];
    const seen = new Set([base, ...variants.map(hashHost)]);
    expect(seen.size).toBe(variants.length + 1);
  });

  it("tells apart the same characters split differently", () => {
    expect(hashHost([text("ab"), text("c")])).not.toBe(hashHost([text("a"), text("bc")]));
    expect(hashHost([el("p", 1, { a: "bc" })])).not.toBe(hashHost([el("p", 1, { ab: "c" })]));
    expect(hashHost([el("p", 1, { a: "" }, text("x"))])).not.toBe(
      hashHost([el("p", 1, {}, text("x"))]),
    );
  });
});

describe("hashBytes", () => {
  it("hashes the prefix it is given", () => {
    const hash = (b: Uint8Array, end: number) => {
      hashStart();
      hashBytes(b, end);
      return hashEnd();
    };
    const a = new Uint8Array([1, 2, 3, 4]);
    const b = new Uint8Array([1, 2, 3, 9]);
    expect(hash(a, 3)).toBe(hash(b, 3));
    expect(hash(a, 4)).not.toBe(hash(b, 4));
    expect(Number.isSafeInteger(hash(a, 4)) && hash(a, 4) >= 0).toBe(true);
  });
});
