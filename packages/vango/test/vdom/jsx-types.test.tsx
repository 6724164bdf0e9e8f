/**
 * Type-level tests of the JSX namespace: `tsc` checks this file (every
 * `@ts-expect-error` must hit an error); the runtime assertions only make sure the
 * expressions build nodes.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { JSX } from "../../src/jsx-runtime.ts";
import { on } from "../../src/vdom/event-binding.ts";
import type {
  CustomEventPayload,
  InputEventPayload,
  KeyEventPayload,
  MouseEventPayload,
  SubmitEventPayload,
} from "../../src/vdom/events.ts";
import type { VChild } from "../../src/vdom/vnode.ts";

function Counter(props: { start: number; label?: string }) {
  let n = props.start;
  return () => (
    <button type="button" onClick={() => n++}>
      {props.label ?? "count"}: {n}
    </button>
  );
}

function Card(props: { title: string; children?: VChild }) {
  return (
    <section>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}

const save = (e: KeyEventPayload) => e.key;

async function Later(props: { id: number }) {
  await Promise.resolve();
  return () => <p>{props.id}</p>;
}

describe("JSX types", () => {
  it("accepts async components as tags, with their props checked", () => {
    const ok = <Later id={1} />;
    // @ts-expect-error id must be a number
    const bad = <Later id="1" />;
    expect([ok, bad]).toHaveLength(2);
  });

  it("accepts well-typed intrinsic elements", () => {
    const nodes: JSX.Element[] = [
      <div id="a" class={["x", { y: true }]} style={{ color: "red", "--gap": 4 }} hidden />,
      <div className="a b" style="color: red" data-user-id={7} role="note" aria-label="l" />,
      <a href="/x" target="_blank" rel="noopener">
        details page
      </a>,
      <input type="checkbox" checked={false} value={3} name="n" disabled />,
      <select value="b">
        <option value="a" selected>
          A
        </option>
      </select>,
      <label htmlFor="n">n</label>,
      <td colspan={2} />,
      <img src="/a.png" alt="" loading="lazy" />,
      <svg viewBox="0 0 1 1">
        <title>icon</title>
        <path d="M0 0" fill="none" stroke-width={2} />
      </svg>,
      <my-widget anything={{ deep: 1 }} class="w" />,
      <Counter start={1} />,
      <Counter start={1} label="n" key="c" />,
      <Card title="t">
        <p>body</p>
      </Card>,
    ];
    expect(nodes).toHaveLength(13);
  });

  it("types event payloads per event prop", () => {
    const nodes = [
      <button
        type="button"
        onClick={(e) => {
          expectTypeOf(e).toEqualTypeOf<MouseEventPayload>();
          return e.clientX + e.modifiers.shiftKey.toString();
        }}
      />,
      <input onInput={(e) => expectTypeOf(e).toEqualTypeOf<InputEventPayload>()} />,
      <form onSubmit={(e) => expectTypeOf(e).toEqualTypeOf<SubmitEventPayload>()} />,
      <form onSubmit={(e) => e.fields.get("email") ?? e.fields.getAll("tag").join()} />,
      <input onKeyDown={on(save, { keys: ["Enter"], prevent: true })} />,
      <input onKeyDown={on((e) => expectTypeOf(e).toEqualTypeOf<KeyEventPayload>())} />,
      <input onInput={on(() => undefined, { debounce: 300 })} />,
      <div onScroll={(e) => e.scrollTop + e.scrollLeft} onFocus={null} />,
      <div onPointerMove={(e) => e.pointerType === "pen"} />,
      <button type="button" onClick={async () => {}} />,
    ];
    expect(nodes).toHaveLength(10);
  });

  it("rejects wrong props", () => {
    const nodes = [
      // @ts-expect-error href is not a div attribute
      <div href="/x" />,
      // @ts-expect-error checked belongs to inputs
      <div checked />,
      // @ts-expect-error unknown input type
      <input type="bogus" />,
      // @ts-expect-error unknown intrinsic element (no dash)
      <foo />,
      // @ts-expect-error event handlers are functions, never strings
      <button type="button" onClick="alert(1)" />,
      // @ts-expect-error input events carry no key
      <input onInput={(e) => e.key} />,
      // @ts-expect-error a key handler bound to a click
      <button type="button" onClick={on(save)} />,
      // biome-ignore lint/correctness/noVoidElementsWithChildren: the type error is under test
      <br>
        {/* @ts-expect-error void elements take no children */}
        {"text"}
      </br>,
      // @ts-expect-error style values are strings or numbers
      <div style={{ color: true }} />,
      // @ts-expect-error class is a string, list or record
      <div class={5} />,
      // @ts-expect-error onclick (lowercase) is not an event prop
      <button type="button" onclick={() => {}} />,
      // @ts-expect-error component prop of the wrong type
      <Counter start="1" />,
      // @ts-expect-error missing required component prop
      <Counter />,
      // @ts-expect-error Counter takes no children
      <Counter start={1}>x</Counter>,
      // @ts-expect-error a custom event's handler is a function or a binding
      <div onUrlpop="go()" />,
      // @ts-expect-error a custom event's handler is a function, never a number
      <section onSortEnd={5} />,
    ];
    expect(nodes).toHaveLength(16);
  });

  // Regression (issue 10, defect 7): custom DOM events and hook events on any element.
  it("accepts custom and hook event props on every element", () => {
    const nodes: JSX.Element[] = [
      <div onUrlpop={(e) => e.detail} />,
      <ul onSortEnd={(e: CustomEventPayload<{ from: number; to: number }>) => e.detail.to} />,
      <input onCompositionEnd={on((e: CustomEventPayload) => e.detail, { debounce: 50 })} />,
      <svg viewBox="0 0 1 1" onZoom={() => {}} />,
      <my-widget onChanged={(e: CustomEventPayload<string>) => e.detail.length} />,
    ];
    expect(nodes).toHaveLength(5);
  });

  it("types the built-in hooks' events on every element", () => {
    const nodes: JSX.Element[] = [
      <ol
        onReorder={(e) =>
          expectTypeOf(e.detail).toEqualTypeOf<{ readonly from: number; readonly to: number }>()
        }
      />,
      <div onDismiss={(e) => expectTypeOf(e.detail).toEqualTypeOf<null>()} />,
      <button type="button" onOpenChange={(e) => e.detail.open} />,
      <div onItemSelect={on((e) => e.detail.value.length + e.detail.index, { debounce: 10 })} />,
      // @ts-expect-error a reorder carries numbers, not strings
      <ol onReorder={(e: CustomEventPayload<{ from: string }>) => e.detail.from} />,
      // @ts-expect-error open is a boolean
      <div onOpenChange={(e) => e.detail.open.length} />,
    ];
    expect(nodes).toHaveLength(6);
  });
});
