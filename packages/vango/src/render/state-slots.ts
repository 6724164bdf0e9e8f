/**
 * A live root's persisted state: the signals each stateful component creates in its
 * setup (in creation order), found again after a restart or on another instance by the
 * component's place in the tree.
 *
 * A place is a path of `Type:n` (the n-th unkeyed `Type` among the children of the same
 * component, in document order) or `Type#key` steps from the root, e.g.
 * `Shell:0/Todos:0/Row#7`. A checkpoint walks the tree in document order; a restore
 * mounts the page afresh, which creates each component's children in document order, so
 * both count the same way — and restoring top-down (a parent's state first) makes the
 * parent render the children the checkpoint saw. Keyed children find their state by key
 * wherever they moved.
 */
import {
  type ReadonlySignal,
  type Signal,
  type SignalRecorder,
  setSignalRecorder,
} from "../reactive/signal.ts";
import { type Component, VKind } from "../vdom/vnode.ts";
import type { Instance } from "./instance.ts";
import type { Fiber } from "./mount-fiber.ts";

/** One component's persisted values: its place and the values of its signals. */
export type StateEntry = readonly [path: string, values: readonly unknown[]];

/** Component parent → type → unkeyed children of that type seen so far. */
type Ordinals = Map<Instance | null, Map<Component, number>>;

export class StateSlots {
  #restore: ReadonlyMap<string, readonly unknown[]> | undefined;
  /**
   * Paths of instances set up while restoring (to extend them to their children), and
   * the sibling counts; made on first use (only a restoring mount needs them).
   */
  #paths: WeakMap<Instance, string> | null = null;
  #ordinals: Ordinals | null = null;

  /** @example new StateSlots(new Map([["Counter:0", [3]]])) */
  constructor(restore?: ReadonlyMap<string, readonly unknown[]>) {
    this.#restore = restore !== undefined && restore.size > 0 ? restore : undefined;
  }

  /**
   * Starts recording `inst`'s setup (its signals go to `inst.state`, restored values
   * replace their initial ones); returns what {@link end} puts back.
   */
  begin(inst: Instance): SignalRecorder | null {
    const list: Signal<unknown>[] = [];
    inst.state = list;
    const path = this.place(inst);
    const values = path === undefined ? undefined : this.#restore!.get(path);
    let k = 0;
    return setSignalRecorder({
      adopt: (initial) => (values !== undefined && k < values.length ? values[k++] : initial),
      created: (s) => {
        list.push(s);
      },
      createdTransient: (s, initial) => {
        if (inst.transient === null) inst.transient = [];
        inst.transient.push(s, initial);
      },
      refills: (s) => {
        const t = inst.transient;
        if (t === null) return;
        for (let i = 0; i < t.length; i += 2) if (t[i] === s) t[i + 1] = REFILLS;
      },
    });
  }

  /**
   * While restoring, the place of `inst` (counted among its siblings, as a checkpoint
   * counts it). Boundaries (`<Async>`, `<ErrorBoundary>`) have no setup and are placed
   * with this directly: their children's places start from theirs.
   */
  place(inst: Instance): string | undefined {
    if (this.#restore === undefined) return undefined;
    if (this.#paths === null) this.#paths = new WeakMap();
    if (this.#ordinals === null) this.#ordinals = new Map();
    const path = placeOf(inst, this.#paths.get(inst.parent as Instance), this.#ordinals);
    this.#paths.set(inst, path);
    return path;
  }

  /** Ends a {@link begin}; a stateless component keeps no state. */
  end(inst: Instance, prev: SignalRecorder | null, stateful: boolean): void {
    setSignalRecorder(prev);
    const list = inst.state;
    if (!stateful || list === null || list.length === 0) inst.state = null;
    // Exact size: the list grew by pushes (a 17-slot backing store for one signal).
    else inst.state = list.slice();
    const t = inst.transient;
    if (t !== null) inst.transient = stateful ? t.slice() : null;
  }

  /**
   * The restore is over: the page's first mount, and what its first data revealed (a
   * component under `<Async>` mounted when its resource resolved), found their state;
   * components mounted from now on start afresh.
   */
  restored(): void {
    this.#restore = undefined;
    this.#paths = null;
    this.#ordinals = null;
  }

  /**
   * The state of every component under `fibers`, in document order.
   * @example const entries = slots.collect(root.children);
   */
  collect(fibers: readonly Fiber[]): StateEntry[] {
    const out: StateEntry[] = [];
    collectFrom(fibers, undefined, new Siblings(), out);
    return out;
  }
}

/**
 * Counts the unkeyed component children of one component by type (a short list of
 * `type, count` pairs: a component has few child types). A checkpoint walks every
 * component every second, so it keeps to one small array per component with children.
 */
class Siblings {
  #counts: (Component | number)[] | null = null;

  /** The ordinal of the next unkeyed child of type `t`. */
  next(t: Component): number {
    const c = this.#counts;
    if (c === null) {
      this.#counts = [t, 1];
      return 0;
    }
    for (let i = 0; i < c.length; i += 2) {
      if (c[i] !== t) continue;
      const n = c[i + 1] as number;
      c[i + 1] = n + 1;
      return n;
    }
    c.push(t, 1);
    return 0;
  }
}

function collectFrom(
  list: readonly Fiber[],
  parentPath: string | undefined,
  siblings: Siblings,
  out: StateEntry[],
): void {
  for (let i = 0; i < list.length; i++) {
    const f = list[i]!;
    if (f.kind === VKind.Component) {
      const inst = f as Instance;
      const name = inst.type.name || "anonymous";
      const step =
        inst.key !== undefined
          ? `${name}#${String(inst.key)}`
          : `${name}:${siblings.next(inst.type)}`;
      const path = parentPath === undefined ? step : `${parentPath}/${step}`;
      const state = inst.state;
      if (state !== null && state.length > 0) {
        const values = new Array<unknown>(state.length);
        for (let k = 0; k < state.length; k++) values[k] = state[k]!.peek();
        out.push([path, values]);
      }
      if (inst.children.length > 0) collectFrom(inst.children, path, new Siblings(), out);
    } else if (f.kind === VKind.Element || f.kind === VKind.Fragment) {
      collectFrom(f.children, parentPath, siblings, out);
    }
  }
}

/** In `Instance.transient`: a signal whose value comes back by itself (fetched data). */
const REFILLS: unique symbol = Symbol("vango.refills");

/**
 * Appends to `out` the signals the components under `list` own and a view built again
 * from a checkpoint has as they are now: what their setups created (persisted, or
 * transient and still at their initial values) and their props' versions. False when a
 * transient signal moved from its initial value (a view built again would lose it).
 */
export function ownSignals(list: readonly Fiber[], out: ReadonlySignal<unknown>[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const f = list[i]!;
    if (f.kind === VKind.Component) {
      const inst = f as Instance;
      if (inst.state !== null) for (const s of inst.state) out.push(s);
      const t = inst.transient;
      if (t !== null) {
        for (let k = 0; k < t.length; k += 2) {
          const s = t[k] as Signal<unknown>;
          if (t[k + 1] !== REFILLS && !Object.is(s.peek(), t[k + 1])) return false;
          out.push(s);
        }
      }
      inst.props.signals(out);
      if (!ownSignals(inst.children, out)) return false;
    } else if (f.kind === VKind.Element || f.kind === VKind.Fragment) {
      if (!ownSignals(f.children, out)) return false;
    }
  }
  return true;
}

/** `inst`'s place below its parent's (`parentPath`), counting unkeyed siblings in `ordinals`. */
function placeOf(inst: Instance, parentPath: string | undefined, ordinals: Ordinals): string {
  const name = inst.type.name || "anonymous";
  let step: string;
  if (inst.key !== undefined) step = `${name}#${String(inst.key)}`;
  else {
    let byType = ordinals.get(inst.parent);
    if (byType === undefined) {
      byType = new Map();
      ordinals.set(inst.parent, byType);
    }
    const n = byType.get(inst.type) ?? 0;
    byType.set(inst.type, n + 1);
    step = `${name}:${n}`;
  }
  return parentPath === undefined ? step : `${parentPath}/${step}`;
}
