/**
 * Array fields of a form (`tasks[0].title`, `tasks[1].title`…): rows with keys that stay
 * with them, and adds, removes and moves that carry each row's touched state, errors and
 * key to its new index.
 */
import {
  type FormValue,
  type FormValues,
  type PathSegment,
  setAt,
  toFormValues,
} from "./form-values.ts";
import type { FieldErrors } from "./validate-form.ts";

/** A row of a {@link FormArray}. */
export interface FormRow {
  /** Stable across adds, removes and moves: use it as the row element's `key`. */
  readonly key: string;
  readonly index: number;
  /** The name of a field of this row (`tasks[2].title`), or of the row itself. */
  name(field?: string): string;
}

/** The rows of an array field, with edits that keep keys, touched state and errors in step. */
export interface FormArray {
  readonly name: string;
  /** The rows (tracked). */
  rows(): readonly FormRow[];
  length(): number;
  /** Inserts a row (default `{}`) at `at` (default: the end). */
  add(value?: unknown, at?: number): void;
  remove(index: number): void;
  move(from: number, to: number): void;
}

/** What an array needs of its form (`useForm`'s form gives it). */
export interface ArrayHost {
  value(name: string): FormValue;
  values(): FormValues;
  pathOf(name: string): PathSegment[];
  /** The row keys of array `name`, as many as it has rows. */
  keysOf(name: string, n: number): string[];
  newKey(): string;
  /** Replaces the values and moves per-row state by `remap` (old index → new, -1: gone). */
  edit(values: FormValues, arrayName: string, remap: (index: number) => number): void;
}

export class FormArrayImpl implements FormArray {
  readonly name: string;
  readonly #form: ArrayHost;

  constructor(form: ArrayHost, name: string) {
    this.#form = form;
    this.name = name;
  }

  #list(): FormValue[] {
    const v = this.#form.value(this.name);
    return Array.isArray(v) ? v : [];
  }

  rows(): readonly FormRow[] {
    const list = this.#list();
    const keys = this.#form.keysOf(this.name, list.length);
    const name = this.name;
    return keys.map((key, index) => ({
      key,
      index,
      name: (field?: string) =>
        field === undefined || field === "" ? `${name}[${index}]` : `${name}[${index}].${field}`,
    }));
  }

  length(): number {
    return this.#list().length;
  }

  add(value: unknown = {}, at?: number): void {
    const list = this.#list().slice();
    const i = clamp(at ?? list.length, 0, list.length);
    const keys = this.#form.keysOf(this.name, list.length);
    const v = toFormValues({ v: value }).v;
    list.splice(i, 0, v);
    keys.splice(i, 0, this.#form.newKey());
    this.#commit(list, (k) => (k >= i ? k + 1 : k));
  }

  remove(index: number): void {
    const list = this.#list().slice();
    if (index < 0 || index >= list.length) return;
    const keys = this.#form.keysOf(this.name, list.length);
    list.splice(index, 1);
    keys.splice(index, 1);
    this.#commit(list, (k) => (k === index ? -1 : k > index ? k - 1 : k));
  }

  move(from: number, to: number): void {
    const list = this.#list().slice();
    const n = list.length;
    if (from < 0 || from >= n || from === to) return;
    const t = clamp(to, 0, n - 1);
    const keys = this.#form.keysOf(this.name, n);
    list.splice(t, 0, list.splice(from, 1)[0]);
    keys.splice(t, 0, keys.splice(from, 1)[0]!);
    this.#commit(list, (k) => {
      if (k === from) return t;
      if (from < t && k > from && k <= t) return k - 1;
      if (t < from && k >= t && k < from) return k + 1;
      return k;
    });
  }

  #commit(list: FormValue[], remap: (index: number) => number): void {
    const form = this.#form;
    form.edit(setAt(form.values(), form.pathOf(this.name), list), this.name, remap);
  }
}

/**
 * `name` moved by an array edit: `undefined` when it is not under the array's `prefix`
 * (`tasks[`), `null` when its row went away, else the name with the new index.
 */
export function remapName(
  name: string,
  prefix: string,
  remap: (i: number) => number,
): string | null | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const close = name.indexOf("]", prefix.length);
  if (close < 0) return undefined;
  const index = Number(name.slice(prefix.length, close));
  if (!Number.isInteger(index)) return undefined;
  const to = remap(index);
  return to < 0 ? null : `${prefix}${to}${name.slice(close)}`;
}

export function remapSet(
  set: ReadonlySet<string>,
  prefix: string,
  remap: (i: number) => number,
): ReadonlySet<string> {
  const out = new Set<string>();
  for (const name of set) {
    const moved = remapName(name, prefix, remap);
    if (moved === undefined) out.add(name);
    else if (moved !== null) out.add(moved);
  }
  return out;
}

export function remapErrors(
  errors: FieldErrors,
  prefix: string,
  remap: (i: number) => number,
): FieldErrors {
  const names = Object.keys(errors);
  if (names.length === 0) return errors;
  const out: Record<string, readonly string[]> = {};
  for (const name of names) {
    const moved = remapName(name, prefix, remap);
    if (moved === undefined) out[name] = errors[name]!;
    else if (moved !== null) out[moved] = errors[name]!;
  }
  return out;
}

function clamp(n: number, lo: number, hi: number): number {
  return n < lo ? lo : n > hi ? hi : n;
}
