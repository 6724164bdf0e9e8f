/**
 * A tiny selector engine over the host tree, for tests: compound selectors of a tag,
 * `#id`, `.class` and `[attr]` / `[attr=value]` (quotes optional), joined by spaces
 * for descendants. Example: `form#signup button.primary[type=submit]`.
 */
import { NodeKind } from "../protocol/patch.ts";
import type { HElement } from "../vdom/host.ts";

interface Compound {
  readonly tag: string | undefined;
  readonly id: string | undefined;
  readonly classes: readonly string[];
  readonly attrs: readonly (readonly [name: string, value: string | undefined])[];
}

const TOKEN =
  /([#.]?)(-?[_a-zA-Z][\w-]*)|\[\s*([^\s=\]]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\]\s]*)))?\s*\]/y;

/** Parses a selector; throws a SyntaxError on anything outside the supported subset. */
export function parseSelector(selector: string): Compound[] {
  const parts = selector.trim().split(/\s+/);
  const out: Compound[] = [];
  for (const part of parts) {
    if (part === "") throw new SyntaxError("empty selector");
    let tag: string | undefined;
    let id: string | undefined;
    const classes: string[] = [];
    const attrs: [string, string | undefined][] = [];
    TOKEN.lastIndex = 0;
    let pos = 0;
    while (pos < part.length) {
      TOKEN.lastIndex = pos;
      const m = TOKEN.exec(part);
      if (m === null) throw new SyntaxError(`unsupported selector "${selector}"`);
      if (m[2] !== undefined) {
        if (m[1] === "#") id = m[2];
        else if (m[1] === ".") classes.push(m[2]);
        else if (pos === 0) tag = m[2].toLowerCase();
        else throw new SyntaxError(`unsupported selector "${selector}"`);
      } else {
        attrs.push([m[3]!, m[4] ?? m[5] ?? m[6]]);
      }
      pos = TOKEN.lastIndex;
    }
    out.push({ tag, id, classes, attrs });
  }
  return out;
}

function matches(el: HElement, c: Compound): boolean {
  if (c.tag !== undefined && el.tag !== c.tag) return false;
  const a = el.attrs;
  if (c.id !== undefined && a.id !== c.id) return false;
  if (c.classes.length > 0) {
    const cls = (a.class ?? "").split(/\s+/);
    for (const k of c.classes) if (!cls.includes(k)) return false;
  }
  for (const [name, value] of c.attrs) {
    const v = a[name];
    if (v === undefined || (value !== undefined && v !== value)) return false;
  }
  return true;
}

/** Every element under `root` (root included) matching `selector`, in document order. */
export function selectAll(root: HElement, selector: string): HElement[] {
  const chain = parseSelector(selector);
  const out: HElement[] = [];
  const path: HElement[] = [];
  walk(root, path, chain, out);
  return out;
}

function walk(el: HElement, path: HElement[], chain: Compound[], out: HElement[]): void {
  path.push(el);
  if (matchesChain(path, chain)) out.push(el);
  for (const child of el.children) {
    if (child.kind === NodeKind.Element) walk(child as HElement, path, chain, out);
  }
  path.pop();
}

/** The last compound matches the element; earlier ones match ancestors in order. */
function matchesChain(path: readonly HElement[], chain: readonly Compound[]): boolean {
  let i = path.length - 1;
  let j = chain.length - 1;
  if (!matches(path[i]!, chain[j]!)) return false;
  j--;
  i--;
  while (j >= 0) {
    while (i >= 0 && !matches(path[i]!, chain[j]!)) i--;
    if (i < 0) return false;
    i--;
    j--;
  }
  return true;
}

/** Ancestors of the element with hid `hid`, root first, the element last; `[]` if absent. */
export function pathTo(root: HElement, hid: number): HElement[] {
  const path: HElement[] = [];
  return find(root, hid, path) ? path : [];
}

function find(el: HElement, hid: number, path: HElement[]): boolean {
  path.push(el);
  if (el.hid === hid) return true;
  for (const child of el.children) {
    if (child.kind === NodeKind.Element && find(child as HElement, hid, path)) return true;
  }
  path.pop();
  return false;
}
