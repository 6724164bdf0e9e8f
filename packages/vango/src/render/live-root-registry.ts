/**
 * The hid → live element registry of a root, kept current by the diff's callbacks
 * (it is the root's `DiffHost`): O(1) lookups for event dispatch.
 */
import type { DiffHost } from "../vdom/diff.ts";
import { type HElement, HKind } from "../vdom/host.ts";

export class HidRegistry implements DiffHost {
  readonly #map = new Map<number, HElement>();
  #next: number;

  constructor(hidStart: number) {
    this.#next = hidStart;
  }

  get(hid: number): HElement | undefined {
    return this.#map.get(hid);
  }

  get size(): number {
    return this.#map.size;
  }

  /** Points `el.hid` at `el` (an element whose hid the diff did not hand out itself). */
  set(el: HElement): void {
    this.#map.set(el.hid, el);
  }

  /** Hands out hids from `hid` on (at least: never goes back). */
  skipTo(hid: number): void {
    if (hid > this.#next) this.#next = hid;
  }

  nextHid(): number {
    return this.#next++;
  }

  mounted(el: HElement): void {
    this.#map.set(el.hid, el);
  }

  unmounted(el: HElement): void {
    this.#map.delete(el.hid);
  }

  updated(el: HElement): void {
    this.#map.set(el.hid, el);
  }

  /** Forgets everything and registers every element of the tree under `root`. */
  reset(root: HElement): void {
    this.#map.clear();
    this.#walk(root);
  }

  #walk(el: HElement): void {
    this.#map.set(el.hid, el);
    const c = el.children;
    for (let i = 0; i < c.length; i++) {
      const n = c[i]!;
      if (n.kind === HKind.Element) this.#walk(n);
    }
  }

  clear(): void {
    this.#map.clear();
  }
}
