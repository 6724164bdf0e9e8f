/**
 * Reconciliation: a new VNode list against the fibers of the previous render of the
 * same place. Matching (which decides whether component state survives):
 *  - a keyed node matches the old fiber with the same key, if of the same kind and
 *    type (tag / component function);
 *  - an unkeyed node matches the old unkeyed fiber at its own index if compatible, else
 *    the first unused compatible unkeyed one (so `{cond && <A />}<B />` keeps B's
 *    instance when A comes and goes, although the JSX runtime drops the hole).
 * Matched fibers are updated in place; unmatched old ones are disposed after the new
 * list is complete. If building the list throws, the fibers created for it are disposed
 * and the old list is left as it was.
 */
import { normalizeChildren } from "../vdom/children.ts";
import type { HElement, HNode } from "../vdom/host.ts";
import type { Key, VChild, VComponent, VElement, VFragment, VNode, VRaw } from "../vdom/vnode.ts";
import { VKind, VNODE } from "../vdom/vnode.ts";
import { normalizeProps } from "./attrs.ts";
import { isBoundaryType, mountBoundary, refreshBoundary } from "./boundary-live.ts";
import { flattenFibers } from "./flatten-host.ts";
import { enhanceForm } from "./form-enhancer.ts";
import { TagFlag, tagInfo } from "./html-tags.ts";
import { Instance, KEEP, Suspense } from "./instance.ts";
import {
  disposeFiber,
  disposeFibers,
  ElementFiber,
  type Fiber,
  FragmentFiber,
  type MountEnv,
  NO_FIBERS,
  newHostElement,
  newHostText,
  RawFiber,
  TextFiber,
} from "./mount-fiber.ts";
import {
  comparePropsChange,
  PropsChange,
  rebindHandlers,
  sameAttrs,
  sameHandlers,
} from "./props-reuse.ts";

const NO_VNODES: VNode[] = [];
const hasOwn = Object.hasOwn;

/**
 * Builds the fibers for `vnodes`, reusing matching ones from `old`.
 * @param parent the component whose output (or element subtree) this list is in
 * @param hostParent the element fiber whose host child list receives the output
 */
export function reconcileList(
  env: MountEnv,
  parent: Instance | null,
  hostParent: ElementFiber,
  old: readonly Fiber[],
  vnodes: readonly VNode[],
): Fiber[] {
  const n = vnodes.length;
  const m = old.length;
  if (n === 0) {
    if (m !== 0) disposeUnmatched(env, old, null);
    return NO_FIBERS;
  }
  if (n === m && sameUnkeyedPlaces(old, vnodes)) {
    // Every unkeyed fiber matches the vnode at its own index (what the general pass below
    // would pick too): update in place and keep the list, so a re-render of an unchanged
    // shape allocates no `next`/`used` arrays. Those arrays outlive the young generation
    // when a session's next event comes after a scavenge, so they cost promotion, not
    // just allocation (bench/load: 2,000 sessions × 5 events/s).
    for (let i = 0; i < n; i++) updateFiber(env, parent, hostParent, old[i]!, vnodes[i]!);
    return old as Fiber[];
  }
  const next: Fiber[] = new Array(n);
  const used = m === 0 ? null : new Uint8Array(m);
  let keyed: Map<Key, number> | null = null;
  let low = 0;
  let built = 0;
  try {
    for (let i = 0; i < n; i++) {
      const v = vnodes[i]!;
      let j = -1;
      if (used !== null) {
        const key = v.kind === VKind.Text || v.kind === VKind.Raw ? undefined : v.key;
        if (key !== undefined) {
          if (keyed === null) keyed = indexKeys(old);
          const hit = keyed.get(key);
          if (hit !== undefined && used[hit] === 0 && compatible(old[hit]!, v)) j = hit;
        } else if (i < m && used[i] === 0 && old[i]!.key === undefined && compatible(old[i]!, v)) {
          j = i;
        } else {
          while (low < m && used[low] === 1) low++;
          for (let c = low; c < m; c++) {
            const f = old[c]!;
            if (used[c] === 0 && f.key === undefined && compatible(f, v)) {
              j = c;
              break;
            }
          }
        }
      }
      if (j >= 0) {
        used![j] = 1;
        const f = old[j]!;
        next[i] = f;
        built = i + 1;
        updateFiber(env, parent, hostParent, f, v);
      } else {
        next[i] = createFiber(env, parent, hostParent, v);
        built = i + 1;
      }
    }
  } catch (error) {
    const reused = new Set<Fiber>(old);
    for (let k = built - 1; k >= 0; k--) {
      const f = next[k]!;
      if (!reused.has(f)) disposeFiber(f, null);
    }
    throw error;
  }
  if (m !== 0) disposeUnmatched(env, old, used);
  return next;
}

function disposeUnmatched(env: MountEnv, old: readonly Fiber[], used: Uint8Array | null): void {
  let errors: unknown[] | null = null;
  for (let j = old.length - 1; j >= 0; j--) {
    if (used === null || used[j] === 0) errors = disposeFiber(old[j]!, errors);
  }
  if (errors !== null) for (const e of errors) env.defer(e);
}

function indexKeys(old: readonly Fiber[]): Map<Key, number> {
  const map = new Map<Key, number>();
  for (let j = 0; j < old.length; j++) {
    const k = old[j]!.key;
    if (k !== undefined && !map.has(k)) map.set(k, j);
  }
  return map;
}

/** True when no fiber or vnode is keyed and each vnode is compatible with the fiber at its index. */
function sameUnkeyedPlaces(old: readonly Fiber[], vnodes: readonly VNode[]): boolean {
  for (let i = 0; i < vnodes.length; i++) {
    const v = vnodes[i]!;
    const f = old[i]!;
    if (f.key !== undefined) return false;
    if (v.kind !== VKind.Text && v.kind !== VKind.Raw && v.key !== undefined) return false;
    if (!compatible(f, v)) return false;
  }
  return true;
}

function compatible(f: Fiber, v: VNode): boolean {
  if (f.kind !== v.kind) return false;
  switch (f.kind) {
    case VKind.Element:
      return f.tag === (v as VElement).tag;
    case VKind.Component:
      return f.type === (v as VComponent).type && !f.disposed;
    default:
      return true;
  }
}

function createFiber(
  env: MountEnv,
  parent: Instance | null,
  hostParent: ElementFiber,
  v: VNode,
): Fiber {
  switch (v.kind) {
    case VKind.Element:
      return createElement(env, parent, v.tag === "form" ? enhanceForm(parent, v) : v);
    case VKind.Text:
      return new TextFiber(v.text);
    case VKind.Raw:
      return new RawFiber(v);
    case VKind.Fragment:
      return new FragmentFiber(
        v.key,
        reconcileList(env, parent, hostParent, NO_FIBERS, v.children),
      );
    case VKind.Component:
      return isBoundaryType(v.type)
        ? mountBoundary(env, parent, hostParent, v)
        : mountInstance(env, parent, hostParent, v);
  }
}

function updateFiber(
  env: MountEnv,
  parent: Instance | null,
  hostParent: ElementFiber,
  f: Fiber,
  v: VNode,
): void {
  switch (f.kind) {
    case VKind.Element:
      updateElement(env, parent, f, formOf(parent, v as VElement));
      return;
    case VKind.Text: {
      const text = (v as { text: string }).text;
      if (f.host.text !== text) f.host = newHostText(text);
      return;
    }
    case VKind.Raw: {
      const html = (v as { html: string }).html;
      if (f.host.html !== html) f.host = { kind: f.host.kind, html };
      return;
    }
    case VKind.Fragment:
      f.children = reconcileList(env, parent, hostParent, f.children, (v as VElement).children);
      return;
    case VKind.Component:
      updateInstance(env, f, v as VComponent);
      return;
  }
}

function formOf(parent: Instance | null, v: VElement): VElement {
  return v.tag === "form" ? enhanceForm(parent, v) : v;
}

/** Children that reach the DOM: none for void elements and `<textarea value>` (as in SSR). */
function childVNodes(v: VElement, attrs: Record<string, string>): readonly VNode[] {
  const flags = tagInfo(v.tag).flags;
  if ((flags & TagFlag.Void) !== 0) return NO_VNODES;
  if ((flags & TagFlag.Textarea) !== 0 && hasOwn(attrs, "value")) return NO_VNODES;
  return v.children;
}

function createElement(env: MountEnv, parent: Instance | null, v: VElement): ElementFiber {
  const { attrs, handlers } = normalizeProps(v.tag, v.props);
  const fid = env.nextFid();
  const host = newHostElement(v.tag, fid, attrs, handlers);
  const f = new ElementFiber(fid, v, host, NO_FIBERS);
  f.children = reconcileList(env, parent, f, NO_FIBERS, childVNodes(v, attrs));
  try {
    host.children = flattenFibers(f.children);
  } catch (error) {
    disposeFibers(f.children, null);
    throw error;
  }
  return f;
}

/**
 * A matched element gets a new host object (same key, hid assigned by the diff) unless
 * its VNode is the very same object as last time, in which case the fiber and its host
 * subtree are kept by reference (dirty components inside are rendered on their own).
 * The new host keeps the previous attribute record, handler record and child list
 * wherever they come out the same; when all three do, the element keeps its host.
 */
function updateElement(env: MountEnv, parent: Instance | null, f: ElementFiber, v: VElement): void {
  const prevVNode = f.vnode!;
  if (prevVNode === v) return;
  const prev = f.host;
  let attrs = prev.attrs;
  let handlers = prev.handlers;
  const change = comparePropsChange(prevVNode.props, v.props);
  if (change === PropsChange.Handlers) {
    // Two function props under a handler name always bound something.
    rebindHandlers(v.props, handlers!);
  } else if (change === PropsChange.Other) {
    const n = normalizeProps(v.tag, v.props);
    if (!sameAttrs(attrs, n.attrs)) attrs = n.attrs;
    if (!sameHandlers(handlers, n.handlers)) handlers = n.handlers;
  }
  const children = reconcileList(env, parent, f, f.children, childVNodes(v, attrs));
  f.vnode = v;
  f.children = children;
  let list: HNode[];
  try {
    list = flattenFibers(children, prev.children);
  } catch (error) {
    // The fibers are current but the child list is stale: the failed flush makes the
    // root rebuild every host node from fibers on the next flush. The records follow
    // `f.vnode` still, as the next render compares its props with them.
    list = prev.children;
    setHost(f, attrs, handlers, list);
    throw error;
  }
  setHost(f, attrs, handlers, list);
}

/** Gives `f` a new host with these records and children, unless its host has them all. */
function setHost(
  f: ElementFiber,
  attrs: HElement["attrs"],
  handlers: HElement["handlers"],
  children: HNode[],
): void {
  const prev = f.host;
  if (attrs === prev.attrs && handlers === prev.handlers && children === prev.children) return;
  const host = newHostElement(f.tag, f.fid, attrs, handlers);
  host.children = children;
  f.host = host;
}

/** Mounts a component: setup, first render, and the fibers of its output. */
export function mountInstance(
  env: MountEnv,
  parent: Instance | null,
  hostParent: ElementFiber,
  v: VComponent,
): Instance {
  const inst = new Instance(env, v, parent, hostParent);
  try {
    const out = inst.setup();
    if (out !== KEEP) {
      inst.children = reconcileList(env, inst, hostParent, NO_FIBERS, normalizeChildren(out));
    }
  } catch (error) {
    // The setup/render error is the one to report; cleanup errors are secondary.
    inst.disposeInto(null);
    throw error;
  }
  if (inst.mountFns !== null) env.queueMount(inst);
  return inst;
}

function updateInstance(env: MountEnv, inst: Instance, v: VComponent): void {
  if (inst.vnode !== v) {
    inst.vnode = v;
    inst.props.update(v.props);
    if (inst.boundary !== null) {
      env.clean(inst);
      inst.children = refreshBoundary(env, inst);
      return;
    }
    if (!inst.stateful) {
      // A suspended setup runs again with the new props; an async one keeps waiting
      // (it runs once, as a stateful setup does).
      if (inst.suspense === Suspense.None) recallInstance(env, inst);
      else if (inst.suspense === Suspense.Body) rerenderInstance(env, inst);
      return;
    }
  }
  if (inst.dirty) rerenderInstance(env, inst);
}

/**
 * Re-renders a stateful instance and reconciles its output. On failure the instance
 * keeps its previous fibers and stays dirty.
 */
export function rerenderInstance(env: MountEnv, inst: Instance): void {
  env.clean(inst);
  try {
    if (inst.boundary !== null) {
      inst.children = refreshBoundary(env, inst);
      return;
    }
    const out = inst.refresh();
    if (out !== KEEP) inst.children = reconcileOutput(env, inst, inst.children, out);
  } catch (error) {
    if (!inst.disposed) env.keepDirty(inst);
    throw error;
  }
}

function recallInstance(env: MountEnv, inst: Instance): void {
  const out = inst.recall();
  if (out !== KEEP) inst.children = reconcileOutput(env, inst, inst.children, out);
  if (inst.mountFns !== null) env.queueMount(inst);
}

/**
 * `reconcileList` of a component's new output. A single node that takes the place of the
 * only fiber (the usual one root element) updates it without being put in a list.
 */
function reconcileOutput(
  env: MountEnv,
  inst: Instance,
  old: readonly Fiber[],
  out: VChild,
): Fiber[] {
  if (old.length === 1 && isSingleNode(out)) {
    const f = old[0]!;
    const keyed = out.kind !== VKind.Raw && out.key !== undefined;
    if (!keyed && f.key === undefined && compatible(f, out)) {
      updateFiber(env, inst, inst.hostParent, f, out);
      return old as Fiber[];
    }
  }
  return reconcileList(env, inst, inst.hostParent, old, normalizeChildren(out));
}

/** A node that normalises to a list of itself alone (not a text, which may be empty). */
function isSingleNode(out: VChild): out is VElement | VComponent | VFragment | VRaw {
  return (
    typeof out === "object" &&
    out !== null &&
    !Array.isArray(out) &&
    out.$$typeof === VNODE &&
    out.kind !== VKind.Text
  );
}
