/**
 * Fibers: the live renderer's record of what each VNode became. Element, text and raw
 * fibers hold the host node they currently produce; fragment and component fibers are
 * transparent (their children's host nodes go into the nearest element's child list).
 *
 * Host elements are immutable once they are part of the live tree, except for the
 * child list of an element whose contents are rebuilt in place at commit. A re-rendered
 * element gets a new host object unless its attributes, handlers and child list all came
 * out the same (then it keeps the live one), so the diff can skip every untouched subtree
 * by reference. Each element fiber has a numeric id, used as the key of every host element
 * it produces: the diff then pairs old and new host nodes exactly as the renderer paired
 * fibers (by user key or position), including the cached nodes of clean components that
 * moved. User keys only decide fiber matching.
 */
import type { Owner } from "../reactive/index.ts";
import { type HElement, HKind, type HRaw, type HText } from "../vdom/host.ts";
import { type Key, type VElement, VKind, type VRaw } from "../vdom/vnode.ts";
import type { Instance } from "./instance.ts";
import type { PendingTasks } from "./pending-tasks.ts";
import type { StateSlots } from "./state-slots.ts";

export class ElementFiber {
  readonly kind = VKind.Element;
  readonly key: Key | undefined;
  /** Unique within the root; the key of this fiber's host elements. */
  readonly fid: number;
  readonly tag: string;
  /** The VNode last rendered (null for the root container). */
  vnode: VElement | null;
  /** The host element this fiber currently produces. */
  host: HElement;
  children: Fiber[];

  constructor(fid: number, vnode: VElement | null, host: HElement, children: Fiber[]) {
    this.key = vnode === null ? undefined : vnode.key;
    this.fid = fid;
    this.tag = host.tag;
    this.vnode = vnode;
    this.host = host;
    this.children = children;
  }
}

export class TextFiber {
  readonly kind = VKind.Text;
  readonly key = undefined;
  host: HText;

  constructor(text: string) {
    this.host = { kind: HKind.Text, text };
  }
}

export class RawFiber {
  readonly kind = VKind.Raw;
  readonly key = undefined;
  host: HRaw;

  constructor(vnode: VRaw) {
    this.host = { kind: HKind.Raw, html: vnode.html };
  }
}

export class FragmentFiber {
  readonly kind = VKind.Fragment;
  readonly key: Key | undefined;
  children: Fiber[];

  constructor(key: Key | undefined, children: Fiber[]) {
    this.key = key;
    this.children = children;
  }
}

export type Fiber = ElementFiber | TextFiber | RawFiber | FragmentFiber | Instance;

/** Shared empty child list; never mutated. */
export const NO_FIBERS: Fiber[] = [];

/** Services a root gives to the fibers and instances it mounts. */
export interface MountEnv {
  /** Owner of the top-level components. */
  readonly rootOwner: Owner | null;
  /** Fetches and async setups the root waits for. */
  readonly tasks: PendingTasks;
  /** How many `<Async>` regions are hidden (0: no instance needs the hidden check). */
  hiddenRegions: number;
  /** Records the signals components create in setup (null: state is not persisted). */
  readonly state: StateSlots | null;
  nextFid(): number;
  /** A stateful instance's render read something that changed: sets `inst.dirty`. */
  invalidate(inst: Instance): void;
  /** The instance re-renders (or goes away): clears `inst.dirty`. */
  clean(inst: Instance): void;
  /** Its re-render failed: it stays dirty for the next flush (without a new `onDirty`). */
  keepDirty(inst: Instance): void;
  /** A cleanup threw while components were unmounted; the flush fails before it commits. */
  defer(error: unknown): void;
  /** The instance registered `onMount` callbacks, to run after the commit. */
  queueMount(inst: Instance): void;
  /**
   * Boundary instance `inst` must show another child list: marks it dirty; during a
   * flush's render phase, also renders it again in a later pass of the same flush.
   */
  flip(inst: Instance): void;
}

/** A fresh host element (hid 0) for fiber `fid`. */
export function newHostElement(
  tag: string,
  fid: number,
  attrs: Record<string, string>,
  handlers: HElement["handlers"],
): HElement {
  return { kind: HKind.Element, tag, hid: 0, attrs, children: [], key: fid, handlers };
}

/** A text host node; texts are immutable, so an unchanged text keeps its object. */
export function newHostText(text: string): HText {
  return { kind: HKind.Text, text };
}

/**
 * Disposes every component below `fibers` (last first, like owners dispose). Keeps going
 * when a cleanup throws and rethrows afterwards (one error as is, several aggregated).
 */
export function disposeFibers(
  fibers: readonly Fiber[],
  errors: unknown[] | null,
): unknown[] | null {
  for (let i = fibers.length - 1; i >= 0; i--) errors = disposeFiber(fibers[i]!, errors);
  return errors;
}

export function disposeFiber(f: Fiber, errors: unknown[] | null): unknown[] | null {
  switch (f.kind) {
    case VKind.Element:
    case VKind.Fragment:
      return disposeFibers(f.children, errors);
    case VKind.Component:
      return f.disposeInto(errors);
    default:
      return errors;
  }
}

/** Throws collected errors: one as is, several as an `AggregateError`. */
export function throwCollected(errors: unknown[] | null): void {
  if (errors === null) return;
  if (errors.length === 1) throw errors[0];
  throw new AggregateError(errors, `${errors.length} errors while disposing components`);
}
