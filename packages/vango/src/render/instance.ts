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
import { type OwnerNode, setOwner } from "../reactive/owner.ts";
import type { Component, Key, VChild, VComponent } from "../vdom/vnode.ts";
import { VKind } from "../vdom/vnode.ts";
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
import { RenderError, RenderErrorCode } from "./render-error.ts";

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
  contexts: Map<Context<unknown>, unknown> | null = null;
  mountFns: MountFn[] | null = null;
  #disposeRoot: (() => void) | null = null;

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

  /** Runs setup (and a stateful instance's first render); returns the first output. */
  setup(): VChild {
    const prev = enterScope(this);
    try {
      return runWithOwner(this.scope, () => createRoot((dispose) => this.#start(dispose)));
    } finally {
      leaveScope(prev);
    }
  }

  #start(dispose: () => void): VChild {
    this.#adoptRoot(dispose);
    const result = this.#call(this.props.proxy);
    if (typeof result !== "function") return result;
    this.render = result as () => VChild;
    this.scope = this.owner;
    this.tracker = createTracker(() => this.env.invalidate(this));
    return this.#track();
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
    const dispose = this.#disposeRoot;
    this.#disposeRoot = null;
    unbindOwner(this.owner);
    this.owner = null;
    this.contexts = null;
    if (dispose !== null) {
      try {
        dispose();
      } catch (error) {
        throw toRenderError(error, `cleanup of ${this.#name()}`, this.#stack());
      }
    }
    const prev = enterScope(this);
    try {
      return runWithOwner(this.scope, () =>
        createRoot((d) => {
          this.#adoptRoot(d);
          const result = this.#call(this.props.raw);
          return typeof result === "function" ? this.#callRender(result as () => VChild) : result;
        }),
      );
    } finally {
      leaveScope(prev);
    }
  }

  #adoptRoot(dispose: () => void): void {
    this.#disposeRoot = dispose;
    const own = getOwner();
    this.owner = own;
    bindOwner(own, this);
  }

  #call(props: unknown): VChild | (() => VChild) {
    let result: unknown;
    try {
      result = this.type(props);
    } catch (error) {
      throw toRenderError(error, `setup of ${this.#name()}`, this.#stack());
    }
    if (isThenable(result)) {
      Promise.resolve(result).catch(noop);
      throw new RenderError(
        RenderErrorCode.asyncInSyncRender,
        `${this.#name()} returned a Promise; live views need synchronous components`,
      );
    }
    return result as VChild | (() => VChild);
  }

  #callRender(render: () => VChild): VChild {
    try {
      return render();
    } catch (error) {
      throw toRenderError(error, `render of ${this.#name()}`, this.#stack());
    }
  }

  #track(): VChild {
    try {
      return this.tracker!.track(this.render!);
    } catch (error) {
      throw toRenderError(error, `render of ${this.#name()}`, this.#stack());
    }
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
    errors = disposeFibers(this.children, errors);
    this.children = NO_FIBERS;
    this.tracker?.dispose();
    this.tracker = null;
    const dispose = this.#disposeRoot;
    this.#disposeRoot = null;
    unbindOwner(this.owner);
    if (dispose !== null) {
      try {
        dispose();
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

function noop(): void {}
