/**
 * `useForm()`: a live form over any Standard Schema — values, bindings for every kind of
 * control, per-field errors shown once a field is touched (or after a submit), dirty
 * state, debounced async validation, form arrays with stable row keys, submitting state
 * and server errors mapped back to fields.
 *
 * The values are kept as the browser would submit them (see `form-values.ts`): strings
 * by field name. Every change validates the whole form with the schema, on the server,
 * in the event handler that made it; the same schema then validates the submitted
 * fields, and a page action validates a JavaScript-off POST with `parseForm`, so all
 * three agree. Schemas coerce what is not a string (`z.coerce.number()`,
 * `z.coerce.boolean()` for a checkbox, which submits "on" or nothing).
 */
import { batch, type Signal, signal } from "../reactive/index.ts";
import { onRelease } from "../reactive/owner.ts";
import type { StandardSchemaV1 } from "../schema/standard-schema.ts";
import type { CustomEventPayload, InputEventPayload, SubmitEventPayload } from "../vdom/events.ts";
import { type FormArray, FormArrayImpl, remapErrors, remapName, remapSet } from "./form-array.ts";
import { FormError, FormErrorCode } from "./form-error.ts";
import {
  type FormValue,
  type FormValues,
  getAt,
  type PathSegment,
  parseFormFields,
  parsePath,
  sameValue,
  setAt,
  toFormValues,
} from "./form-values.ts";
import { assertSchema, type FieldErrors, type FormResult, validateForm } from "./validate-form.ts";

export type { FormArray, FormRow } from "./form-array.ts";

/** Errors as given by code: one message or several per field name; `""` for the form. */
export type ErrorsInput = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Initial values in the schema's input shape (any leaf may also be given as a string). */
export type FormInit<T> = T extends string | number | bigint | boolean | Date | null | undefined
  ? T | string
  : T extends readonly (infer E)[]
    ? FormInit<E>[]
    : T extends object
      ? { [K in keyof T]?: FormInit<T[K]> }
      : unknown;

export interface UseFormOptions<S extends StandardSchemaV1> {
  /** Any Standard Schema (zod, valibot, ArkType, …) for the whole form. */
  schema: S;
  /** Starting values (numbers become strings, `true` "on", see `toFormValues`). */
  initial?: FormInit<StandardSchemaV1.InferInput<S>> | FormValues;
  /**
   * Errors to show from the start, e.g. those `parseForm` returned for a JavaScript-off
   * POST; the form then counts as submitted (every field's errors show).
   */
  errors?: ErrorsInput;
  /**
   * More checks after the schema passed (a name already taken): runs `debounce` ms after
   * the last change, with an `AbortSignal` aborted when a newer change supersedes it; on
   * submit it runs at once and is awaited.
   */
  validate?: (
    value: StandardSchemaV1.InferOutput<S>,
    ctx: { readonly signal: AbortSignal },
  ) => ErrorsInput | undefined | Promise<ErrorsInput | undefined>;
  /** Quiet time before `validate` runs, in ms; default 250. */
  debounce?: number;
  /** Runs with the parsed value once the form is valid; `submitting()` is true meanwhile. */
  onSubmit?: (value: StandardSchemaV1.InferOutput<S>, form: Form<S>) => unknown;
  /** Prefix of the element ids the bindings give (`<id>-<field>`); default "form". */
  id?: string;
}

type Aria = {
  "aria-invalid": "true" | undefined;
  "aria-describedby": string | undefined;
};

/** Spread on `<input>` (text-like), `<textarea>` or `<select>`. */
export type FieldProps = Aria & {
  id: string;
  name: string;
  value: string;
  onInput: (e: InputEventPayload) => void;
  onBlur: () => void;
};

/** Spread on `<input type="checkbox">`. */
export type CheckboxProps = Aria & {
  type: "checkbox";
  id: string;
  name: string;
  value: string;
  checked: boolean;
  onChange: (e: InputEventPayload) => void;
};

/** Spread on `<input type="radio">`. */
export type RadioProps = Aria & {
  type: "radio";
  id: string;
  name: string;
  value: string;
  checked: boolean;
  onChange: (e: InputEventPayload) => void;
};

/** Spread on `<option>`: selected when the field holds its value (also without JavaScript). */
export interface OptionProps {
  value: string;
  selected: boolean;
}

/** Spread on `<form>`. */
export type FormProps = {
  id: string;
  method: "post";
  onSubmit: (e: SubmitEventPayload) => Promise<void>;
  /** Form recovery's `formrecover` event: the browser's record of a form whose rows changed. */
  onFormrecover: (e: CustomEventPayload) => void;
  "aria-describedby": string | undefined;
};

/** See {@link useForm}. Every read is tracked. */
export interface Form<S extends StandardSchemaV1 = StandardSchemaV1> {
  readonly id: string;
  /** The schema the form validates with. */
  readonly schema: S;
  /** All values, as the form would submit them. */
  values(): FormValues;
  value(name: string): FormValue;
  /** Sets a value (validates; clears the server error of that field). */
  set(name: string, value: FormValue): void;
  /** Marks a field as touched (its errors show). The bindings do it on blur or change. */
  touch(name: string): void;
  field(name: string): FieldProps;
  /** A single checkbox ("on" or absent), or with `value` one box of a group (an array). */
  checkbox(name: string, value?: string): CheckboxProps;
  radio(name: string, value: string): RadioProps;
  option(name: string, value: string): OptionProps;
  array(name: string): FormArray;
  /** The first error to show for `name` (`""`: the form's own), if any. */
  error(name?: string): string | undefined;
  /** Every error to show, by field name. */
  errors(): FieldErrors;
  /** The id of the element that shows `name`'s error (what `aria-describedby` points to). */
  errorId(name?: string): string;
  /** The id the bindings give `name`'s control (for `<label for>`). */
  fieldId(name: string): string;
  /** Whether `name` (or a field under it; any field without a name) was touched. */
  touched(name?: string): boolean;
  /** Whether `name`'s value (any value without a name) differs from the initial one. */
  dirty(name?: string): boolean;
  /** No errors, shown or not, and no validation in flight. */
  valid(): boolean;
  validating(): boolean;
  submitting(): boolean;
  /** A submit was attempted (all errors show). */
  submitted(): boolean;
  /** Shows errors from elsewhere (the server) on their fields until each field changes. */
  setErrors(errors: ErrorsInput): void;
  /** Back to `values` (default: the initial values), untouched, not submitted. */
  reset(values?: unknown): void;
  /**
   * Validates `fields` (the submit event's, else the form's values) and calls `onSubmit`
   * when valid; resolves whether it was. Ignored (false) while a submit is running.
   */
  submit(fields?: Iterable<readonly [string, string]>): Promise<boolean>;
  /**
   * Takes back what the browser recorded of this form, as a submit would send it, when
   * the page's controls are not the recorded ones — rows added to or removed from a form
   * array before a reload, or before a restart that lost the session. Values are set over
   * the current ones; an array the fields name gets as many rows as they do (rows matched
   * by index; new rows get new keys). Validates. The form's `formrecover` event (form
   * recovery, see `props()`) calls it. Throws `form_invalid_name` for a name that does
   * not parse, `form_index_too_large` past index 1,000.
   * @example form.recover([["title", "Trip"], ["subtasks[0].title", "Tickets"], ["subtasks[1].title", "Hotel"]]);
   */
  recover(fields: Iterable<readonly [string, string]>): void;
  props(): FormProps;
}

const NO_ERRORS: FieldErrors = Object.freeze({});
const NO_MESSAGES: readonly string[] = Object.freeze([]);

class FormImpl<S extends StandardSchemaV1> implements Form<S> {
  readonly id: string;
  readonly schema: S;
  readonly #options: UseFormOptions<S>;
  readonly #values: Signal<FormValues>;
  readonly #initial: Signal<FormValues>;
  /** Errors of the schema, of `validate`, and set from outside. */
  readonly #schemaErrors = signal<FieldErrors>(NO_ERRORS, { equals: sameErrors });
  readonly #extraErrors = signal<FieldErrors>(NO_ERRORS, { equals: sameErrors });
  readonly #serverErrors = signal<FieldErrors>(NO_ERRORS, { equals: sameErrors });
  readonly #touched = signal<ReadonlySet<string>>(new Set());
  readonly #submitted = signal(false);
  // What the user typed, touched and was told persists with the session (a restart keeps
  // the form); in-flight flags do not.
  readonly #submitting = signal(false, { transient: true });
  readonly #validations = signal(0, { transient: true });
  /** Latest validation run; older results are dropped. */
  #run = 0;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #extra: AbortController | null = null;
  readonly #paths = new Map<string, PathSegment[]>();
  readonly #handlers = new Map<
    string,
    { input: (e: InputEventPayload) => void; blur: () => void }
  >();
  readonly #arrays = new Map<string, FormArray>();
  /** Row keys per array name. */
  readonly #keys = new Map<string, string[]>();
  #nextKey = 0;
  readonly #onSubmit: (e: SubmitEventPayload) => Promise<void>;
  readonly #onRecover: (e: CustomEventPayload) => void;

  constructor(options: UseFormOptions<S>) {
    assertSchema(options.schema);
    this.schema = options.schema;
    this.#options = options;
    this.id = options.id ?? "form";
    const initial = toFormValues(options.initial ?? {});
    this.#values = signal(initial);
    this.#initial = signal(initial);
    if (options.errors !== undefined) {
      this.#serverErrors.set(normalizeErrors(options.errors));
      this.#submitted.set(true);
    }
    this.#onSubmit = async (e) => {
      await this.submit(e.fields);
    };
    this.#onRecover = (e) => this.recover(recoveredFields(e.detail));
    onRelease(() => this.#cancelExtra());
    // The schema only: `validate` runs after a change (and on submit), so a page load —
    // or a session rebuilt from its checkpoint, which kept its errors — does not wait on it.
    this.#validate(false);
  }

  values(): FormValues {
    return this.#values();
  }

  value(name: string): FormValue {
    return getAt(this.#values(), this.#path(name));
  }

  set(name: string, value: FormValue): void {
    const path = this.#path(name);
    batch(() => {
      this.#values.set(setAt(this.#values.peek(), path, value));
      this.#serverErrors.set(without(this.#serverErrors.peek(), name));
      this.#extraErrors.set(without(this.#extraErrors.peek(), name));
      this.#validate();
    });
  }

  touch(name: string): void {
    const t = this.#touched.peek();
    if (t.has(name)) return;
    const next = new Set(t);
    next.add(name);
    this.#touched.set(next);
  }

  field(name: string): FieldProps {
    const v = this.value(name);
    const h = this.#handlersOf(name);
    return {
      id: this.fieldId(name),
      name,
      value: typeof v === "string" ? v : "",
      onInput: h.input,
      onBlur: h.blur,
      ...this.#aria(name),
    };
  }

  checkbox(name: string, value?: string): CheckboxProps {
    const v = this.value(name);
    if (value === undefined) {
      return {
        type: "checkbox",
        id: this.fieldId(name),
        name,
        value: "on",
        checked: typeof v === "string" && v !== "",
        onChange: (e) => {
          this.set(name, isChecked(e) ? "on" : undefined);
          this.touch(name);
        },
        ...this.#aria(name),
      };
    }
    return {
      type: "checkbox",
      id: `${this.fieldId(name)}-${idPart(value)}`,
      name: `${name}[]`,
      value,
      checked: Array.isArray(v) ? v.includes(value) : v === value,
      onChange: (e) => {
        const now = this.value(name);
        const list = (Array.isArray(now) ? now : typeof now === "string" ? [now] : []).filter(
          (x) => x !== value,
        );
        if (isChecked(e)) list.push(value);
        this.set(name, list);
        this.touch(name);
      },
      ...this.#aria(name),
    };
  }

  radio(name: string, value: string): RadioProps {
    return {
      type: "radio",
      id: `${this.fieldId(name)}-${idPart(value)}`,
      name,
      value,
      checked: this.value(name) === value,
      onChange: (e) => {
        if (!isChecked(e)) return;
        this.set(name, value);
        this.touch(name);
      },
      ...this.#aria(name),
    };
  }

  option(name: string, value: string): OptionProps {
    const v = this.value(name);
    return { value, selected: Array.isArray(v) ? v.includes(value) : v === value };
  }

  array(name: string): FormArray {
    let a = this.#arrays.get(name);
    if (a === undefined) {
      a = new FormArrayImpl(this, name);
      this.#arrays.set(name, a);
    }
    return a;
  }

  error(name = ""): string | undefined {
    return this.#shown(name)[0];
  }

  errors(): FieldErrors {
    const out: Record<string, readonly string[]> = {};
    const names = new Set([
      ...Object.keys(this.#serverErrors()),
      ...Object.keys(this.#schemaErrors()),
      ...Object.keys(this.#extraErrors()),
    ]);
    for (const name of names) {
      const shown = this.#shown(name);
      if (shown.length > 0) out[name] = shown;
    }
    return out;
  }

  errorId(name = ""): string {
    return name === "" ? `${this.id}-error` : `${this.fieldId(name)}-error`;
  }

  fieldId(name: string): string {
    return `${this.id}-${idPart(name)}`;
  }

  touched(name?: string): boolean {
    const t = this.#touched();
    if (name === undefined) return t.size > 0;
    if (t.has(name)) return true;
    for (const x of t) if (isUnder(x, name)) return true;
    return false;
  }

  dirty(name?: string): boolean {
    if (name === undefined) return !sameValue(this.#values(), this.#initial());
    const path = this.#path(name);
    return !sameValue(getAt(this.#values(), path), getAt(this.#initial(), path));
  }

  valid(): boolean {
    return (
      this.#validations() === 0 &&
      isEmpty(this.#schemaErrors()) &&
      isEmpty(this.#extraErrors()) &&
      isEmpty(this.#serverErrors())
    );
  }

  validating(): boolean {
    return this.#validations() > 0;
  }

  submitting(): boolean {
    return this.#submitting();
  }

  submitted(): boolean {
    return this.#submitted();
  }

  setErrors(errors: ErrorsInput): void {
    this.#serverErrors.set(normalizeErrors(errors));
  }

  reset(values?: unknown): void {
    const next = toFormValues(values === undefined ? (this.#options.initial ?? {}) : values);
    this.#cancelExtra();
    batch(() => {
      this.#values.set(next);
      this.#initial.set(next);
      this.#touched.set(new Set());
      this.#submitted.set(false);
      this.#serverErrors.set(NO_ERRORS);
      this.#extraErrors.set(NO_ERRORS);
      this.#keys.clear();
      this.#validate();
    });
  }

  async submit(fields?: Iterable<readonly [string, string]>): Promise<boolean> {
    if (this.#submitting.peek()) return false;
    const values = fields === undefined ? this.#values.peek() : parseFormFields(fields);
    this.#cancelExtra();
    const run = ++this.#run;
    batch(() => {
      this.#submitted.set(true);
      this.#serverErrors.set(without(this.#serverErrors.peek(), ""));
    });
    const result = await this.#tracked(validateForm(this.schema, values));
    if (run !== this.#run) return false;
    this.#schemaErrors.set(result.ok ? NO_ERRORS : result.errors);
    if (!result.ok) return false;
    const check = this.#options.validate;
    if (check !== undefined) {
      const extra = await this.#tracked(
        runCheck(check, result.value, new AbortController().signal),
      );
      if (run !== this.#run) return false;
      this.#extraErrors.set(extra);
      if (!isEmpty(extra)) return false;
    }
    const onSubmit = this.#options.onSubmit;
    if (onSubmit === undefined) return true;
    this.#submitting.set(true);
    try {
      await onSubmit(result.value, this);
    } finally {
      this.#submitting.set(false);
    }
    return true;
  }

  recover(fields: Iterable<readonly [string, string]>): void {
    const now = this.#values.peek();
    const next = mergeValues(now, parseFormFields(fields)) as FormValues;
    if (sameValue(next, now)) return;
    batch(() => {
      // New rows get their keys from `rows()`, after the rows the form already had.
      this.#values.set(next);
      this.#validate();
    });
  }

  props(): FormProps {
    return {
      id: this.id,
      method: "post",
      onSubmit: this.#onSubmit,
      onFormrecover: this.#onRecover,
      "aria-describedby": this.error("") === undefined ? undefined : this.errorId(""),
    };
  }

  /** @internal Replaces the values (array edits) and moves per-row state with them. */
  edit(values: FormValues, arrayName: string, remap: (index: number) => number): void {
    const prefix = `${arrayName}[`;
    batch(() => {
      this.#values.set(values);
      this.#touched.set(remapSet(this.#touched.peek(), prefix, remap));
      this.#serverErrors.set(remapErrors(this.#serverErrors.peek(), prefix, remap));
      this.#extraErrors.set(remapErrors(this.#extraErrors.peek(), prefix, remap));
      for (const [name, keys] of [...this.#keys]) {
        const moved = remapName(name, prefix, remap);
        if (moved === undefined) continue;
        this.#keys.delete(name);
        if (moved !== null) this.#keys.set(moved, keys);
      }
      this.#validate();
    });
  }

  /** @internal The row keys of array `name`, as many as it has rows. */
  keysOf(name: string, n: number): string[] {
    let keys = this.#keys.get(name);
    if (keys === undefined) {
      keys = [];
      this.#keys.set(name, keys);
    }
    while (keys.length < n) keys.push(`${this.id}:${++this.#nextKey}`);
    while (keys.length > n) keys.pop();
    return keys;
  }

  /** @internal A fresh row key. */
  newKey(): string {
    return `${this.id}:${++this.#nextKey}`;
  }

  /** @internal */
  pathOf(name: string): PathSegment[] {
    return this.#path(name);
  }

  #path(name: string): PathSegment[] {
    let p = this.#paths.get(name);
    if (p === undefined) {
      const parsed = name === "" ? [] : parsePath(name);
      if (parsed === null) throw new FormError(FormErrorCode.invalidName, JSON.stringify(name));
      p = parsed;
      this.#paths.set(name, p);
    }
    return p;
  }

  #handlersOf(name: string): { input: (e: InputEventPayload) => void; blur: () => void } {
    // Cached per name: the same functions on every render keep the element's handler
    // record unchanged (no rebinding in the renderer).
    let h = this.#handlers.get(name);
    if (h === undefined) {
      h = { input: (e) => this.set(name, e.value), blur: () => this.touch(name) };
      this.#handlers.set(name, h);
    }
    return h;
  }

  #aria(name: string): Aria {
    const shown = this.#shown(name).length > 0;
    return {
      "aria-invalid": shown ? "true" : undefined,
      "aria-describedby": shown ? this.errorId(name) : undefined,
    };
  }

  /** Errors to show for `name`: the server's always, the others once touched or submitted. */
  #shown(name: string): readonly string[] {
    const server = this.#serverErrors()[name];
    if (server !== undefined && server.length > 0) return server;
    const schema = this.#schemaErrors()[name];
    const extra = this.#extraErrors()[name];
    if (schema === undefined && extra === undefined) return NO_MESSAGES;
    if (!this.#submitted() && (name === "" || !this.#touched().has(name))) return NO_MESSAGES;
    if (extra === undefined) return schema!;
    if (schema === undefined) return extra;
    return [...schema, ...extra];
  }

  /** Validates the values now (the schema), then (`extra`) `validate` after the debounce. */
  #validate(extra = true): void {
    const run = ++this.#run;
    this.#cancelExtra();
    const result = validateForm(this.schema, this.#values.peek());
    if (result instanceof Promise) {
      void this.#tracked(result).then((r) => {
        if (run === this.#run) this.#applied(r, run, extra);
      });
    } else {
      this.#applied(result, run, extra);
    }
  }

  #applied(result: FormResult<StandardSchemaV1.InferOutput<S>>, run: number, extra: boolean): void {
    this.#schemaErrors.set(result.ok ? NO_ERRORS : result.errors);
    const check = this.#options.validate;
    if (!result.ok || check === undefined || !extra) return;
    const ctrl = new AbortController();
    this.#extra = ctrl;
    this.#validations.update((n) => n + 1);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void runCheck(check, result.value, ctrl.signal).then(
        (errors) => {
          if (ctrl.signal.aborted || run !== this.#run) return;
          this.#extra = null;
          batch(() => {
            this.#extraErrors.set(errors);
            this.#validations.update((n) => n - 1);
          });
        },
        () => {
          // A failing check is not a validation error; the submit runs it again.
          if (ctrl.signal.aborted) return;
          this.#extra = null;
          this.#validations.update((n) => n - 1);
        },
      );
    }, this.#options.debounce ?? 250);
  }

  /** Stops a pending or running `validate` check. */
  #cancelExtra(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const ctrl = this.#extra;
    if (ctrl === null) return;
    this.#extra = null;
    ctrl.abort();
    this.#validations.update((n) => n - 1);
  }

  /** Counts `p` in `validating()` while it runs. */
  async #tracked<T>(p: T | Promise<T>): Promise<T> {
    if (!(p instanceof Promise)) return p;
    this.#validations.update((n) => n + 1);
    try {
      return await p;
    } finally {
      this.#validations.update((n) => n - 1);
    }
  }
}

/**
 * Creates a form; call it in a component's setup (a pending `validate` check is
 * cancelled with the component).
 * @example
 * const Todo = z.object({ title: z.string().min(1, "Required") });
 * function NewTodo() {
 *   const form = useForm({ schema: Todo, onSubmit: (todo) => todos.add(todo) });
 *   return () => (
 *     <form {...form.props()}>
 *       <input {...form.field("title")} />
 *       {form.error("title") && <p id={form.errorId("title")}>{form.error("title")}</p>}
 *       <button type="submit" disabled={form.submitting()}>Add</button>
 *     </form>
 *   );
 * }
 */
export function useForm<S extends StandardSchemaV1>(options: UseFormOptions<S>): Form<S> {
  return new FormImpl(options);
}

async function runCheck<T>(
  check: (
    value: T,
    ctx: { readonly signal: AbortSignal },
  ) => ErrorsInput | undefined | Promise<ErrorsInput | undefined>,
  value: T,
  signal: AbortSignal,
): Promise<FieldErrors> {
  const r = await check(value, { signal });
  return r === undefined ? NO_ERRORS : normalizeErrors(r);
}

/** The `formrecover` event's detail: `[name, value]` pairs, else `form_invalid_name`. */
function recoveredFields(detail: unknown): [string, string][] {
  if (!Array.isArray(detail)) {
    throw new FormError(FormErrorCode.invalidName, "recovered fields must be a list");
  }
  for (const f of detail) {
    if (
      !Array.isArray(f) ||
      f.length !== 2 ||
      typeof f[0] !== "string" ||
      typeof f[1] !== "string"
    ) {
      throw new FormError(
        FormErrorCode.invalidName,
        "recovered fields must be [name, value] pairs",
      );
    }
  }
  return detail as [string, string][];
}

/**
 * `from` laid over `into`: strings replace, objects merge by key, arrays by index and take
 * `from`'s length (`{}` for rows `from` skips, when its rows are objects).
 */
function mergeValues(into: FormValue, from: FormValue): FormValue {
  if (from === undefined) return into;
  if (typeof from === "string") return from;
  if (Array.isArray(from)) {
    const out = Array.isArray(into) ? into.slice(0, from.length) : [];
    const row = from.find((v) => v !== undefined);
    const blank = row !== undefined && typeof row === "object" && !Array.isArray(row);
    while (out.length < from.length) out.push(blank ? {} : undefined);
    for (let i = 0; i < from.length; i++) {
      if (from[i] !== undefined) out[i] = mergeValues(out[i], from[i]);
    }
    return out;
  }
  const out: FormValues =
    into !== undefined && typeof into === "object" && !Array.isArray(into) ? { ...into } : {};
  for (const k of Object.keys(from)) out[k] = mergeValues(out[k], from[k]);
  return out;
}

function normalizeErrors(errors: ErrorsInput): FieldErrors {
  const out: Record<string, readonly string[]> = {};
  for (const name of Object.keys(errors)) {
    const e = errors[name];
    if (e === undefined) continue;
    const list = typeof e === "string" ? [e] : e.slice();
    if (list.length > 0) out[name] = list;
  }
  return isEmpty(out) ? NO_ERRORS : out;
}

function without(errors: FieldErrors, name: string): FieldErrors {
  if (!Object.hasOwn(errors, name)) return errors;
  const out: Record<string, readonly string[]> = { ...errors };
  delete out[name];
  return isEmpty(out) ? NO_ERRORS : out;
}

function isEmpty(errors: FieldErrors): boolean {
  for (const _ in errors) return false;
  return true;
}

/** Equal when the same names have the same messages (keeps readers from re-rendering). */
function sameErrors(a: FieldErrors, b: FieldErrors): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const x = a[k]!;
    const y = b[k];
    if (y === undefined || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

/** Whether field `x` is `name` or lies under it (`tasks[0].title` under `tasks`). */
function isUnder(x: string, name: string): boolean {
  if (!x.startsWith(name)) return false;
  const c = x.charCodeAt(name.length);
  return c === 46 /* . */ || c === 91 /* [ */;
}

function isChecked(e: InputEventPayload): boolean {
  return e.checked ?? e.value !== "";
}

function idPart(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, "-");
}
