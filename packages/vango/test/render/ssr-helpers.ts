/** Shared helpers of the SSR tests. */
import { RenderError } from "../../src/render/render-error.ts";
import type { Component } from "../../src/vdom/vnode.ts";

/** Async components are not in the JSX component type (sync renders reject them). */
export function asyncComponent<P>(fn: (props: P) => Promise<unknown>): Component<P> {
  return fn as unknown as Component<P>;
}

/** The code of the `RenderError` `fn` throws; fails when it throws nothing or another error. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof RenderError) return e.code;
    throw e;
  }
  throw new Error("expected a RenderError");
}
