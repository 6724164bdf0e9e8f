/**
 * Ownership: every effect, tracker, child root and `onCleanup` callback belongs to the
 * owner current when it was created, and is disposed with it. Owned nodes form an
 * intrusive doubly linked list per owner, so early disposal unlinks in O(1) and an owner
 * disposes its children newest first without allocating.
 */
import { setActiveSub } from "alien-signals";
import type { ReactiveNode } from "alien-signals/system";
import { throwErrors } from "./errors.ts";

/** Something that owns reactive work and can end it. */
export interface Owner {
  /** Disposes everything owned, newest first; idempotent. Throws what cleanups threw. */
  dispose(): void;
  readonly disposed: boolean;
}

/** @internal Anything an owner can hold. */
export abstract class OwnedNode {
  parent: OwnerNode | null = null;
  prev: OwnedNode | null = null;
  next: OwnedNode | null = null;

  /** Disposes this node, appending errors from cleanups to `errors` (allocated on demand). */
  abstract disposeInto(errors: unknown[] | null): unknown[] | null;

  /**
   * Whether this node is at rest, depending only on `sources` and holding nothing
   * outside (see `quiescence.ts`); `seen` collects the computeds already checked.
   */
  abstract atRest(sources: ReadonlySet<ReactiveNode>, seen: Set<ReactiveNode>): boolean;

  /** Removes this node from its owner's list. */
  detach(): void {
    const parent = this.parent;
    if (parent === null) return;
    if (this.prev !== null) this.prev.next = this.next;
    else parent.first = this.next;
    if (this.next !== null) this.next.prev = this.prev;
    else parent.last = this.prev;
    this.parent = this.prev = this.next = null;
  }
}

/** @internal An owned node that owns others (roots and effects). */
export abstract class OwnerNode extends OwnedNode implements Owner {
  first: OwnedNode | null = null;
  last: OwnedNode | null = null;
  isDisposed = false;

  get disposed(): boolean {
    return this.isDisposed;
  }

  dispose(): void {
    const prevSub = setActiveSub(undefined);
    let errors: unknown[] | null;
    try {
      errors = this.disposeInto(null);
    } finally {
      setActiveSub(prevSub);
    }
    if (errors !== null) throwErrors(errors);
  }

  atRest(sources: ReadonlySet<ReactiveNode>, seen: Set<ReactiveNode>): boolean {
    for (let child = this.first; child !== null; child = child.next) {
      if (!child.atRest(sources, seen)) return false;
    }
    return true;
  }

  /** Disposes every child, newest first, leaving the list empty. */
  disposeChildren(errors: unknown[] | null): unknown[] | null {
    let child = this.last;
    this.first = this.last = null;
    while (child !== null) {
      const prev = child.prev;
      child.parent = child.prev = child.next = null;
      errors = child.disposeInto(errors);
      child = prev;
    }
    return errors;
  }
}

class RootNode extends OwnerNode {
  disposeInto(errors: unknown[] | null): unknown[] | null {
    if (this.isDisposed) return errors;
    this.isDisposed = true;
    this.detach();
    return this.disposeChildren(errors);
  }
}

class CleanupNode extends OwnedNode {
  fn: (() => void) | null;

  constructor(fn: () => void) {
    super();
    this.fn = fn;
  }

  disposeInto(errors: unknown[] | null): unknown[] | null {
    const fn = this.fn;
    if (fn === null) return errors;
    this.fn = null;
    this.detach();
    return callInto(fn, errors);
  }

  /** Something outside the view waits on this cleanup: a timer, a subscription. */
  atRest(): boolean {
    return this.fn === null;
  }
}

/** A cleanup that gives back only what its owner holds itself (see {@link onRelease}). */
class ReleaseNode extends CleanupNode {
  override atRest(): boolean {
    return true;
  }
}

/** @internal Runs `fn`, appending what it throws to `errors`. */
export function callInto(fn: () => void, errors: unknown[] | null): unknown[] | null {
  try {
    fn();
  } catch (error) {
    if (errors === null) return [error];
    errors.push(error);
  }
  return errors;
}

let currentOwner: OwnerNode | null = null;

/** @internal Swaps the current owner, returning the previous one. */
export function setOwner(owner: OwnerNode | null): OwnerNode | null {
  const prev = currentOwner;
  currentOwner = owner;
  return prev;
}

/**
 * @internal Hands `node` to the current owner. Returns false when that owner is already
 * disposed: the caller then disposes `node` at once instead of starting it.
 */
export function adopt(node: OwnedNode): boolean {
  const owner = currentOwner;
  if (owner === null) return true;
  if (owner.isDisposed) return false;
  node.parent = owner;
  node.prev = owner.last;
  if (owner.last !== null) owner.last.next = node;
  else owner.first = node;
  owner.last = node;
  return true;
}

/**
 * Runs `fn` in a new owner, a child of the current one (if any), untracked. Everything
 * created inside is disposed, newest first, when `dispose` is called or the parent is
 * disposed. If `fn` throws, the root is disposed and the error rethrown. Under an owner
 * that is already disposed, the root starts disposed (so is everything created in it).
 * @example
 * const stop = createRoot((dispose) => { effect(() => log(count())); return dispose; });
 * stop(); // the effect never runs again
 */
export function createRoot<T>(fn: (dispose: () => void) => T): T {
  const root = new RootNode();
  if (!adopt(root)) root.isDisposed = true;
  const prevOwner = setOwner(root);
  const prevSub = setActiveSub(undefined);
  try {
    return fn(() => root.dispose());
  } catch (error) {
    setActiveSub(undefined);
    root.disposeInto(null);
    throw error;
  } finally {
    setActiveSub(prevSub);
    currentOwner = prevOwner;
  }
}

/**
 * The current owner: the innermost root or running effect, or null.
 * @example
 * const owner = getOwner();
 * setTimeout(() => runWithOwner(owner, () => effect(() => log(count()))), 10);
 */
export function getOwner(): Owner | null {
  return currentOwner;
}

/**
 * @internal Whether `node` is `ancestor` or is owned by it, directly or through other
 * owners (the renderer uses it to tell a resource created in a component's own setup).
 */
export function ownedBy(node: Owner | null, ancestor: Owner | null): boolean {
  if (ancestor === null) return false;
  for (let n = node as OwnedNode | null; n !== null; n = n.parent) {
    if ((n as unknown) === ancestor) return true;
  }
  return false;
}

/**
 * Runs `fn` with `owner` as the current owner (tracking is unchanged). `owner` must come
 * from {@link getOwner}.
 * @example
 * runWithOwner(owner, () => onCleanup(() => socket.close()));
 */
export function runWithOwner<T>(owner: Owner | null, fn: () => T): T {
  const prev = setOwner(owner as OwnerNode | null);
  try {
    return fn();
  } finally {
    currentOwner = prev;
  }
}

/**
 * Registers `fn` to run when the current owner is disposed or, inside an effect, before
 * the effect re-runs. Cleanups run newest first, exactly once. Without an owner it does
 * nothing; under a disposed owner `fn` runs at once.
 * @example
 * effect(() => { const id = setInterval(tick, 1000); onCleanup(() => clearInterval(id)); });
 */
export function onCleanup(fn: () => void): void {
  register(new CleanupNode(fn));
}

/**
 * @internal An {@link onCleanup} for bookkeeping: `fn` only gives back what the owner
 * holds itself (a registration in its own page, a debounce timer of its own), so it does
 * not keep an idle view from being parked, as a timer or a subscription to something
 * outside does.
 */
export function onRelease(fn: () => void): void {
  register(new ReleaseNode(fn));
}

function register(node: CleanupNode): void {
  if (currentOwner === null) return;
  if (adopt(node)) return;
  const errors = node.disposeInto(null);
  if (errors !== null) throwErrors(errors);
}
