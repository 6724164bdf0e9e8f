/**
 * Random host trees for the diff property test: small alphabets of tags, keys, texts and
 * attributes so that random pairs share plenty of structure, nesting up to depth 4,
 * child lists obeying the host invariants (no adjacent or empty texts, raw only alone,
 * sibling keys unique). `mutate` derives a next tree from a mounted one the way a
 * re-render does, including reusing unchanged subtrees by reference.
 */
import fc from "fast-check";
import { type HElement, HKind, type HNode } from "../../src/vdom/host.ts";
import { el, rawNode, txt } from "./host-util.ts";

const TAGS = ["div", "span", "p", "li"] as const;
const KEYS = ["a", "b", "c", "d", "e", "f", "g"] as const;
const TEXTS = ["x", "y", "z", ""] as const;
const ATTR_NAMES = ["class", "id", "title", "value", "checked", "selected"] as const;
const ATTR_VALUES = ["", "1", "2"] as const;
export const MAX_DEPTH = 4;

/** Enforces the child-list invariants of `host.ts` on a freshly built list. */
export function normalize(list: HNode[]): HNode[] {
  const out: HNode[] = [];
  const keys = new Set<unknown>();
  for (const n of list) {
    if (n.kind === HKind.Raw) continue;
    if (n.kind === HKind.Text) {
      if (n.text === "") continue;
      const prev = out[out.length - 1];
      if (prev !== undefined && prev.kind === HKind.Text) {
        out[out.length - 1] = txt(prev.text + n.text);
        continue;
      }
    } else if (n.key !== undefined) {
      if (keys.has(n.key)) continue;
      keys.add(n.key);
    }
    out.push(n);
  }
  return out;
}

type Spec =
  | { t: "text"; text: string }
  | { t: "el"; tag: string; key: string | undefined; attrs: Record<string, string>; kids: Kids };
type Kids = { raw: string } | Spec[];

const attrsArb = fc.dictionary(fc.constantFrom(...ATTR_NAMES), fc.constantFrom(...ATTR_VALUES), {
  maxKeys: 3,
});

const byDepth = new Map<number, fc.Arbitrary<Spec>>();

function specArb(depth: number): fc.Arbitrary<Spec> {
  let arb = byDepth.get(depth);
  if (arb !== undefined) return arb;
  const text = fc.constantFrom(...TEXTS).map((s): Spec => ({ t: "text", text: s }));
  const kids: fc.Arbitrary<Kids> =
    depth >= MAX_DEPTH
      ? fc.constant([])
      : fc.oneof(
          {
            weight: 1,
            arbitrary: fc.constantFrom("<b>1</b>", "<i>2</i>", "").map((raw) => ({ raw })),
          },
          { weight: 8, arbitrary: fc.array(specArb(depth + 1), { maxLength: 6 }) },
        );
  const element = fc.record({
    t: fc.constant("el" as const),
    tag: fc.constantFrom(...TAGS),
    key: fc.option(fc.constantFrom(...KEYS), { nil: undefined, freq: 2 }),
    attrs: attrsArb,
    kids,
  });
  arb = fc.oneof({ weight: 1, arbitrary: text }, { weight: 2, arbitrary: element });
  byDepth.set(depth, arb);
  return arb;
}

function build(spec: Spec): HNode {
  if (spec.t === "text") return txt(spec.text);
  const kids = spec.kids;
  const children = Array.isArray(kids) ? normalize(kids.map(build)) : [rawNode(kids.raw)];
  return el(spec.tag, spec.attrs, children, spec.key);
}

/** A root `<div>` (unkeyed) with random children; all hids 0. */
export const rootArb: fc.Arbitrary<HElement> = fc
  .array(specArb(1), { maxLength: 7 })
  .map((kids) => el("div", {}, normalize(kids.map(build))));

/** Deterministic PRNG (mulberry32), so a mutation is reproducible from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

function randomNode(rnd: () => number, depth: number): HNode {
  if (rnd() < 0.35) return txt(pick(rnd, TEXTS));
  const kids: HNode[] = [];
  if (depth < MAX_DEPTH) {
    const n = Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) kids.push(randomNode(rnd, depth + 1));
  }
  const attrs: Record<string, string> = {};
  if (rnd() < 0.5) attrs[pick(rnd, ATTR_NAMES)] = pick(rnd, ATTR_VALUES);
  return el(pick(rnd, TAGS), attrs, normalize(kids), rnd() < 0.5 ? pick(rnd, KEYS) : undefined);
}

function mutateAttrs(rnd: () => number, attrs: Record<string, string>): Record<string, string> {
  if (rnd() < 0.6) return attrs;
  const out = { ...attrs };
  const name = pick(rnd, ATTR_NAMES);
  if (rnd() < 0.4) delete out[name];
  else out[name] = pick(rnd, ATTR_VALUES);
  return out;
}

function mutateNode(rnd: () => number, node: HNode, depth: number): HNode {
  if (node.kind === HKind.Text) return rnd() < 0.3 ? txt(pick(rnd, TEXTS)) : node;
  if (node.kind === HKind.Raw)
    return rnd() < 0.5 ? rawNode(pick(rnd, ["<b>1</b>", "<u>3</u>"])) : node;
  // Reuse by reference, as a parent does for a child component that did not re-render.
  if (rnd() < 0.15) return node;
  const tag = rnd() < 0.1 ? pick(rnd, TAGS) : node.tag;
  return el(tag, mutateAttrs(rnd, node.attrs), mutateList(rnd, node.children, depth), node.key);
}

function mutateList(rnd: () => number, list: HNode[], depth: number): HNode[] {
  if (list.length === 1 && list[0]!.kind === HKind.Raw) {
    return rnd() < 0.7
      ? [mutateNode(rnd, list[0]!, depth + 1)]
      : normalize([randomNode(rnd, depth + 1)]);
  }
  if (depth < MAX_DEPTH && rnd() < 0.05) return [rawNode("<p>r</p>")];
  const out: HNode[] = [];
  for (const c of list) {
    if (rnd() < 0.15) continue;
    out.push(mutateNode(rnd, c, depth + 1));
  }
  const shuffles = rnd() < 0.4 ? Math.floor(rnd() * 4) : 0;
  for (let i = 0; i < shuffles && out.length > 1; i++) {
    const x = Math.floor(rnd() * out.length);
    const y = Math.floor(rnd() * out.length);
    const t = out[x]!;
    out[x] = out[y]!;
    out[y] = t;
  }
  if (depth < MAX_DEPTH) {
    const inserts = rnd() < 0.4 ? Math.floor(rnd() * 3) : 0;
    for (let i = 0; i < inserts; i++) {
      out.splice(Math.floor(rnd() * (out.length + 1)), 0, randomNode(rnd, depth + 1));
    }
  }
  return normalize(out);
}

/** A next tree for mounted tree `prev`, built with the PRNG seeded by `seed`. */
export function mutate(prev: HElement, seed: number): HElement {
  const rnd = prng(seed);
  return el(prev.tag, mutateAttrs(rnd, prev.attrs), mutateList(rnd, prev.children, 0));
}
