/**
 * `stream()`: a keyed collection whose items the server renders once, sends, and forgets.
 *
 * A list rendered the usual way stays in the session's host tree, so its memory grows
 * with every item shown. A stream keeps only the keys, in DOM order: each operation
 * renders the items it adds to static markup, queues the patch that puts it in place
 * (`Insert`/`Replace`/`Remove` at the key's index in the container, `SetHtml` for a
 * reset) and drops the markup. The container is `<StreamList of={s}>`; the items that
 * exist when it first renders are its initial HTML (a page load shows them with
 * JavaScript off), and the view's diff never looks inside it afterwards.
 *
 * Items are static markup: elements inside them carry no hids and no handlers (put
 * handlers on the container, or use a keyed list for rows with their own controls).
 *
 * `limit` bounds the DOM: appending past it drops items from the start, prepending drops
 * them from the end — with infinite scroll, the items far off screen.
 */
import { PatchOp } from "../protocol/constants.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { NodeKind } from "../protocol/patch.ts";
import { type ReadonlySignal, type Signal, signal } from "../reactive/index.ts";
import { useContext } from "../render/context.ts";
import { HtmlWriter } from "../render/html-writer.ts";
import { disposeQuietly } from "../render/ssr.ts";
import { ServerError } from "../server/core/errors.ts";
import type { Session } from "../server/session/session.ts";
import { SessionContext } from "../server/session/session-context.ts";
import { type Key, type VChild, VKind, type VNode } from "../vdom/vnode.ts";

export interface StreamOptions<T> {
  /** The item's identity: operations on a key address the item sent under it. */
  readonly key: (item: T) => Key;
  /** Markup of one item: one element (`<li>…</li>`, not a component or a fragment). */
  readonly render: (item: T) => VChild;
  /** Most items kept in the DOM (default: no limit). */
  readonly limit?: number;
  /**
   * A full resync put the page's DOM back to the stream's first items (those in
   * `<StreamList>`'s first render): the keys are those again. Reset what you keep about
   * the stream (a cursor) here.
   */
  readonly onResync?: () => void;
}

/** A stream as its owner uses it. */
export interface Stream<T> {
  /** Adds items at the end; an item whose key is present replaces it in place. */
  append(items: readonly T[]): void;
  /** Adds items at the start, in their order; a present key is replaced in place. */
  prepend(items: readonly T[]): void;
  /** Re-renders the item with its key in place; false when the key is not present. */
  update(item: T): boolean;
  /** Removes the item with `key`; false when it is not present. */
  delete(key: Key): boolean;
  /** Replaces every item with `items` (none when omitted). */
  reset(items?: readonly T[]): void;
  has(key: Key): boolean;
  /** Items in the DOM, as a signal. */
  readonly size: ReadonlySignal<number>;
  /** The keys in DOM order (the only thing the server keeps). */
  keys(): readonly Key[];
}

/** @internal What `<StreamList>` needs of a stream. */
export interface StreamHost {
  /** Markup of the items added before the container's first render; then released. */
  takeInitialHtml(): string;
  /** The container is mounted: later operations patch element `hid()`. */
  attach(hid: () => number): void;
  detach(): void;
}

/** @internal Streams by their public handle. */
export const streamHosts = new WeakMap<Stream<unknown>, StreamHost>();

/**
 * Renders `node` to static HTML: no hids, no handlers; components run once and are
 * disposed.
 */
export function renderStatic(node: VChild): string {
  const w = new HtmlWriter(1, null, 0);
  w.hids = false;
  let ok = false;
  try {
    w.root(node);
    ok = true;
  } finally {
    if (ok) w.dispose();
    else disposeQuietly(w);
  }
  return w.out;
}

class KeyedStream<T> implements Stream<T>, StreamHost {
  readonly #key: (item: T) => Key;
  readonly #render: (item: T) => VChild;
  readonly #limit: number;
  readonly #session: Session | null;
  readonly #size: Signal<number>;
  #keys: Key[] = [];
  /** Markup of each item, kept only until the container first renders. */
  #html: string[] | null = [];
  #hid: (() => number) | null = null;
  /** Keys of the container's first render: what a full resync brings back. */
  #initialKeys: readonly Key[] = [];
  readonly #onResync: (() => void) | undefined;
  #unlisten: (() => void) | null = null;

  constructor(options: StreamOptions<T>, session: Session | null) {
    this.#key = options.key;
    this.#render = options.render;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (!(limit >= 1)) throw new ServerError(ErrorCode.internal_error, "stream limit must be ≥ 1");
    this.#limit = limit;
    this.#session = session;
    this.#onResync = options.onResync;
    this.#size = signal(0, { transient: true });
  }

  get size(): ReadonlySignal<number> {
    return this.#size;
  }

  keys(): readonly Key[] {
    return this.#keys;
  }

  has(key: Key): boolean {
    return this.#keys.includes(key);
  }

  append(items: readonly T[]): void {
    for (const item of items) {
      if (!this.update(item)) this.#insert(this.#keys.length, item);
    }
    while (this.#keys.length > this.#limit) this.#remove(0);
    this.#size.set(this.#keys.length);
  }

  prepend(items: readonly T[]): void {
    let at = 0;
    for (const item of items) {
      if (!this.update(item)) this.#insert(at++, item);
    }
    while (this.#keys.length > this.#limit) this.#remove(this.#keys.length - 1);
    this.#size.set(this.#keys.length);
  }

  update(item: T): boolean {
    const i = this.#keys.indexOf(this.#key(item));
    if (i < 0) return false;
    const html = this.#item(item);
    if (this.#html !== null) this.#html[i] = html;
    else this.#patch(PatchOp.Replace, i, html);
    return true;
  }

  delete(key: Key): boolean {
    const i = this.#keys.indexOf(key);
    if (i < 0) return false;
    this.#remove(i);
    this.#size.set(this.#keys.length);
    return true;
  }

  reset(items: readonly T[] = []): void {
    const keys: Key[] = [];
    let html = "";
    const seen = new Set<Key>();
    for (const item of items) {
      const k = this.#key(item);
      if (seen.has(k)) continue;
      seen.add(k);
      keys.push(k);
    }
    const kept = keys.slice(Math.max(0, keys.length - this.#limit));
    const parts = items.filter((it) => kept.includes(this.#key(it))).map((it) => this.#item(it));
    this.#keys = kept;
    if (this.#html !== null) this.#html = parts;
    else {
      html = parts.join("");
      const hid = this.#hid;
      if (hid !== null) this.#session?.queuePatch({ op: PatchOp.SetHtml, hid: hid(), html });
    }
    this.#size.set(kept.length);
  }

  takeInitialHtml(): string {
    const html = this.#html === null ? "" : this.#html.join("");
    this.#html = null;
    this.#initialKeys = this.#keys.slice();
    return html;
  }

  attach(hid: () => number): void {
    this.#hid = hid;
    this.#unlisten?.();
    this.#unlisten = this.#session?.onFullResync(() => this.#resynced()) ?? null;
  }

  detach(): void {
    this.#hid = null;
    this.#unlisten?.();
    this.#unlisten = null;
  }

  #resynced(): void {
    this.#keys = this.#initialKeys.slice();
    this.#size.set(this.#keys.length);
    this.#onResync?.();
  }

  #insert(index: number, item: T): void {
    const html = this.#item(item);
    this.#keys.splice(index, 0, this.#key(item));
    if (this.#html !== null) this.#html.splice(index, 0, html);
    else this.#patch(PatchOp.Insert, index, html);
  }

  #remove(index: number): void {
    this.#keys.splice(index, 1);
    if (this.#html !== null) this.#html.splice(index, 1);
    else {
      const hid = this.#hid;
      if (hid !== null) this.#session?.queuePatch({ op: PatchOp.Remove, parent: hid(), index });
    }
  }

  #patch(op: typeof PatchOp.Insert | typeof PatchOp.Replace, index: number, html: string): void {
    const hid = this.#hid;
    if (hid === null || this.#session === null) return;
    this.#session.queuePatch({ op, parent: hid(), index, node: { kind: NodeKind.Raw, html } });
  }

  /** One item's markup: the render must return one element, or indexes would drift. */
  #item(item: T): string {
    const node = this.#render(item);
    if ((node as VNode | null)?.kind !== VKind.Element) {
      throw new ServerError(ErrorCode.render_error, "a stream item must render one element");
    }
    return renderStatic(node);
  }
}

/**
 * A stream owned by the calling component. Call in setup; render it with
 * `<StreamList of={s} />`.
 * @example
 * function Feed() {
 *   const feed = stream<Post>({ key: (p) => p.id, render: (p) => <li>{p.text}</li>, limit: 200 });
 *   feed.append(firstPage());
 *   return () => <StreamList of={feed} as="ul" onViewportBottom={() => feed.append(nextPage())} />;
 * }
 */
export function stream<T>(options: StreamOptions<T>): Stream<T> {
  const s = new KeyedStream<T>(options, useContext(SessionContext));
  streamHosts.set(s as Stream<unknown>, s);
  return s;
}
