/**
 * A hook for `<form>` elements: whoever provides {@link FormEnhancerContext} (the router,
 * for a session's page) sees every form its subtree renders and may return it changed —
 * the CSRF field added to POST forms, a submit handler bound to the page's action. The
 * renderer applies it to live and re-rendered forms alike, so a form keeps the same
 * extra children from render to render (and hids stay stable).
 */
import type { VElement } from "../vdom/vnode.ts";
import { type ContextScope, contextFrom, createContext } from "./context.ts";

export interface FormEnhancer {
  /** Returns the form to render instead of `form` (or `form` itself). */
  enhanceForm(form: VElement): VElement;
}

/** @internal Provided by the page view. */
export const FormEnhancerContext = createContext<FormEnhancer | null>(null, "FormEnhancer");

/**
 * Each original vnode maps to its enhanced one, so a hoisted or unchanged form vnode
 * stays the same object and the renderer's identity fast path still applies.
 */
const enhanced = new WeakMap<VElement, VElement>();

/** @internal `v` as the enhancer in scope wants it (`v` when none is provided). */
export function enhanceForm(scope: ContextScope | null, v: VElement): VElement {
  const enhancer = contextFrom(scope, FormEnhancerContext);
  if (enhancer === null) return v;
  let out = enhanced.get(v);
  if (out === undefined) {
    out = enhancer.enhanceForm(v);
    enhanced.set(v, out);
  }
  return out;
}
