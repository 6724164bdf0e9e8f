/**
 * Validation with any Standard Schema, without a component: what a page `action` calls
 * on an urlencoded POST (JavaScript off) and what `useForm` runs on every change, so
 * that the browser with and without JavaScript sees the same errors.
 */

import { isStandardSchema, type StandardSchemaV1 } from "../schema/standard-schema.ts";
import { FormError, FormErrorCode } from "./form-error.ts";
import {
  type FormValues,
  formatPath,
  type ParseFieldsOptions,
  type PathSegment,
  parseFormFields,
  toSubmission,
} from "./form-values.ts";

/** Messages by field name (`tasks[0].title`); `""` holds the form-level ones. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;

/** The outcome of validating a form; `values` are the form values that were validated. */
export type FormResult<T> =
  | { readonly ok: true; readonly value: T; readonly values: FormValues }
  | { readonly ok: false; readonly errors: FieldErrors; readonly values: FormValues };

/**
 * Standard Schema issues as messages by field name, in issue order.
 * @example issuesToErrors([{ message: "Required", path: ["tasks", 0, "title"] }]); // { "tasks[0].title": ["Required"] }
 */
export function issuesToErrors(issues: ReadonlyArray<StandardSchemaV1.Issue>): FieldErrors {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const name = issue.path === undefined ? "" : formatPath(issue.path.map(segment));
    const list = out[name];
    if (list === undefined) out[name] = [issue.message];
    else if (!list.includes(issue.message)) list.push(issue.message);
  }
  return out;
}

function segment(s: PropertyKey | StandardSchemaV1.PathSegment): PathSegment {
  const key = typeof s === "object" ? s.key : s;
  return typeof key === "number" ? key : String(key);
}

/**
 * Validates form values (empty strings counting as absent) with `schema`; synchronous
 * when the schema is, else a Promise.
 * @example
 * const r = validateForm(TodoSchema, { title: "" });
 * if (!("then" in r) && !r.ok) r.errors.title; // ["Required"]
 */
export function validateForm<S extends StandardSchemaV1>(
  schema: S,
  values: FormValues,
):
  | FormResult<StandardSchemaV1.InferOutput<S>>
  | Promise<FormResult<StandardSchemaV1.InferOutput<S>>> {
  assertSchema(schema);
  const result = schema["~standard"].validate(toSubmission(values));
  if (result instanceof Promise) return result.then((r) => toResult(r, values));
  return toResult(result, values);
}

function toResult<T>(r: StandardSchemaV1.Result<T>, values: FormValues): FormResult<T> {
  if (r.issues !== undefined) return { ok: false, errors: issuesToErrors(r.issues), values };
  return { ok: true, value: r.value, values };
}

/**
 * Parses submitted fields (an urlencoded POST body as `URLSearchParams`, or the submit
 * event's `fields`) and validates them with `schema`. A malformed field name throws a
 * `FormError` (HTTP 400); invalid values come back as `{ ok: false, errors, values }`,
 * ready to render the form again with what the user typed.
 * @example
 * export async function action(req) {
 *   const r = await parseForm(TodoSchema, new URLSearchParams(await req.text()));
 *   if (!r.ok) return { status: 422, errors: r.errors, values: r.values };
 *   await todos.add(r.value);
 * }
 */
export async function parseForm<S extends StandardSchemaV1>(
  schema: S,
  fields: Iterable<readonly [string, string]>,
  options?: ParseFieldsOptions,
): Promise<FormResult<StandardSchemaV1.InferOutput<S>>> {
  assertSchema(schema);
  return validateForm(schema, parseFormFields(fields, options));
}

/** Throws `form_not_a_schema` unless `schema` is a Standard Schema. */
export function assertSchema(schema: unknown): asserts schema is StandardSchemaV1 {
  if (!isStandardSchema(schema)) {
    throw new FormError(
      FormErrorCode.notASchema,
      "expected a Standard Schema (zod, valibot, …) with a ~standard property",
    );
  }
}
