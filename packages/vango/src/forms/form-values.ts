/**
 * Form values and field names: the one representation that a live form edits and that a
 * submitted form (the `submit` event's `FormFields`, or an urlencoded POST body when
 * JavaScript is off) parses into, so that one schema validates both.
 *
 * Names map to paths the way most form libraries read them: `a.b` is key `b` of object
 * `a`, `tasks[0].title` is key `title` of item 0 of array `tasks`, and `tags[]` appends
 * to array `tags` (checkbox groups and multiple selects; a plain name given twice also
 * becomes an array). Leaves are strings, as the browser sends them; before validation
 * an empty string counts as absent (see {@link toSubmission}), so that `z.string()`
 * rejects an empty required field and `.optional()` accepts it.
 */
import { FormError, FormErrorCode } from "./form-error.ts";

/** A value in a form: strings at the leaves, nested in arrays and objects. */
export type FormValue = string | undefined | FormValue[] | { [key: string]: FormValue };
/** A whole form's values. */
export type FormValues = { [key: string]: FormValue };

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/** Options of {@link parseFormFields}. */
export interface ParseFieldsOptions {
  /** Highest array index accepted in a name (`tasks[1000]`); default 1,000. */
  maxIndex?: number;
}

const MAX_SEGMENTS = 32;
/** `[]`: append to the array. */
const APPEND = -1;

/**
 * The path of field name `name`, or null when it is not a valid name.
 * @example parsePath("tasks[2].title"); // ["tasks", 2, "title"]
 */
export function parsePath(name: string): PathSegment[] | null {
  const path = parseName(name, Number.MAX_SAFE_INTEGER);
  if (path === null || path.includes(APPEND)) return null;
  return path;
}

/**
 * The field name of `path`.
 * @example formatPath(["tasks", 2, "title"]); // "tasks[2].title"
 */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const s = path[i]!;
    if (typeof s === "number") out += `[${s}]`;
    else out += i === 0 ? s : `.${s}`;
  }
  return out;
}

/** Parses `name` into segments (APPEND for `[]`); null when malformed. */
function parseName(name: string, maxIndex: number): PathSegment[] | null {
  const out: PathSegment[] = [];
  let i = 0;
  const n = name.length;
  let key = readKey(name, 0);
  if (key === "") return null;
  out.push(key);
  i = key.length;
  while (i < n) {
    const c = name.charCodeAt(i);
    if (c === 46 /* . */) {
      key = readKey(name, i + 1);
      if (key === "") return null;
      out.push(key);
      i += 1 + key.length;
    } else if (c === 91 /* [ */) {
      const close = name.indexOf("]", i);
      if (close < 0) return null;
      const digits = name.slice(i + 1, close);
      if (digits === "") out.push(APPEND);
      else if (/^(0|[1-9][0-9]{0,8})$/.test(digits)) {
        const index = Number(digits);
        if (index > maxIndex) {
          throw new FormError(FormErrorCode.indexTooLarge, `${name}: index ${index} > ${maxIndex}`);
        }
        out.push(index);
      } else return null;
      i = close + 1;
    } else {
      return null;
    }
    if (out.length > MAX_SEGMENTS) return null;
  }
  for (const s of out) if (s === "__proto__") return null;
  return out;
}

/** The key starting at `from`: up to the next `.`, `[` or `]`. */
function readKey(name: string, from: number): string {
  let end = from;
  while (end < name.length) {
    const c = name.charCodeAt(end);
    if (c === 46 || c === 91 || c === 93) break;
    end++;
  }
  return name.slice(from, end);
}

/**
 * Builds form values from submitted name/value pairs (the `submit` event's `fields`, or
 * `new URLSearchParams(body)` of a POST). Throws `form_invalid_name` for a name that
 * does not parse or clashes with another, `form_index_too_large` past `maxIndex`.
 * @example
 * parseFormFields([["title", "Buy milk"], ["tasks[0].done", "on"], ["tags[]", "a"]]);
 * // { title: "Buy milk", tasks: [{ done: "on" }], tags: ["a"] }
 */
export function parseFormFields(
  fields: Iterable<readonly [string, string]>,
  options: ParseFieldsOptions = {},
): FormValues {
  const maxIndex = options.maxIndex ?? 1000;
  const root: FormValues = {};
  for (const [name, value] of fields) {
    const path = parseName(name, maxIndex);
    if (path === null) throw new FormError(FormErrorCode.invalidName, JSON.stringify(name));
    assign(root, path, value, name);
  }
  return root;
}

type Container = FormValues | FormValue[];

function assign(root: FormValues, path: PathSegment[], value: string, name: string): void {
  let node: Container = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const wantArray = typeof path[i + 1] === "number";
    let next = seg === APPEND ? undefined : get(node, seg);
    if (next === undefined) {
      next = wantArray ? [] : {};
      if (seg === APPEND) (node as FormValue[]).push(next);
      else set(node, seg, next);
    } else if (typeof next === "string" || Array.isArray(next) !== wantArray) {
      throw new FormError(
        FormErrorCode.invalidName,
        `${JSON.stringify(name)} clashes with another field`,
      );
    }
    node = next as Container;
  }
  const last = path[path.length - 1]!;
  if (last === APPEND) {
    if (!Array.isArray(node)) throw new FormError(FormErrorCode.invalidName, JSON.stringify(name));
    node.push(value);
    return;
  }
  const prev = get(node, last);
  if (prev === undefined) set(node, last, value);
  else if (typeof prev === "string") set(node, last, [prev, value]);
  else if (Array.isArray(prev) && prev.every((v) => typeof v === "string")) prev.push(value);
  else
    throw new FormError(
      FormErrorCode.invalidName,
      `${JSON.stringify(name)} clashes with another field`,
    );
}

function get(node: Container, seg: PathSegment): FormValue {
  if (Array.isArray(node)) return typeof seg === "number" ? node[seg] : undefined;
  return typeof seg === "string" && Object.hasOwn(node, seg) ? node[seg] : undefined;
}

function set(node: Container, seg: PathSegment, value: FormValue): void {
  if (Array.isArray(node)) {
    if (typeof seg !== "number") throw new FormError(FormErrorCode.invalidName, String(seg));
    while (node.length < seg) node.push(undefined);
    node[seg] = value;
  } else {
    if (typeof seg !== "string") throw new FormError(FormErrorCode.invalidName, String(seg));
    node[seg] = value;
  }
}

/**
 * Typed initial values in form representation: numbers and bigints as strings, `true`
 * as `"on"` (a checked checkbox), `false`, `null` and `undefined` as absent, dates as
 * ISO strings; arrays and plain objects recursively.
 * @example toFormValues({ title: "x", count: 3, done: false }); // { title: "x", count: "3" }
 */
export function toFormValues(values: unknown): FormValues {
  const out = toFormValue(values);
  return out !== null && typeof out === "object" && !Array.isArray(out) ? out : {};
}

function toFormValue(v: unknown): FormValue {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
    case "bigint":
      return String(v);
    case "boolean":
      return v ? "on" : undefined;
    case "object": {
      if (v === null) return undefined;
      if (v instanceof Date) return v.toISOString();
      if (Array.isArray(v)) return v.map(toFormValue);
      const out: FormValues = {};
      for (const k of Object.keys(v)) {
        if (k === "__proto__") continue;
        const x = toFormValue((v as Record<string, unknown>)[k]);
        if (x !== undefined) out[k] = x;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/**
 * What the schema validates: `values` with empty strings (an empty text field, the
 * "choose one" option) as absent — removed from objects, `undefined` in arrays (so that
 * indexes, and the paths of errors, stay put).
 * @example toSubmission({ title: "", tags: ["a", ""] }); // { tags: ["a", undefined] }
 */
export function toSubmission(values: FormValues): FormValues {
  return stripEmpty(values) as FormValues;
}

function stripEmpty(v: FormValue): FormValue {
  if (v === "") return undefined;
  if (typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(stripEmpty);
  const out: FormValues = {};
  for (const k in v) {
    const x = stripEmpty(v[k]);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

/** The value at `path` in `values` (undefined when absent). */
export function getAt(values: FormValue, path: readonly PathSegment[]): FormValue {
  let node: FormValue = values;
  for (const seg of path) {
    if (node === undefined || typeof node === "string") return undefined;
    node = get(node, seg);
  }
  return node;
}

/**
 * `values` with `value` at `path`, copying each container along the path (the others
 * are shared); `undefined` removes an object key.
 */
export function setAt(
  values: FormValues,
  path: readonly PathSegment[],
  value: FormValue,
): FormValues {
  return setIn(values, path, 0, value) as FormValues;
}

function setIn(
  node: FormValue,
  path: readonly PathSegment[],
  i: number,
  value: FormValue,
): FormValue {
  if (i === path.length) return value;
  const seg = path[i]!;
  if (typeof seg === "number") {
    const arr = Array.isArray(node) ? node.slice() : [];
    while (arr.length < seg) arr.push(undefined);
    arr[seg] = setIn(arr[seg], path, i + 1, value);
    return arr;
  }
  const obj: FormValues =
    node !== undefined && typeof node === "object" && !Array.isArray(node) ? { ...node } : {};
  const next = setIn(Object.hasOwn(obj, seg) ? obj[seg] : undefined, path, i + 1, value);
  if (next === undefined) delete obj[seg];
  else obj[seg] = next;
  return obj;
}

/** Deep equality of form values. */
export function sameValue(a: FormValue, b: FormValue): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !sameValue(a[k], b[k])) return false;
  return true;
}
