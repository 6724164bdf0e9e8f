/**
 * Out-of-order streaming chunks: from the patches of a flush, the outermost elements
 * they touch are sent whole in templates, with one swap call each (the function defined
 * once, in the first chunk); navigation and title patches become script; nothing
 * changed, nothing sent. `progressed` wakes on each arrival.
 */
import { describe, expect, test } from "vitest";
import { resource } from "../../src/data/resource.ts";
import type { Patch } from "../../src/protocol/patch.ts";
import { PatchOp } from "../../src/protocol/patch.ts";
import { Async } from "../../src/render/boundaries.ts";
import { StreamSwap } from "../../src/render/stream-swap.ts";
import { deferred } from "../data/helpers.ts";
import { mount } from "./live-root-harness.ts";

function Page(props: { a: Promise<string>; b: Promise<string> }) {
  const a = resource(() => props.a);
  const b = resource(() => props.b);
  return () => (
    <div>
      <h1>Title</h1>
      <section>
        <Async fallback={<p>a…</p>}>{() => <p>{a.value()}</p>}</Async>
      </section>
      <Async fallback={<p>b…</p>}>{() => <b>{b.value()}</b>}</Async>
    </div>
  );
}

const SCRIPT = /<script nonce="n\+1">(.*)<\/script>$/;

describe("StreamSwap", () => {
  test("each arrival: the outermost changed element in a template, one swap call; the function once", async () => {
    const a = deferred<string>();
    const b = deferred<string>();
    const h = mount(<Page a={a.promise} b={b.promise} />);
    const swap = new StreamSwap("n+1");
    expect(h.view.pending).toBe(2);

    setTimeout(() => a.resolve("A"), 1);
    expect(await h.view.progressed(1000)).toBe(true);
    const out: Patch[] = [];
    h.view.flush(out);
    const first = swap.chunk(h.view.root, out);
    expect(first.slice(0, first.indexOf("<script"))).toBe(
      '<template id="vango-s1"><section data-hid="4"><p data-hid="7">A</p></section></template>',
    );
    const script1 = SCRIPT.exec(first)![1]!;
    expect(script1.startsWith("function $vangoSwap(n,h,r){")).toBe(true);
    expect(script1.endsWith("}$vangoSwap(1,4,0);")).toBe(true);

    setTimeout(() => b.resolve("B"), 1);
    expect(await h.view.progressed(1000)).toBe(true);
    out.length = 0;
    h.view.flush(out);
    // The second boundary sits directly in the div (hid 2): the div is sent, once.
    expect(swap.chunk(h.view.root, out)).toBe(
      '<template id="vango-s2"><div data-hid="2"><h1 data-hid="3">Title</h1>' +
        '<section data-hid="4"><p data-hid="7">A</p></section><b data-hid="8">B</b></div></template>' +
        '<script nonce="n+1">$vangoSwap(2,2,0);</script>',
    );
    expect(h.view.pending).toBe(0);
    expect(await h.view.progressed(10)).toBe(true);
  });

  test("out of order: the later boundary resolves first and is sent first; each swap targets its own element", async () => {
    function Two(props: { a: Promise<string>; b: Promise<string> }) {
      const a = resource(() => props.a);
      const b = resource(() => props.b);
      return () => (
        <div>
          <section>
            <Async fallback={<p>a…</p>}>{() => <p>{a.value()}</p>}</Async>
          </section>
          <section>
            <Async fallback={<p>b…</p>}>{() => <p>{b.value()}</p>}</Async>
          </section>
        </div>
      );
    }
    const a = deferred<string>();
    const b = deferred<string>();
    const h = mount(<Two a={a.promise} b={b.promise} />);
    const swap = new StreamSwap("n+1");
    const out: Patch[] = [];
    setTimeout(() => b.resolve("B"), 1);
    expect(await h.view.progressed(1000)).toBe(true);
    h.view.flush(out);
    const first = swap.chunk(h.view.root, out);
    expect(first.slice(0, first.indexOf("<script"))).toBe(
      '<template id="vango-s1"><section data-hid="5"><p data-hid="7">B</p></section></template>',
    );
    expect(SCRIPT.exec(first)![1]!.endsWith("}$vangoSwap(1,5,0);")).toBe(true);
    expect(h.view.pending).toBe(1);

    setTimeout(() => a.resolve("A"), 1);
    expect(await h.view.progressed(1000)).toBe(true);
    out.length = 0;
    h.view.flush(out);
    // The first boundary's section only (its content numbered after B's, in arrival
    // order); the function is not sent again.
    expect(swap.chunk(h.view.root, out)).toBe(
      '<template id="vango-s2"><section data-hid="3"><p data-hid="8">A</p></section></template>' +
        '<script nonce="n+1">$vangoSwap(2,3,0);</script>',
    );
    expect(h.view.pending).toBe(0);
  });

  test("the root container swaps its children; nothing changed sends nothing", () => {
    const h = mount(<p>x</p>);
    const swap = new StreamSwap(undefined);
    expect(swap.chunk(h.view.root, [])).toBe("");
    const chunk = swap.chunk(h.view.root, [
      { op: PatchOp.Insert, parent: h.view.root.hid, index: 0, node: { kind: 2, text: "" } },
    ] as Patch[]);
    expect(chunk).toMatch(
      /^<template id="vango-s1"><p data-hid="2">x<\/p><\/template><script>function/,
    );
    expect(chunk.endsWith(`$vangoSwap(1,${h.view.root.hid},1);</script>`)).toBe(true);
  });

  test("title, URL and navigation patches become script, escaped for it; focus and scroll are dropped", () => {
    const h = mount(<p>x</p>);
    const swap = new StreamSwap("n");
    expect(
      swap.chunk(h.view.root, [
        { op: PatchOp.SetTitle, text: "</script><b>" },
        { op: PatchOp.ReplaceUrl, url: "/a?b=1" },
        { op: PatchOp.Navigate, url: "/next", replace: false },
        { op: PatchOp.Focus, hid: 2 },
        { op: PatchOp.ScrollTo, hid: 2, top: 0, left: 0, smooth: false },
      ] as Patch[]),
    ).toBe(
      '<script nonce="n">document.title="\\u003c/script\\u003e\\u003cb\\u003e";' +
        'history.replaceState(history.state,"","/a?b=1");location.assign("/next");</script>',
    );
  });

  test("progressed: false after the wait when nothing arrives", async () => {
    const a = deferred<string>();
    const b = deferred<string>();
    const h = mount(<Page a={a.promise} b={b.promise} />);
    expect(await h.view.progressed(20)).toBe(false);
    setTimeout(() => a.resolve("A"), 1);
    expect(await h.view.progressed(1000)).toBe(true);
    expect(h.view.pending).toBe(1);
  });
});
