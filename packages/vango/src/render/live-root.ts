/**
 * The live renderer: mounts a VNode tree into a host tree of component instances, and
 * on each flush re-renders the dirty components and turns the changes into patches.
 *
 * A flush renders dirty instances shallowest first (a child reached while its parent
 * re-renders is rendered there, once; a clean child keeps its fibers and cached host
 * nodes). Then each re-rendered instance's output goes live in one of two ways:
 *  - if it was and still is only elements, from the same fibers (the common case: one
 *    root element), each new element is diffed against the one it replaces and swapped
 *    into the parent's child list, leaving the siblings alone (O(1) in their number);
 *  - otherwise the parent element's child list is rebuilt from its fibers and diffed
 *    against the live one: untouched nodes are the same objects in both lists, so the
 *    diff skips them.
 * Only after every diff succeeded is anything swapped in; a failure anywhere leaves the
 * live tree as the client has it and makes the next flush rebuild the whole tree from
 * fibers.
 *
 * Boundaries (`boundary-live.ts`) add two rules. An instance in the hidden content of an
 * `<Async>` re-renders without recording anything to patch (its region is rebuilt when
 * shown). And a boundary that must flip because an instance inside it failed, suspended
 * or resumed while rendering on its own is rendered in a later pass of the same flush;
 * what earlier passes recorded inside it is dropped first, since its flip replaces (or
 * hides) that whole region.
 */
import { ROOT_ID } from "../protocol/dom-attrs.ts";
import type { Patch } from "../protocol/patch.ts";
import { pauseTracking, resumeTracking } from "../reactive/batch.ts";
import { createRoot, getOwner, type ReadonlySignal, untracked } from "../reactive/index.ts";
import { atRest, sourceNodes } from "../reactive/quiescence.ts";
import { normalizeChildren } from "../vdom/children.ts";
import { assignHids, diff } from "../vdom/diff.ts";
import { type EventBinding, type HElement, HKind, type HNode } from "../vdom/host.ts";
import type { VChild } from "../vdom/vnode.ts";
import { captureError, deferMount, isHidden, isInside } from "./boundary-live.ts";
import { flattenFibers, topElementHosts } from "./flatten-host.ts";
import { empty, type FlushLists, releaseFlushLists, takeFlushLists } from "./flush-lists.ts";
import type { Instance } from "./instance.ts";
import { rebuildHostList, shellOf } from "./live-root-rebuild.ts";
import { HidRegistry } from "./live-root-registry.ts";
import { RootState } from "./live-root-state.ts";
import { toRenderError } from "./mount-error.ts";
import {
  disposeFibers,
  ElementFiber,
  NO_FIBERS,
  newHostElement,
  throwCollected,
} from "./mount-fiber.ts";
import { reconcileList, rerenderInstance } from "./mount-reconcile.ts";
import { ownSignals, type StateEntry, StateSlots } from "./state-slots.ts";

/** A mounted view, as the session runtime drives it. */
export interface LiveRoot {
  /** `<div id="vango-root">` (hid `hidStart`, default 1) with the current host subtree. */
  readonly root: HElement;
  /** The live element with this hid, if any (O(1)). */
  element(hid: number): HElement | undefined;
  /** The binding of `event` on element `hid`, if that element still listens to it. */
  handler(hid: number, event: string): EventBinding | undefined;
  /** True when a flush has work to do. */
  readonly dirty: boolean;
  /**
   * Re-renders every dirty component (ancestors first, each at most once), diffs, and
   * appends the patches to `out`; returns how many it appended. Throws a `render_error`
   * (cause: what setup/render threw) or the renderer's own coded error, with `out` as it
   * was: the root stays usable and a later flush catches up. Called while this root is
   * flushing (from a render or an `onMount` callback), it does nothing and returns 0: the
   * flush under way renders what is dirty, or calls `onDirty` again when it is done.
   */
  flush(out: Patch[]): number;
  /** Resource fetches and async component setups in flight under this root. */
  readonly pending: number;
  /**
   * Resolves `true` once nothing is pending (at once when nothing is), `false` after
   * `ms` or once `stop` aborts. Settled data makes components dirty: flush before
   * reading the tree, and wait again if that render started more fetches.
   * @example
   * if (!(await view.settled(50))) log("slow data will arrive as patches");
   * view.flush([]); // the tree now shows what arrived in time
   */
  settled(ms: number, stop?: AbortSignal): Promise<boolean>;
  /** Resolves `true` once any pending task settles (at once when none is), `false` after `ms`. */
  progressed(ms: number): Promise<boolean>;
  /**
   * The persisted state of every component, in document order (`persist` option on;
   * else empty).
   */
  collectState(): StateEntry[];
  /**
   * Every element's hid below the root, in document pre-order — or none when they are
   * numbered as a fresh mount numbers them (the root's hid + 1, + 2, … in pre-order,
   * what every tree whose elements were never added or replaced has): a checkpoint then
   * holds no list that grows with the page.
   */
  hids(): number[];
  /**
   * Gives the elements below the root, in document pre-order, the hids `hids` (those of a
   * checkpointed tree the browser still shows; none: a fresh mount's numbering, see
   * {@link hids}); `false`, changing nothing, when the counts differ.
   */
  adoptHids(hids: readonly number[]): boolean;
  /**
   * True when the view can be parked: state recorded for checkpoints (`persist`),
   * nothing dirty or pending, and every component's tracked reads are of its own
   * recorded signals, its props, or `shared` (signals of the view's owner that a rebuilt
   * view reads again), with no effect and no cleanup but `onRelease` ones (see
   * `reactive/quiescence.ts`).
   */
  atRest(shared: readonly ReadonlySignal<unknown>[]): boolean;
  /** Disposes every component (their cleanups run) and clears the registry. */
  dispose(): void;
}

export interface MountLiveOptions {
  /** Called when a component becomes dirty; the caller batches and calls `flush`. */
  onDirty: () => void;
  /** Hid of the root container; descendants are numbered after it. Default 1. */
  hidStart?: number;
  /** Extra attributes of the root container (`id` is always `ROOT_ID`). */
  rootAttrs?: Record<string, string>;
  /**
   * Record the signals components create in setup, for checkpoints; `restore` maps a
   * component's place to the values its signals start with (a session rebuilt after a
   * restart or on another instance).
   */
  persist?: { readonly restore?: ReadonlyMap<string, readonly unknown[]> };
}

/**
 * Mounts `node` inside a `<div id="vango-root">` host element. Hids follow document
 * pre-order from `hidStart`, exactly as `renderPage` numbers the same tree. Throws a
 * `render_error` if a component's setup or render throws (everything already mounted
 * is disposed).
 * @example
 * const view = mountLive(<Counter />, { onDirty: () => queueMicrotask(() => send(view)) });
 * const out: Patch[] = [];
 * view.handler(3, "click")?.handler({});
 * view.flush(out); // [{ op: PatchOp.SetText, parent: 2, index: 0, text: "Count: 1" }]
 */
export function mountLive(node: VChild, opts: MountLiveOptions): LiveRoot {
  return new LiveView(node, opts);
}

/** True when the elements below `el` are numbered `next`, `next` + 1, … in pre-order. */
function numberedFrom(el: HElement, next: { hid: number }): boolean {
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.kind !== HKind.Element) continue;
    if (c.hid !== next.hid++ || !numberedFrom(c, next)) return false;
  }
  return true;
}

/** Calls `fn` for every element below `root`, in document pre-order. */
function eachElement(root: HElement, fn: (el: HElement) => void): void {
  for (const c of root.children) {
    if (c.kind === HKind.Element) {
      fn(c);
      eachElement(c, fn);
    }
  }
}

class LiveView implements LiveRoot {
  readonly root: HElement;
  readonly #state: RootState;
  readonly #registry: HidRegistry;
  readonly #fiber: ElementFiber;
  readonly #disposeOwner: () => void;
  /** A flush failed: the next one rebuilds every host node from fibers. */
  #broken = false;
  #disposed = false;
  /** Restoring persisted state until the first mount's data has arrived and rendered. */
  #restoring = false;

  constructor(node: VChild, opts: MountLiveOptions) {
    let disposeOwner: () => void = noop;
    const owner = createRoot((dispose) => {
      disposeOwner = dispose;
      return getOwner();
    });
    this.#disposeOwner = disposeOwner;
    const slots = opts.persist === undefined ? null : new StateSlots(opts.persist.restore);
    this.#state = new RootState(owner, opts.onDirty, slots);
    this.#registry = new HidRegistry(opts.hidStart ?? 1);
    const fid = this.#state.nextFid();
    this.root = newHostElement("div", fid, rootAttrs(opts.rootAttrs), null);
    this.#fiber = new ElementFiber(fid, null, this.root, NO_FIBERS);
    this.#mount(node);
    this.#restoring = slots !== null;
    this.#endRestore();
  }

  /**
   * Ends the restore once nothing the first mount started is in flight: components that
   * mount when that data arrives (under `<Async>`) still find their checkpointed state.
   */
  #endRestore(): void {
    if (!this.#restoring || this.#state.tasks.count > 0) return;
    this.#restoring = false;
    this.#state.state?.restored();
  }

  collectState(): StateEntry[] {
    return this.#state.state?.collect(this.#fiber.children) ?? [];
  }

  hids(): number[] {
    const out: number[] = [];
    if (numberedFrom(this.root, { hid: this.root.hid + 1 })) return out;
    eachElement(this.root, (el) => out.push(el.hid));
    return out;
  }

  adoptHids(hids: readonly number[]): boolean {
    const els: HElement[] = [];
    eachElement(this.root, (el) => els.push(el));
    if (hids.length === 0) hids = els.map((_, i) => this.root.hid + 1 + i);
    if (els.length !== hids.length) return false;
    let max = this.root.hid;
    for (let i = 0; i < els.length; i++) {
      this.#registry.unmounted(els[i]!);
      const h = hids[i]!;
      if (h > max) max = h;
    }
    for (let i = 0; i < els.length; i++) {
      (els[i] as { hid: number }).hid = hids[i]!;
      this.#registry.set(els[i]!);
    }
    this.#registry.skipTo(max + 1);
    return true;
  }

  get dirty(): boolean {
    return this.#state.dirtyCount > 0 || this.#broken;
  }

  atRest(shared: readonly ReadonlySignal<unknown>[]): boolean {
    const s = this.#state;
    if (s.state === null || s.rootOwner === null || this.#disposed || this.#restoring) return false;
    if (this.dirty || s.busy || s.tasks.count > 0 || s.mounts.length > 0) return false;
    const own = shared.slice();
    return ownSignals(this.#fiber.children, own) && atRest(s.rootOwner, sourceNodes(own));
  }

  get pending(): number {
    return this.#state.tasks.count;
  }

  settled(ms: number, stop?: AbortSignal): Promise<boolean> {
    return this.#state.tasks.settled(ms, stop);
  }

  progressed(ms: number): Promise<boolean> {
    return this.#state.tasks.progressed(ms);
  }

  element(hid: number): HElement | undefined {
    return this.#registry.get(hid);
  }

  handler(hid: number, event: string): EventBinding | undefined {
    const handlers = this.#registry.get(hid)?.handlers;
    if (handlers === null || handlers === undefined || !Object.hasOwn(handlers, event)) {
      return undefined;
    }
    return handlers[event];
  }

  #mount(node: VChild): void {
    const s = this.#state;
    s.busy = true;
    try {
      untracked(() => {
        const fibers = reconcileList(s, null, this.#fiber, NO_FIBERS, normalizeChildren(node));
        this.#fiber.children = fibers;
        this.root.children = flattenFibers(fibers);
        this.#throwDeferred();
        assignHids(this.root, this.#registry);
      });
      this.#runMounts();
    } catch (error) {
      s.busy = false;
      try {
        this.dispose();
      } catch {
        // The mount error is the one the caller needs; cleanup errors are secondary.
      }
      throw error;
    }
    s.busy = false;
    s.notifyIfDirty();
  }

  flush(out: Patch[]): number {
    const s = this.#state;
    if (this.#disposed || s.busy || (s.dirtyCount === 0 && !this.#broken)) return 0;
    const start = out.length;
    const lists = takeFlushLists();
    s.busy = true;
    try {
      const prevSub = pauseTracking();
      try {
        this.#render(out, lists);
      } finally {
        resumeTracking(prevSub);
      }
      this.#runMounts();
    } catch (error) {
      out.length = start;
      this.#rollback(lists);
      s.deferred = null;
      s.busy = false;
      s.notify = false;
      throw error;
    } finally {
      releaseFlushLists(lists);
    }
    this.#broken = false;
    s.busy = false;
    if (this.#restoring) this.#endRestore();
    s.notifyIfDirty();
    return out.length - start;
  }

  #render(out: Patch[], lists: FlushLists): void {
    const swaps = lists.swaps;
    try {
      // Created only when a re-render cannot be patched slot by slot (rare on events).
      const targets = this.#renderDirty(lists);
      this.#throwDeferred();
      if (this.#broken) {
        this.#renderAll(out, lists);
        return;
      }
      const registry = this.#registry;
      for (let i = 0; i < swaps.length; i += 3) {
        if (targets?.has((swaps[i] as Instance).hostParent)) continue;
        diff(swaps[i + 1] as HElement, swaps[i + 2] as HElement, registry, out);
      }
      let pending: HElement[] | null = null;
      if (targets !== null) {
        pending = [];
        for (const f of targets.keys()) {
          const live = f.host;
          const next = shellOf(live, flattenFibers(f.children));
          diff(live, next, registry, out);
          pending.push(next);
        }
      }
      // Commit: every diff succeeded.
      const undoSlots = lists.undoSlots;
      for (let i = 0; i < swaps.length; i += 3) {
        const f = (swaps[i] as Instance).hostParent;
        if (targets?.has(f)) continue;
        const list = f.host.children;
        const old = swaps[i + 1] as HElement;
        const at = list.indexOf(old);
        if (at < 0) throw new Error("live renderer invariant: a swapped element is not live");
        undoSlots.push(list, at, old);
        list[at] = swaps[i + 2] as HElement;
      }
      if (targets === null) return;
      let i = 0;
      for (const f of targets.keys()) {
        const live = f.host;
        lists.undo.push(live, live.children);
        live.children = pending![i++]!.children;
        registry.set(live);
      }
    } finally {
      this.#state.compactQueue();
    }
  }

  /**
   * Re-renders the dirty instances, shallowest first, recording in `lists.swaps` the
   * elements to patch one by one; returns the elements whose child lists must be rebuilt
   * instead (each with an instance whose output lives there). Then renders, pass by
   * pass, the boundaries that flipped meanwhile.
   */
  #renderDirty(lists: FlushLists): Map<ElementFiber, Instance> | null {
    const s = this.#state;
    const queue = s.queue;
    const n = queue.length;
    s.takeQueued(n);
    let targets: Map<ElementFiber, Instance> | null = null;
    s.rendering = true;
    try {
      for (let i = 0; i < n; i++) {
        const inst = queue[i]!;
        if (!inst.dirty || inst.disposed) continue;
        targets = this.#renderOne(inst, lists, targets);
      }
      while (s.flips.length > 0) {
        const flips = s.flips;
        s.flips = [];
        flips.sort(byDepth);
        for (const b of flips) {
          if (!b.dirty || b.disposed) continue;
          targets = dropInside(b, lists.swaps, targets);
          targets = this.#renderOne(b, lists, targets);
        }
      }
    } finally {
      s.rendering = false;
      if (s.flips.length > 0) s.flips = [];
    }
    return targets;
  }

  /** Re-renders `inst` and records how its output goes live (see `#renderDirty`). */
  #renderOne(
    inst: Instance,
    lists: FlushLists,
    targets: Map<ElementFiber, Instance> | null,
  ): Map<ElementFiber, Instance> | null {
    const s = this.#state;
    if (s.hiddenRegions > 0 && isHidden(inst)) {
      rerenderCaught(s, inst);
      return targets;
    }
    const { swaps, before, after } = lists;
    empty(before);
    empty(after);
    const simple = !this.#broken && topElementHosts(inst.children, before);
    if (!rerenderCaught(s, inst)) return targets;
    if (simple && topElementHosts(inst.children, after) && sameSlots(before, after)) {
      for (let k = 0; k < after.length; k++) {
        if (before[k] !== after[k]) swaps.push(inst, before[k] as HElement, after[k] as HElement);
      }
      return targets;
    }
    if (targets === null) targets = new Map<ElementFiber, Instance>();
    if (!targets.has(inst.hostParent)) targets.set(inst.hostParent, inst);
    return targets;
  }

  /** Recovery: diff the whole live tree against fresh host nodes built from the fibers. */
  #renderAll(out: Patch[], lists: FlushLists): void {
    const fibers = this.#fiber.children;
    rebuildHostList(fibers);
    const next = shellOf(this.root, flattenFibers(fibers));
    diff(this.root, next, this.#registry, out);
    lists.undo.push(this.root, this.root.children);
    this.root.children = next.children;
    this.#registry.reset(this.root);
  }

  /** After a failed flush: live child lists as the client has them, registry rebuilt. */
  #rollback(lists: FlushLists): void {
    const slots = lists.undoSlots;
    for (let i = slots.length - 3; i >= 0; i -= 3) {
      (slots[i] as HNode[])[slots[i + 1] as number] = slots[i + 2] as HNode;
    }
    const undo = lists.undo;
    for (let i = undo.length - 2; i >= 0; i -= 2) {
      (undo[i] as HElement).children = undo[i + 1] as HNode[];
    }
    this.#registry.reset(this.root);
    this.#broken = true;
  }

  #throwDeferred(): void {
    const errors = this.#state.deferred;
    if (errors === null) return;
    this.#state.deferred = null;
    const cause =
      errors.length === 1 ? errors[0] : new AggregateError(errors, "errors in cleanups");
    throw toRenderError(cause, "cleanup of an unmounted component");
  }

  #runMounts(): void {
    const s = this.#state;
    const list = s.mounts;
    if (list.length === 0) return;
    s.mounts = [];
    let first: unknown;
    let failed = false;
    for (let i = 0; i < list.length; i++) {
      const inst = list[i]!;
      // Hidden content has no live nodes yet: its onMount waits for the region to show.
      if (s.hiddenRegions > 0 && deferMount(inst)) continue;
      try {
        inst.runMounts();
      } catch (error) {
        if (!failed) first = error;
        failed = true;
      }
    }
    if (failed) throw first;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const s = this.#state;
    let errors = disposeFibers(this.#fiber.children, null);
    this.#fiber.children = NO_FIBERS;
    try {
      this.#disposeOwner();
    } catch (error) {
      if (errors === null) errors = [error];
      else errors.push(error);
    }
    this.#registry.clear();
    s.clearQueue();
    s.mounts = [];
    s.deferred = null;
    throwCollected(errors);
  }
}

/**
 * Re-renders `inst`; false when it threw and an error boundary took the error (the
 * boundary flips in a later pass; `inst` is inside it and goes away).
 */
function rerenderCaught(s: RootState, inst: Instance): boolean {
  try {
    rerenderInstance(s, inst);
    return true;
  } catch (error) {
    if (captureError(inst, error)) return false;
    throw error;
  }
}

/**
 * Drops what earlier passes recorded for instances inside boundary `b`, which is about to
 * replace or hide that region: their swaps, and their child-list rebuilds of elements
 * inside it (a rebuild of `b`'s own host parent stays, as `b` needs it anyway).
 */
function dropInside(
  b: Instance,
  swaps: FlushLists["swaps"],
  targets: Map<ElementFiber, Instance> | null,
): Map<ElementFiber, Instance> | null {
  let k = 0;
  for (let i = 0; i < swaps.length; i += 3) {
    if (isInside(swaps[i] as Instance, b)) continue;
    swaps[k++] = swaps[i]!;
    swaps[k++] = swaps[i + 1]!;
    swaps[k++] = swaps[i + 2]!;
  }
  while (swaps.length > k) swaps.pop();
  if (targets !== null) {
    for (const [f, inst] of targets) {
      if (f !== b.hostParent && isInside(inst, b)) targets.delete(f);
    }
  }
  return targets;
}

function byDepth(a: Instance, b: Instance): number {
  return a.depth - b.depth;
}

/** Same length and, slot by slot, the same fiber (key) and tag. */
function sameSlots(a: readonly HNode[], b: readonly HNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as HElement;
    const y = b[i] as HElement;
    if (x.key !== y.key || x.tag !== y.tag) return false;
  }
  return true;
}

function rootAttrs(extra: Record<string, string> | undefined): Record<string, string> {
  const attrs: Record<string, string> = { id: ROOT_ID };
  if (extra !== undefined) {
    for (const name in extra) {
      if (name === "id" || name === "data-hid" || name === "data-on") continue;
      attrs[name] = String(extra[name]);
    }
  }
  return attrs;
}

function noop(): void {}
