/**
 * Boundaries in the live renderer. A boundary is an instance whose visible child list is
 * chosen by the renderer, not by a render function:
 *  - `<ErrorBoundary>` shows its content (the children, in a `ContentRegion`) until the
 *    content throws while being set up or rendered; then it disposes the content and
 *    shows `fallback(error, reset)` (in a `FallbackRegion`); `reset` mounts the content
 *    anew.
 *  - `<Async>` keeps its content mounted and shows the fallback instead while any
 *    component in the content is suspended (see `suspense.ts`). Hidden content keeps
 *    rendering, but none of it reaches the client: the flush records no patches for
 *    instances in a hidden region, and when the region is shown again every host node of
 *    the content is rebuilt from its fibers (fresh, hid 0), so the diff inserts it whole.
 *
 * A boundary changes what it shows ("flips") either on the stack, while it reconciles
 * its own content (a throw or a suspension comes back to it), or later, when an
 * instance of its content re-renders on its own during a flush: the flush then renders
 * the boundary again in a later pass of the same flush (see `live-root.ts`).
 */

import type { VComponent } from "../vdom/vnode.ts";
import { VKind, VNODE, type VNode } from "../vdom/vnode.ts";
import {
  Async,
  type AsyncProps,
  ContentRegion,
  ErrorBoundary,
  type ErrorBoundaryProps,
  FallbackRegion,
  type RegionChildren,
} from "./boundaries.ts";
import { Instance } from "./instance.ts";
import { rebuildHostList } from "./live-root-rebuild.ts";
import { MountError, MountErrorCode } from "./mount-error.ts";
import {
  disposeFibers,
  type ElementFiber,
  type Fiber,
  type MountEnv,
  NO_FIBERS,
} from "./mount-fiber.ts";
import { reconcileList } from "./mount-reconcile.ts";

export const BoundaryKind = { Error: 1, Async: 2 } as const;
export type BoundaryKind = (typeof BoundaryKind)[keyof typeof BoundaryKind];

const NO_VNODES: VNode[] = [];

export class Boundary {
  readonly kind: BoundaryKind;
  readonly inst: Instance;
  /** The content region (one fiber), mounted; empty after an error. */
  content: Fiber[] = NO_FIBERS;
  /** The fallback region (one fiber) while shown, else empty. */
  fallback: Fiber[] = NO_FIBERS;
  /** Error boundary: the content threw `error` (as thrown) and is disposed. */
  failed = false;
  error: unknown = undefined;
  /** Async: suspended instances in the content. */
  pending = 0;
  /** Async: the fallback is shown while the content stays mounted. */
  hidden = false;
  /** Reconciling its content right now: suspensions inside it need no flip. */
  busy = false;
  /** Instances of the hidden content whose `onMount` waits for the content to show. */
  deferredMounts: Instance[] | null = null;
  /** Error boundary: mounts the content anew (stable, so props can hold it). */
  readonly reset: () => void;

  constructor(kind: BoundaryKind, inst: Instance) {
    this.kind = kind;
    this.inst = inst;
    this.reset = () => {
      if (!this.failed || inst.disposed) return;
      this.failed = false;
      this.error = undefined;
      inst.env.invalidate(inst);
    };
  }

  /** A suspended instance appeared in the content. */
  addPending(): void {
    if (this.pending++ === 0 && !this.busy) this.inst.env.flip(this.inst);
  }

  /** A suspended instance of the content resumed or went away. */
  removePending(): void {
    if (this.pending === 0) return;
    if (--this.pending === 0 && !this.busy) this.inst.env.flip(this.inst);
  }

  /** Takes `error` (thrown in the content); the next refresh shows the fallback. */
  capture(error: unknown): void {
    let original = error;
    let stack: readonly string[] = [];
    if (error instanceof MountError && error.code === MountErrorCode.renderError) {
      original = error.cause;
      stack = error.componentStack;
    }
    this.failed = true;
    this.error = original;
    const onError = (this.inst.props.raw as Partial<ErrorBoundaryProps>).onError;
    if (typeof onError === "function") onError(original, { componentStack: stack });
  }

  /** Disposes the child list that is not the instance's visible one. */
  disposeHidden(errors: unknown[] | null): unknown[] | null {
    const visible = this.inst.children;
    if (this.content !== visible) errors = disposeFibers(this.content, errors);
    if (this.fallback !== visible) errors = disposeFibers(this.fallback, errors);
    this.content = this.fallback = NO_FIBERS;
    if (this.hidden) {
      this.hidden = false;
      this.inst.env.hiddenRegions--;
    }
    this.deferredMounts = null;
    return errors;
  }
}

/** Whether `type` is one of the boundary components. */
export function isBoundaryType(type: unknown): boolean {
  return type === ErrorBoundary || type === Async;
}

/** Mounts a boundary instance and its first visible child list. */
export function mountBoundary(
  env: MountEnv,
  parent: Instance | null,
  hostParent: ElementFiber,
  v: VComponent,
): Instance {
  const inst = new Instance(env, v, parent, hostParent);
  inst.boundary = new Boundary(v.type === Async ? BoundaryKind.Async : BoundaryKind.Error, inst);
  // A restoring mount finds its children's persisted state below the boundary's place.
  env.state?.place(inst);
  try {
    inst.children = refreshBoundary(env, inst);
  } catch (error) {
    inst.disposeInto(null);
    throw error;
  }
  return inst;
}

/**
 * Reconciles a boundary's content and fallback with its current props and state;
 * returns the list to show (also `inst.children` after the call).
 */
export function refreshBoundary(env: MountEnv, inst: Instance): Fiber[] {
  const b = inst.boundary!;
  return b.kind === BoundaryKind.Error ? refreshError(env, inst, b) : refreshAsync(env, inst, b);
}

function refreshError(env: MountEnv, inst: Instance, b: Boundary): Fiber[] {
  const props = inst.props.raw as Partial<ErrorBoundaryProps>;
  if (!b.failed) {
    try {
      b.content = reconcileList(env, inst, inst.hostParent, b.content, [
        region(ContentRegion, props.children),
      ]);
    } catch (error) {
      b.capture(error);
    }
  }
  if (!b.failed) {
    if (b.fallback !== NO_FIBERS) b.fallback = dispose(env, b.fallback);
    return b.content;
  }
  if (b.content !== NO_FIBERS) b.content = dispose(env, b.content);
  const fallback = props.fallback;
  const error = b.error;
  const reset = b.reset;
  b.fallback = reconcileList(env, inst, inst.hostParent, b.fallback, [
    region(FallbackRegion, () => (typeof fallback === "function" ? fallback(error, reset) : null)),
  ]);
  return b.fallback;
}

function refreshAsync(env: MountEnv, inst: Instance, b: Boundary): Fiber[] {
  const props = inst.props.raw as Partial<AsyncProps>;
  b.busy = true;
  try {
    b.content = reconcileList(env, inst, inst.hostParent, b.content, [
      region(ContentRegion, props.children),
    ]);
  } finally {
    b.busy = false;
  }
  if (b.pending > 0) {
    b.fallback = reconcileList(env, inst, inst.hostParent, b.fallback, [
      region(FallbackRegion, props.fallback),
    ]);
    if (!b.hidden) {
      b.hidden = true;
      env.hiddenRegions++;
    }
    return b.fallback;
  }
  if (b.fallback !== NO_FIBERS)
    b.fallback = reconcileList(env, inst, inst.hostParent, b.fallback, NO_VNODES);
  if (b.hidden) {
    b.hidden = false;
    env.hiddenRegions--;
    // The content's host nodes were built while hidden, or left the client when it was
    // hidden: fresh ones (hid 0) let the diff insert the whole region.
    rebuildHostList(b.content);
    const waiting = b.deferredMounts;
    b.deferredMounts = null;
    if (waiting !== null) for (const w of waiting) if (!w.disposed) env.queueMount(w);
  }
  return b.content;
}

/** Disposes `fibers` (cleanup errors go to the flush); returns the empty list. */
function dispose(env: MountEnv, fibers: Fiber[]): Fiber[] {
  const errors = disposeFibers(fibers, null);
  if (errors !== null) for (const e of errors) env.defer(e);
  return NO_FIBERS;
}

function region(type: typeof ContentRegion, children: RegionChildren | undefined): VComponent {
  return {
    $$typeof: VNODE,
    kind: VKind.Component,
    type,
    key: undefined,
    props: { children },
  };
}

/**
 * The nearest boundary of `kind` whose content holds `inst` (a boundary's fallback is
 * outside it: what the fallback throws goes to the next boundary up).
 */
export function nearestBoundary(inst: Instance, kind: BoundaryKind): Boundary | null {
  let child = inst;
  for (let p = inst.parent; p !== null; child = p, p = p.parent) {
    const b = p.boundary;
    if (b !== null && b.kind === kind && child.type === ContentRegion) return b;
  }
  return null;
}

/** Whether `inst` is in the content of an `<Async>` that shows its fallback. */
export function isHidden(inst: Instance): boolean {
  let child = inst;
  for (let p = inst.parent; p !== null; child = p, p = p.parent) {
    const b = p.boundary;
    if (b?.hidden && child.type === ContentRegion) return true;
  }
  return false;
}

/** Whether `inst` is a descendant of boundary instance `b` (not `b` itself). */
export function isInside(inst: Instance, b: Instance): boolean {
  for (let p = inst.parent; p !== null; p = p.parent) if (p === b) return true;
  return false;
}

/**
 * An instance's own re-render threw during a flush: hands `error` to the nearest error
 * boundary around it, which flips to its fallback in a later pass of the flush. False
 * when no boundary takes it.
 */
export function captureError(inst: Instance, error: unknown): boolean {
  const b = nearestBoundary(inst, BoundaryKind.Error);
  if (b === null || b.inst.disposed) return false;
  // Already failed in this flush: its content goes away with the first error.
  if (b.failed) return true;
  b.capture(error);
  inst.env.flip(b.inst);
  return true;
}

/**
 * Keeps `inst`'s `onMount` callbacks until its hidden region shows (the outermost hidden
 * one, so they wait for every enclosing region); false when `inst` is not hidden.
 */
export function deferMount(inst: Instance): boolean {
  let outer: Boundary | null = null;
  let child = inst;
  for (let p = inst.parent; p !== null; child = p, p = p.parent) {
    const b = p.boundary;
    if (b?.hidden && child.type === ContentRegion) outer = b;
  }
  if (outer === null) return false;
  if (outer.deferredMounts === null) outer.deferredMounts = [inst];
  else outer.deferredMounts.push(inst);
  return true;
}
