// @vitest-environment happy-dom
/**
 * The built-in `Prefetch` hook in a DOM: a pointer resting on the link for `INTENT_MS`,
 * a press or keyboard focus pushes one `prefetch` event; a pointer that only crosses
 * the link pushes none; a changed `href` may push again; `destroyed` stops listening.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import prefetchHook, { INTENT_MS } from "../../../src/client/hooks/prefetch.ts";

let pushed: string[];
let link: HTMLAnchorElement;
let instance: ReturnType<typeof prefetchHook>;

const fire = (type: string): void => {
  link.dispatchEvent(new Event(type));
};

beforeEach(() => {
  vi.useFakeTimers();
  pushed = [];
  document.body.innerHTML = '<a id="l" href="/reports/1">One</a>';
  link = document.getElementById("l") as HTMLAnchorElement;
  instance = prefetchHook({
    el: link,
    options: null,
    pushEvent: (name) => pushed.push(name),
  });
});
afterEach(() => {
  if (instance) instance.destroyed?.();
  vi.useRealTimers();
});

describe("Prefetch hook", () => {
  it("a pointer resting INTENT_MS pushes once; one that crosses the link pushes nothing", () => {
    fire("pointerenter");
    vi.advanceTimersByTime(INTENT_MS - 1);
    fire("pointerleave");
    vi.advanceTimersByTime(INTENT_MS);
    expect(pushed).toEqual([]);
    fire("pointerenter");
    vi.advanceTimersByTime(INTENT_MS);
    expect(pushed).toEqual(["prefetch"]);
    fire("pointerleave");
    fire("pointerenter");
    vi.advanceTimersByTime(INTENT_MS);
    fire("focus");
    fire("pointerdown");
    expect(pushed).toEqual(["prefetch"]);
  });

  it("a press or keyboard focus pushes at once; a new href may push again", () => {
    fire("focus");
    expect(pushed).toEqual(["prefetch"]);
    link.setAttribute("href", "/reports/2");
    fire("pointerdown");
    expect(pushed).toEqual(["prefetch", "prefetch"]);
  });

  it("destroyed stops listening and clears a pending rest", () => {
    fire("pointerenter");
    instance!.destroyed!();
    instance = undefined;
    vi.advanceTimersByTime(INTENT_MS);
    fire("focus");
    expect(pushed).toEqual([]);
  });
});
