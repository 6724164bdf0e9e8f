/**
 * Attribute serialisation for the HTML writers. `propsToAttrs` is the SSR fast path:
 * it writes TSX props straight to ` name="value"` pairs without building the
 * `normalizeProps` record, using the same classification and value rules, and falls
 * back to `normalizeProps` itself for the rare alias collisions (class + className…),
 * so both paths always produce the same attributes in the same order.
 */
import { ATTR_ON, encodeListeners, type ListenerSpec } from "../protocol/dom-attrs.ts";
import type { Props } from "../vdom/vnode.ts";
import { AttrKind, nameInfo } from "./attr-policy.ts";
import { attrValue } from "./attr-values.ts";
import { listenerSpec, normalizeProps, toBinding } from "./attrs.ts";
import { escapeAttr } from "./escape.ts";

/**
 * ` name="value"` pairs (each with a leading space) for TSX props, `data-on` last;
 * `<textarea>`'s `value` is left out and returned through `textareaValue`.
 */
export function propsToAttrs(tag: string, props: Props, isTextarea: boolean): string {
  let out = "";
  let specs: ListenerSpec[] | null = null;
  let seen = 0;
  textareaValue = null;
  for (const name in props) {
    const info = nameInfo(name);
    const kind = info.kind;
    if (kind === AttrKind.Skip) continue;
    if (info.alias !== 0) {
      if ((seen & info.alias) !== 0) {
        return attrsToString(normalizeProps(tag, props).attrs, isTextarea);
      }
      seen |= info.alias;
    }
    if (kind === AttrKind.Handler) {
      const binding = toBinding(props[name]);
      if (binding !== null) {
        if (specs === null) specs = [];
        specs.push(listenerSpec(info.out, binding));
      }
      continue;
    }
    const raw = props[name];
    // Fast path: a plain attribute given as a string needs no conversion.
    const value =
      kind === AttrKind.Plain && typeof raw === "string" ? raw : attrValue(kind, tag, raw);
    if (value === null) continue;
    if (isTextarea && name === "value") textareaValue = value;
    else out += info.prefix + escapeAttr(value) + '"';
  }
  if (specs !== null) out += " " + ATTR_ON + '="' + escapeAttr(encodeListeners(specs)) + '"';
  return out;
}

/**
 * Side channel of `propsToAttrs` for `<textarea value>` (set on every call), so the hot
 * path returns a plain string instead of allocating a result object.
 */
export let textareaValue: string | null = null;

/**
 * ` name="value"` pairs for an already-normalised attribute record (host trees); for a
 * textarea the `value` entry is reported through `textareaValue` instead.
 */
export function attrsToString(attrs: Record<string, string>, isTextarea: boolean): string {
  let out = "";
  textareaValue = null;
  for (const name in attrs) {
    const value = attrs[name]!;
    if (isTextarea && name === "value") textareaValue = value;
    else out += " " + name + '="' + escapeAttr(value) + '"';
  }
  return out;
}
