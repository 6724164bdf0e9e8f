import { describe, expect, test } from "vitest";
import { flattenFibers } from "../../src/render/flatten-host.ts";
import {
  ElementFiber,
  type Fiber,
  FragmentFiber,
  newHostElement,
  RawFiber,
  TextFiber,
} from "../../src/render/mount-fiber.ts";
import { HKind } from "../../src/vdom/host.ts";
import { type TrustedHtml, VNODE } from "../../src/vdom/vnode.ts";

const el = (tag: string, fid: number) =>
  new ElementFiber(fid, null, newHostElement(tag, fid, {}, null), []);
const text = (t: string) => new TextFiber(t);
const frag = (...children: Fiber[]) => new FragmentFiber(undefined, children);
const rawNode = (html: string) =>
  new RawFiber({ $$typeof: VNODE, kind: 5, html: html as TrustedHtml });

describe("flattenFibers", () => {
  test("merges adjacent texts through fragments and drops empty ones", () => {
    const b = el("b", 1);
    const t1 = text("a");
    const out = flattenFibers([
      t1,
      frag(text(""), text("b"), frag(text("c"))),
      b,
      text(""),
      text("d"),
    ]);
    expect(out).toEqual([
      { kind: HKind.Text, text: "abc" },
      b.host,
      { kind: HKind.Text, text: "d" },
    ]);
    expect(out[1]).toBe(b.host);
    // An unmerged text is the fiber's own (immutable) node.
    const single = flattenFibers([t1]);
    expect(single[0]).toBe(t1.host);
    // Merging never mutates a fiber's node.
    expect(t1.host.text).toBe("a");
  });

  test("a raw node must be the only child", () => {
    const r = rawNode("<p>x</p>");
    expect(flattenFibers([frag(r), text("")])).toEqual([r.host]);
    let code: unknown;
    try {
      flattenFibers([r, text("x")]);
    } catch (e) {
      code = (e as { code?: unknown }).code;
    }
    expect(code).toBe("raw_html_not_only_child");
  });

  test("an empty list stays empty", () => {
    expect(flattenFibers([frag(), text("")])).toEqual([]);
  });
});
