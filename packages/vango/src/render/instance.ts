/**
 * A mounted component instance.
 *
 * Setup (`type(props)`) runs once, untracked, in a new owner created under the parent
 * component's scope. A function result makes the instance stateful: that function is
 * its render, run inside a tracker, and a change to anything it read marks the instance
 * dirty (`MountEnv.invalidate`). Any other result is the output of a stateless instance:
 * it is called again (with the parent's latest props, in a fresh owner replacing the
 * previous call's) each time its parent re-renders. Child instances of a stateful
 * instance are owned by it; those of a stateless one by its parent's scope, so that a
 * re-call never disposes them.
 *
 * Suspension (see `suspense.ts`): a render that throws a `Suspension` keeps the
 * instance's last output (nothing, on the first render) and stays subscribed to what it
 * read, so the data's arrival re-renders it. A setup (or stateless call) that suspends
 * is retried, from a fresh owner, when the awaited data settles; one that returns a
 * Promise (an async component) is awaited once, and what it resolves to becomes the
 * instance's render. While suspended, the instance counts as pending for the nearest
 * `<Async>` around it.
 */
import {
  createRoot,
  createTracker,
  getOwner,
  type Owner,
  onCleanup,
  runWithOwner,
  type Tracker,
  untracked,
} from "../reactive/index.ts";
import { type OwnerNode, ownedBy, setOwner } from "../reactive/owner.ts";
import type { Signal } from "../reactive/signal.ts";
import type { Component, Key, VChild, VComponent } from "../vdom/vnode.ts";
import { VKind } from "../vdom/vnode.ts";
import { type Boundary, BoundaryKind, nearestBoundary } from "./boundary-live.ts";
import {
  bindOwner,
  type Context,
  type ContextScope,
  enterScope,
  leaveScope,
  type MountFn,
  unbindOwner,
} from "./context.ts";
import { PropsStore } from "./instance-props.ts";
import { toRenderError } from "./mount-error.ts";
import {
  disposeFibers,
  type ElementFiber,
  type Fiber,
  type MountEnv,
  NO_FIBERS,
} from "./mount-fiber.ts";
import type { PendingTasks } from "./pending-tasks.ts";
import { RenderError, RenderErrorCode } from "./render-error.ts";
import { isSuspension } from "./suspense.ts";

/** Why an instance is suspended (`Instance.suspense`). */
export const Suspense = {
  None: 0,
  /** Its render read data that is not ready; the tracker wakes it. */
  Render: 1,
  /** Its setup (or stateless call) did; it is retried when the data settles. */
  Body: 2,
  /** Its setup returned a Promise that has not settled. */
  Async: 3,
} as const;
export type Suspense = (typeof Suspense)[keyof typeof Suspense];

/**
 * Output of a render or setup that suspended: "keep what is there". Frozen and empty, so
 * that a first render that suspends mounts nothing.
 */
export const KEEP: VChild = Object.freeze([]) as unknown as VChild;

/** A dirty instance's tracker calls this (one function for all, no closure each). */
function invalidate(i: Instance): void {
  i.env.invalidate(i);
}

export class Instance implements ContextScope {
  readonly kind = VKind.Component;
  readonly key: Key | undefined;
  readonly type: Component;
  readonly parent: Instance | null;
  /** Number of component ancestors; flushes render shallower instances first. */
  readonly depth: number;
  /** The element fiber whose child list receives this instance's output. */
  readonly hostParent: ElementFiber;
  readonly env: MountEnv;
  vnode: VComponent;
  readonly props: PropsStore;
  /** Owner under which child instances are created. */
  scope: Owner | null;
  /** The root created for setup (stateful) or for the last call (stateless). */
  owner: Owner | null = null;
  render: (() => VChild) | null = null;
  tracker: Tracker | null = null;
  children: Fiber[] = NO_FIBERS;
  /** Set and cleared by the root (`MountEnv.invalidate`/`clean`). */
  dirty = false;
  /** In the root's dirty queue. */
  queued = false;
  disposed = false;
  /** Signals its setup created, when the session persists state (else null). */
  state: Signal<unknown>[] | null = null;
  /**
   * Transient signals its setup created, each followed by its initial value (`REFILLS`
   * for fetched data), when the session persists state (else null): the component's own,
   * not persisted; a view is parked only while they hold those values.
   */
  transient: unknown[] | null = null;
  contexts: Map<Context<unknown>, unknown> | null = null;
  mountFns: MountFn[] | null = null;
  /** Set on `<ErrorBoundary>`/`<Async>` instances (see `boundary-live.ts`). */
  boundary: Boundary | null = null;
  suspense: Suspense = Suspense.None;
  /** Counts suspensions that wait on a promise; a settled one that is not the latest is stale. */
  #waits = 0;
  /** An async setup counts as a pending task of the root until it settles or is disposed. */
  #task = false;
  /**
   * The root made for setup (stateful) or the last call (stateless), to dispose; the
   * root itself rather than `createRoot`'s dispose closure (one closure and scope less
   * per instance, measured in bench/session-heap).
   */
  #root: OwnerNode | null = null;

  constructor(env: MountEnv, vnode: VComponent, parent: Instance | null, hostParent: ElementFiber) {
    this.key = vnode.key;
    this.type = vnode.type;
    this.parent = parent;
    this.depth = parent === null ? 0 : parent.depth + 1;
    this.hostParent = hostParent;
    this.env = env;
    this.vnode = vnode;
    this.props = new PropsStore(vnode.props);
    this.scope = parent === null ? env.rootOwner : parent.scope;
  }

  get stateful(): boolean {
    return this.render !== null;
  }

  get tasks(): PendingTasks {
    return this.env.tasks;
  }

  /** Runs setup (and a stateful instance's first render); returns the first output. */
  setup(): VChild {
    const prev = enterScope(this);
    try {
      return runWithOwner(this.scope, () => createRoot(() => this.#start()));
    } finally {
      leaveScope(prev);
    }
  }

  #start(): VChild {
    this.#adoptRoot();
    const slots = this.env.state;
    let result: VChild | (() => VChild);
    if (slots === null) result = this.#call(this.props.proxy);
    else {
      const prev = slots.begin(this);
      let stateful = false;
      try {
        result = this.#call(this.props.proxy);
        stateful = typeof result === "function";
      } finally {
        slots.end(this, prev, stateful);
      }
    }
    if (typeof result !== "function") {
      if (result !== KEEP) this.#resume();
      return result;
    }
    this.render = result as () => VChild;
    this.scope = this.owner;
    this.tracker = createTracker(invalidate, this);
    return this.#track();
  }

  /**
   * Runs the instance again because it is dirty: its render, or, after a suspended
   * setup, the setup from scratch. Returns the new output or `KEEP`.
   */
  refresh(): VChild {
    if (this.suspense !== Suspense.Body) return this.rerender();
    const root = this.#root;
    this.#root = null;
    unbindOwner(this.owner);
    this.owner = null;
    this.contexts = null;
    if (root !== null) {
      try {
        root.dispose();
      } catch (error) {
        throw toRenderError(error, `cleanup of ${this.#name()}`, this.#stack());
      }
    }
    const out = this.setup();
    if (this.mountFns !== null) this.env.queueMount(this);
    return out;
  }

  /** Re-runs a stateful instance's render (tracked); returns the new output. */
  rerender(): VChild {
    const prev = enterScope(this);
    // `setOwner` rather than `runWithOwner`: no closure per render.
    const prevOwner = setOwner(this.owner as OwnerNode | null);
    try {
      return this.#track();
    } finally {
      setOwner(prevOwner);
      leaveScope(prev);
    }
  }

  /** Calls a stateless instance again with the latest props; returns the new output. */
  recall(): VChild {
    const root = this.#root;
    this.#root = null;
    unbindOwner(this.owner);
    this.owner = null;
    this.contexts = null;
    if (root !== null) {
      try {
        root.dispose();
      } catch (error) {
        throw toRenderError(error, `cleanup of ${this.#name()}`, this.#stack());
      }
    }
    const prev = enterScope(this);
    try {
      return runWithOwner(this.scope, () =>
        createRoot(() => {
          this.#adoptRoot();
          const result = this.#call(this.props.raw);
          if (result === KEEP) return result;
          this.#resume();
          return typeof result === "function" ? this.#callRender(result as () => VChild) : result;
        }),
      );
    } finally {
      leaveScope(prev);
    }
  }

  #adoptRoot(): void {
    const own = getOwner();
    this.#root = own as OwnerNode | null;
    this.owner = own;
    bindOwner(own, this);
  }

  /** Calls the component function; `KEEP` when it suspended or returned a Promise. */
  #call(props: unknown): VChild | (() => VChild) {
    let result: unknown;
    try {
      result = this.type(props);
    } catch (error) {
      if (isSuspension(error)) {
        if (ownedBy(error.owner, getOwner())) {
          throw toRenderError(
            new RenderError(
              RenderErrorCode.resourceReadInSetup,
              `${this.#name()} read a resource it created, before it was ready, in its setup`,
            ),
            `setup of ${this.#name()}`,
            this.#stack(),
          );
        }
        // This attempt is abandoned: its onMount callbacks never run.
        this.mountFns = null;
        this.#wait(error.until, Suspense.Body);
        return KEEP;
      }
      throw toRenderError(error, `setup of ${this.#name()}`, this.#stack());
    }
    if (isThenable(result)) {
      this.#wait(result, Suspense.Async);
      return KEEP;
    }
    return result as VChild | (() => VChild);
  }

  /** Suspends until `until` settles; then the instance is dirty and runs again. */
  #wait(until: PromiseLike<unknown>, kind: Suspense): void {
    this.#suspend(kind);
    const wait = ++this.#waits;
    if (kind === Suspense.Async && !this.#task) {
      this.#task = true;
      this.env.tasks.begin();
    }
    Promise.resolve(until).then(
      (value) => this.#settled(wait, kind, true, value),
      (error) => this.#settled(wait, kind, false, error),
    );
  }

  #settled(wait: number, kind: Suspense, ok: boolean, value: unknown): void {
    if (kind === Suspense.Async) this.#endTask();
    if (this.disposed || wait !== this.#waits || this.suspense !== kind) return;
    if (kind === Suspense.Async) {
      // What the async setup resolved to becomes the render (a node is rendered as is);
      // a rejection is thrown by the render, where error boundaries catch it.
      const out = value as VChild;
      this.render = !ok
        ? () => {
            throw value;
          }
        : typeof value === "function"
          ? (value as () => VChild)
          : () => out;
      this.scope = this.owner;
      runWithOwner(this.owner, () => {
        this.tracker = createTracker(invalidate, this);
      });
    }
    this.env.invalidate(this);
  }

  #endTask(): void {
    if (!this.#task) return;
    this.#task = false;
    this.env.tasks.end();
  }

  #suspend(kind: Suspense): void {
    if (this.suspense === Suspense.None) {
      const b = nearestBoundary(this, BoundaryKind.Async);
      if (b !== null) b.addPending();
    }
    this.suspense = kind;
  }

  #resume(): void {
    if (this.suspense === Suspense.None) return;
    this.suspense = Suspense.None;
    const b = nearestBoundary(this, BoundaryKind.Async);
    if (b !== null) b.removePending();
  }

  #callRender(render: () => VChild): VChild {
    try {
      return render();
    } catch (error) {
      throw toRenderError(error, `render of ${this.#name()}`, this.#stack());
    }
  }

  #track(): VChild {
    let out: VChild;
    try {
      out = this.tracker!.track(this.render!);
    } catch (error) {
      if (isSuspension(error)) {
        this.#suspend(Suspense.Render);
        return KEEP;
      }
      throw toRenderError(error, `render of ${this.#name()}`, this.#stack());
    }
    if (this.suspense !== Suspense.None) this.#resume();
    return out;
  }

  /** Runs the queued `onMount` callbacks in the instance's owner. */
  runMounts(): void {
    const fns = this.mountFns;
    this.mountFns = null;
    if (fns === null || this.disposed) return;
    const prev = enterScope(this);
    try {
      runWithOwner(this.owner, () => {
        for (let i = 0; i < fns.length; i++) {
          const cleanup = untracked(fns[i]!);
          if (typeof cleanup === "function") onCleanup(cleanup);
        }
      });
    } catch (error) {
      throw toRenderError(error, `onMount of ${this.#name()}`, this.#stack());
    } finally {
      leaveScope(prev);
    }
  }

  /** Disposes child instances, then this one's tracker and owner (cleanups run). */
  disposeInto(errors: unknown[] | null): unknown[] | null {
    if (this.disposed) return errors;
    this.disposed = true;
    this.env.clean(this);
    if (this.suspense !== Suspense.None) this.#resume();
    this.#endTask();
    if (this.boundary !== null) errors = this.boundary.disposeHidden(errors);
    errors = disposeFibers(this.children, errors);
    this.children = NO_FIBERS;
    this.tracker?.dispose();
    this.tracker = null;
    const root = this.#root;
    this.#root = null;
    unbindOwner(this.owner);
    if (root !== null) {
      try {
        root.dispose();
      } catch (error) {
        if (errors === null) errors = [error];
        else errors.push(error);
      }
    }
    return errors;
  }

  #name(): string {
    return nameOf(this);
  }

  /** This component's name and its ancestors', innermost first. */
  #stack(): string[] {
    const out: string[] = [];
    for (let i: Instance | null = this; i !== null; i = i.parent) out.push(nameOf(i));
    return out;
  }
}

function nameOf(i: Instance): string {
  return i.type.name || "anonymous component";
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function"
  );
}
