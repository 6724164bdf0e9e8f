/**
 * The SSR walker shared by `renderToString`, the streaming renderers and the page
 * shell: VNodes in, HTML appended to one string buffer, without building host nodes.
 *
 * Every step returns `undefined` while the work stays synchronous and a Promise only
 * when it had to wait (an async component, or a full chunk the consumer has not pulled
 * yet); callers continue in `.then` only then. A fully synchronous tree therefore
 * allocates no promises or closures, and the same walker serves both modes.
 */

import { ATTR_HID } from "../protocol/dom-attrs.ts";
import {
  createRoot,
  getOwner,
  type Owner as ReactiveOwner,
  runWithOwner,
  untracked,
} from "../reactive/index.ts";
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

type Owner = ReactiveOwner | null;
export type Step = undefined | Promise<void>;

/** Receives full chunks in streaming mode; a returned Promise pauses the walk until it settles. */
export interface ChunkSink {
  push(chunk: string): Step;
}

const HID_OPEN = " " + ATTR_HID + '="';

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

  /** Hands buffered output to the sink (streaming mode). */
  flush(): Step {
    if (this.out === "" || this.#sink === null) return undefined;
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
    const parent = this.#scope;
    const scope = new SsrScope(parent);
    this.#type = type;
    this.#props = props;
    this.#pending = scope;
    const prev = enterScope(scope);
    let result: VChild | PromiseLike<unknown>;
    try {
      result = runWithOwner(parent === null ? this.#owner : parent.owner, this.#inOwner) as
        | VChild
        | PromiseLike<unknown>;
    } finally {
      leaveScope(prev);
    }
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
    scope.owner = getOwner();
    const r = type(props);
    return typeof r === "function" ? (r as () => VChild)() : r;
  };

  #awaitComponent(result: PromiseLike<unknown>, scope: SsrScope): Step {
    if (this.#sink === null) {
      // Never leave the component's rejection unhandled: the caller gets our error instead.
      Promise.resolve(result).catch(noop);
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
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function"
  );
}

function noop(): void {}
