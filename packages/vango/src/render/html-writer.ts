/**
 * The SSR walker shared by `renderToString`, the streaming renderers and the page
 * shell: VNodes in, HTML appended to one string buffer, without building host nodes.
 *
 * Every step returns `undefined` while the work stays synchronous and a Promise only
 * when it had to wait (an async component, a suspended render, or a full chunk the
 * consumer has not pulled yet); callers continue in `.then` only then. A fully
 * synchronous tree therefore allocates no promises or closures, and the same walker
 * serves both modes.
 *
 * Boundaries: `<ErrorBoundary>` renders its children with chunk flushing held back, so
 * that on an error (thrown, or a rejected step) the output, hids and owners of the
 * children are rewound and the fallback written in their place. `<Async>` in string mode
 * does the same when something inside suspends; in streaming mode a suspension is
 * awaited in place, so `<Async>` just renders its children.
 */

import { ATTR_HID } from "../protocol/dom-attrs.ts";
import {
  createRoot,
  getOwner,
  type Owner as ReactiveOwner,
  runWithOwner,
  untracked,
} from "../reactive/index.ts";
import { ownedBy } from "../reactive/owner.ts";
import { VdomError, VdomErrorCode } from "../vdom/errors.ts";
import {
  type Component,
  type Props,
  type VChild,
  type VElement,
  VKind,
  VNODE,
  type VNode,
} from "../vdom/vnode.ts";
import {
  Async,
  type AsyncProps,
  ContentRegion,
  ErrorBoundary,
  type ErrorBoundaryProps,
  FallbackRegion,
  type RegionChildren,
} from "./boundaries.ts";
import {
  type Context,
  type ContextScope,
  enterScope,
  leaveScope,
  type MountFn,
} from "./context.ts";
import { escapeText } from "./escape.ts";
import { TagFlag, type TagInfo, tagInfo } from "./html-tags.ts";
import { RenderError, RenderErrorCode } from "./render-error.ts";
import { propsToAttrs, textareaValue } from "./ssr-attrs.ts";
import { isSuspension, type Suspension } from "./suspense.ts";

type Owner = ReactiveOwner | null;
export type Step = undefined | Promise<void>;

/** Receives full chunks in streaming mode; a returned Promise pauses the walk until it settles. */
export interface ChunkSink {
  push(chunk: string): Step;
}

const HID_OPEN = " " + ATTR_HID + '="';

/** Returned by `#setup` when the component's first render suspended. */
const SUSPENDED = Symbol("vango.ssr.suspended");
/**
 * Thrown in string mode when something inside an `<Async>` suspends: unwinds to that
 * boundary, which writes its fallback instead.
 */
const UNWIND = Symbol("vango.ssr.unwind");

/** Where a boundary's children started, to rewind to on an error or a suspension. */
interface Mark {
  readonly length: number;
  readonly hid: number;
  readonly count: number;
  readonly raw: boolean;
  readonly newlineGuard: boolean;
  readonly scope: SsrScope | null;
  /** Disposes the boundary's own owner (the children's owners are created under it). */
  readonly dispose: () => void;
}

export class HtmlWriter {
  /** Output not yet handed to the sink (all of it in string mode). */
  out = "";
  /** Next hydration id. */
  hid: number;
  /** Whether elements get `data-hid` (off for the page `<head>`). */
  hids = true;
  /** Emitted DOM nodes in the current child list (only "> 0" matters). */
  #count = 0;
  /** The current child list holds a VRaw. */
  #raw = false;
  /** Set right after `<pre>`/`<textarea>`/`<listing>` opens: a leading `\n` must be doubled. */
  #newlineGuard = false;
  /** The render's root owner: top-level components' owners are created under it. */
  readonly #owner: Owner;
  /** Disposes the render's root owner (and with it every component's owner). */
  readonly #disposeRoot: () => void;
  readonly #sink: ChunkSink | null;
  readonly #chunkSize: number;
  // Component being set up; read by the pre-bound #setup/#inOwner so that running a
  // component allocates no closures of ours.
  #type: Component | null = null;
  #props: Props | null = null;
  #pending: SsrScope | null = null;
  /** Scope of the component whose output is being written; null at the top. */
  #scope: SsrScope | null = null;
  /** Error boundaries being rendered: while > 0, chunks are not handed to the sink. */
  #hold = 0;
  /** `<Async>` boundaries being rendered in string mode. */
  #asyncDepth = 0;
  /** Render function and suspension of the component `#setup` just reported SUSPENDED. */
  #lastRender: (() => VChild) | null = null;
  #lastSuspension: Suspension | null = null;

  constructor(hidStart: number, sink: ChunkSink | null, chunkSize: number) {
    this.hid = hidStart;
    this.#sink = sink;
    this.#chunkSize = sink === null ? Number.POSITIVE_INFINITY : chunkSize;
    let disposeRoot: () => void = noop;
    this.#owner = createRoot((dispose) => {
      disposeRoot = dispose;
      return getOwner();
    });
    this.#disposeRoot = disposeRoot;
  }

  /** Renders `node` as a top-level child list (its own raw-HTML sibling rule). */
  root(node: VChild): Step {
    this.#count = 0;
    this.#raw = false;
    this.#newlineGuard = false;
    return this.#child(node);
  }

  /** Hands buffered output to the sink (streaming mode; not inside an error boundary). */
  flush(): Step {
    if (this.out === "" || this.#sink === null || this.#hold > 0) return undefined;
    const chunk = this.out;
    this.out = "";
    return this.#sink.push(chunk);
  }

  /**
   * Disposes the render's root owner, which disposes every component owner (newest
   * first), so cleanups registered during setup run. Rethrows what cleanups threw.
   */
  dispose(): void {
    this.#disposeRoot();
  }

  #child(c: VChild): Step {
    if (typeof c === "string") return this.#text(c);
    if (c === null || typeof c !== "object") {
      if (typeof c === "number" || typeof c === "bigint") return this.#text(String(c));
      return undefined;
    }
    if (Array.isArray(c)) return this.#list(c, 0);
    if ((c as { $$typeof?: unknown }).$$typeof !== VNODE) {
      throw new VdomError(
        VdomErrorCode.invalidChild,
        "an object that is not a VNode (no $$typeof brand) cannot be rendered",
      );
    }
    return this.#node(c as VNode);
  }

  #node(n: VNode): Step {
    switch (n.kind) {
      case VKind.Element:
        return this.#element(n);
      case VKind.Text:
        return this.#text(n.text);
      case VKind.Fragment:
        return this.#nodes(n.children, 0);
      case VKind.Component:
        return this.#component(n.type, n.props);
      case VKind.Raw:
        return this.#rawHtml(n.html);
      default:
        return undefined;
    }
  }

  /** Any nesting of VChild (component output). */
  #list(items: readonly VChild[], start: number): Step {
    for (let i = start; i < items.length; i++) {
      const step = this.#child(items[i]);
      if (step !== undefined) return step.then(() => this.#list(items, i + 1));
    }
    return undefined;
  }

  /** A normalised child list (element and fragment children: VNodes only). */
  #nodes(items: readonly VNode[], start: number): Step {
    for (let i = start; i < items.length; i++) {
      const step = this.#node(items[i]!);
      if (step !== undefined) return step.then(() => this.#nodes(items, i + 1));
    }
    return undefined;
  }

  #rawNotOnlyChild(): RenderError {
    return new RenderError(
      RenderErrorCode.rawNotOnlyChild,
      "trusted raw HTML must be the only child of its element",
    );
  }

  #text(s: string): Step {
    if (s === "") return undefined;
    if (this.#raw) throw this.#rawNotOnlyChild();
    this.#count++;
    if (this.#newlineGuard) {
      this.#newlineGuard = false;
      if (s.charCodeAt(0) === 10) this.out += "\n";
    }
    this.out += escapeText(s);
    return this.out.length >= this.#chunkSize ? this.flush() : undefined;
  }

  #rawHtml(html: string): Step {
    if (this.#raw || this.#count > 0) throw this.#rawNotOnlyChild();
    this.#count++;
    this.#raw = true;
    if (this.#newlineGuard) {
      this.#newlineGuard = false;
      if (html.charCodeAt(0) === 10) this.out += "\n";
    }
    this.out += html;
    return this.out.length >= this.#chunkSize ? this.flush() : undefined;
  }

  #element(el: VElement): Step {
    const tag = tagInfo(el.tag);
    if (this.#raw) throw this.#rawNotOnlyChild();
    this.#count++;
    this.#newlineGuard = false;
    const flags = tag.flags;
    // Build the start tag on its own, then append it once: joining short strings makes
    // small flat copies, while joining onto the document rope would allocate a cons
    // node per piece.
    let open = tag.open;
    if (this.hids) open += HID_OPEN + this.hid++ + '"';
    this.out += open + propsToAttrs(el.tag, el.props, (flags & TagFlag.Textarea) !== 0) + ">";
    if (flags !== 0) {
      if ((flags & TagFlag.Void) !== 0) {
        return this.out.length >= this.#chunkSize ? this.flush() : undefined;
      }
      if ((flags & TagFlag.Textarea) !== 0 && textareaValue !== null) {
        const v = textareaValue;
        this.out += (v.charCodeAt(0) === 10 ? "\n" : "") + escapeText(v) + tag.close;
        return this.out.length >= this.#chunkSize ? this.flush() : undefined;
      }
    }
    const children = el.children;
    if (children.length === 0) {
      this.out += tag.close;
      return this.out.length >= this.#chunkSize ? this.flush() : undefined;
    }
    const count = this.#count;
    this.#count = 0;
    this.#newlineGuard = (flags & TagFlag.LeadingNewline) !== 0;
    const step = this.#nodes(children, 0);
    if (step !== undefined) return step.then(() => this.#close(tag, count));
    return this.#close(tag, count);
  }

  #close(tag: TagInfo, count: number): Step {
    this.out += tag.close;
    this.#count = count;
    this.#raw = false;
    this.#newlineGuard = false;
    return this.out.length >= this.#chunkSize ? this.flush() : undefined;
  }

  /**
   * Runs a component exactly like the live renderer: `type(props)` once, untracked,
   * with the component's context scope current, inside a fresh root owner created under
   * the enclosing component's owner; a function result is the render function (called
   * untracked), anything else is the output. Owners stay alive until `dispose()`, after
   * the whole tree is written. `onMount` callbacks are queued but never run: SSR does not
   * mount (they run when the live renderer mounts the page).
   */
  #component(type: Component, props: Props): Step {
    if (type === ErrorBoundary) return this.#errorBoundary(props as Partial<ErrorBoundaryProps>);
    if (type === Async) return this.#asyncBoundary(props as Partial<AsyncProps>);
    const parent = this.#scope;
    const scope = new SsrScope(parent);
    this.#type = type;
    this.#props = props;
    this.#pending = scope;
    const prev = enterScope(scope);
    let result: VChild | PromiseLike<unknown> | typeof SUSPENDED;
    let suspension: Suspension | null = null;
    try {
      result = runWithOwner(parent === null ? this.#owner : parent.owner, this.#inOwner) as
        | VChild
        | PromiseLike<unknown>
        | typeof SUSPENDED;
    } catch (error) {
      // The setup suspended: createRoot has disposed its owner; it runs again later.
      if (!isSuspension(error)) throw error;
      suspension = error;
      result = undefined;
    } finally {
      leaveScope(prev);
    }
    if (suspension !== null) return this.#suspendedSetup(type, props, suspension);
    if (result === SUSPENDED) return this.#suspendedRender(scope);
    if (isThenable(result)) return this.#awaitComponent(result, scope);
    return this.#output(result, scope);
  }

  /** Writes a component's output with its scope current (for nested components). */
  #output(out: VChild, scope: SsrScope): Step {
    const parent = scope.parent;
    this.#scope = scope;
    const step = this.#child(out);
    if (step === undefined) {
      this.#scope = parent;
      return undefined;
    }
    return step.then(() => {
      this.#scope = parent;
    });
  }

  readonly #inOwner = (): unknown => createRoot(this.#setup);

  // createRoot already runs its callback untracked, which is the `untracked` the
  // component contract asks for, for both setup and the first render.
  readonly #setup = (): unknown => {
    const type = this.#type!;
    const props = this.#props!;
    const scope = this.#pending!;
    this.#type = null;
    this.#props = null;
    this.#pending = null;
    // No `bindOwner(owner, scope)` here (the live renderer has it): it only serves hooks
    // called later through `runWithOwner`, which a one-pass render never does, and the
    // WeakMap entry per component cost ~25% of SSR throughput (mostly GC).
    const owner = getOwner();
    scope.owner = owner;
    let r: unknown;
    try {
      r = type(props);
    } catch (error) {
      if (isSuspension(error) && ownedBy(error.owner, owner)) {
        throw new RenderError(
          RenderErrorCode.resourceReadInSetup,
          `${type.name || "a component"} read a resource it created, before it was ready, in its setup`,
        );
      }
      throw error;
    }
    if (typeof r !== "function") return r;
    try {
      return (r as () => VChild)();
    } catch (error) {
      if (!isSuspension(error)) throw error;
      this.#lastRender = r as () => VChild;
      this.#lastSuspension = error;
      return SUSPENDED;
    }
  };

  /**
   * A component's setup suspended. Streaming: waits, then runs the component again from
   * scratch. String mode: unwinds to the enclosing `<Async>`, else writes nothing.
   */
  #suspendedSetup(type: Component, props: Props, suspension: Suspension): Step {
    if (this.#sink === null) {
      if (this.#asyncDepth > 0) throw UNWIND;
      return undefined;
    }
    return this.#after(suspension.until).then(() => this.#component(type, props));
  }

  /**
   * A component's render suspended (its owner stays). Streaming: waits, then renders it
   * again, as often as it suspends. String mode: as `#suspendedSetup`.
   */
  #suspendedRender(scope: SsrScope): Step {
    const render = this.#lastRender!;
    const suspension = this.#lastSuspension!;
    this.#lastRender = null;
    this.#lastSuspension = null;
    if (this.#sink === null) {
      if (this.#asyncDepth > 0) throw UNWIND;
      return undefined;
    }
    return this.#retryRender(render, suspension, scope);
  }

  #retryRender(render: () => VChild, suspension: Suspension, scope: SsrScope): Promise<void> {
    return this.#after(suspension.until).then(() => {
      const prev = enterScope(scope);
      let out: VChild = null;
      let again: Suspension | null = null;
      try {
        out = runWithOwner(scope.owner, () => untracked(render));
      } catch (error) {
        if (!isSuspension(error)) throw error;
        again = error;
      } finally {
        leaveScope(prev);
      }
      if (again !== null) return this.#retryRender(render, again, scope);
      return this.#output(out, scope);
    });
  }

  /** Sends what is ready (the browser can start on it), then waits for `until`. */
  #after(until: PromiseLike<unknown>): Promise<unknown> {
    const flushed = this.flush();
    return Promise.resolve(flushed === undefined ? until : flushed.then(() => until));
  }

  /** The current position and a fresh owner for a boundary's children (see `Mark`). */
  #mark(): Mark {
    const parent = this.#scope;
    const scope = new SsrScope(parent);
    let dispose: () => void = noop;
    runWithOwner(parent === null ? this.#owner : parent.owner, () =>
      createRoot((d) => {
        dispose = d;
        scope.owner = getOwner();
      }),
    );
    this.#scope = scope;
    return {
      length: this.out.length,
      hid: this.hid,
      count: this.#count,
      raw: this.#raw,
      newlineGuard: this.#newlineGuard,
      scope: parent,
      dispose,
    };
  }

  /** Forgets what a boundary's children wrote and disposes their owners. */
  #rewind(m: Mark): void {
    this.out = this.out.slice(0, m.length);
    this.hid = m.hid;
    this.#count = m.count;
    this.#raw = m.raw;
    this.#newlineGuard = m.newlineGuard;
    this.#scope = m.scope;
    try {
      m.dispose();
    } catch {
      // Cleanups of children that never made it to the page; the boundary's own outcome
      // (its fallback) is what the render reports.
    }
  }

  /** Renders a region component (a boundary's children or fallback) in the current scope. */
  #region(type: typeof ContentRegion, children: RegionChildren | undefined): Step {
    return this.#component(type, { children });
  }

  /** Ends a boundary's children: back to the boundary's parent scope. */
  #closeRegion(m: Mark, step: Step): Step {
    if (step === undefined) {
      this.#scope = m.scope;
      return undefined;
    }
    return step.then(() => {
      this.#scope = m.scope;
    });
  }

  /**
   * `<ErrorBoundary>`: the children with flushing held back; on an error (thrown, or a
   * rejected step in streaming mode) everything they wrote is rewound and the fallback
   * written instead. `reset` does nothing here (the live page mounts the children anew).
   */
  #errorBoundary(props: Partial<ErrorBoundaryProps>): Step {
    const m = this.#mark();
    this.#hold++;
    let step: Step;
    try {
      step = this.#closeRegion(m, this.#region(ContentRegion, props.children));
    } catch (error) {
      this.#hold--;
      return this.#errorFallback(error, m, props);
    }
    if (step === undefined) {
      this.#hold--;
      return this.#released();
    }
    return step.then(
      () => {
        this.#hold--;
        return this.#released();
      },
      (error: unknown) => {
        this.#hold--;
        return this.#errorFallback(error, m, props);
      },
    );
  }

  #errorFallback(error: unknown, m: Mark, props: Partial<ErrorBoundaryProps>): Step {
    if (error === UNWIND) throw error;
    this.#rewind(m);
    props.onError?.(error, { componentStack: [] });
    const fallback = props.fallback;
    return this.#region(FallbackRegion, () =>
      typeof fallback === "function" ? fallback(error, noop) : null,
    );
  }

  /** After an error boundary's children: hands over a full chunk once nothing holds it. */
  #released(): Step {
    return this.out.length >= this.#chunkSize ? this.flush() : undefined;
  }

  /**
   * `<Async>`: streaming mode awaits what its children wait for in place; string mode
   * writes the fallback instead when anything in the children suspends (or is an async
   * component).
   */
  #asyncBoundary(props: Partial<AsyncProps>): Step {
    if (this.#sink !== null) return this.#region(ContentRegion, props.children);
    const m = this.#mark();
    this.#asyncDepth++;
    let unwound = false;
    try {
      this.#closeRegion(m, this.#region(ContentRegion, props.children));
    } catch (error) {
      if (error !== UNWIND) throw error;
      unwound = true;
    } finally {
      this.#asyncDepth--;
    }
    if (!unwound) return undefined;
    this.#rewind(m);
    return this.#region(FallbackRegion, props.fallback);
  }

  #awaitComponent(result: PromiseLike<unknown>, scope: SsrScope): Step {
    if (this.#sink === null) {
      // Never leave the component's rejection unhandled: the caller gets our error instead.
      Promise.resolve(result).catch(noop);
      if (this.#asyncDepth > 0) throw UNWIND;
      throw new RenderError(
        RenderErrorCode.asyncInSyncRender,
        "a component returned a Promise; use renderToStream for async components",
      );
    }
    // Send what is ready before waiting, so the browser can start on it.
    const flushed = this.flush();
    const resolved = flushed === undefined ? result : flushed.then(() => result);
    return Promise.resolve(resolved).then((value) => {
      if (typeof value !== "function") return this.#output(value as VChild, scope);
      const prev = enterScope(scope);
      let out: VChild;
      try {
        out = runWithOwner(scope.owner, () => untracked(value as () => VChild));
      } finally {
        leaveScope(prev);
      }
      return this.#output(out, scope);
    });
  }
}

/** A component's context scope during SSR (what `provide`/`useContext` see). */
class SsrScope implements ContextScope {
  readonly parent: SsrScope | null;
  contexts: Map<Context<unknown>, unknown> | null = null;
  mountFns: MountFn[] | null = null;
  /** The component's root owner (its children's owners are created under it). */
  owner: Owner = null;

  constructor(parent: SsrScope | null) {
    this.parent = parent;
  }

  /** SSR awaits data in place: no pending-task counter (a getter: no field per scope). */
  get tasks(): null {
    return null;
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function"
  );
}

function noop(): void {}
