/**
 * Route parameter parsers. A page declares one per parameter it wants typed:
 * `Number`, any function from the raw (decoded) string, or a Standard Schema
 * (https://standardschema.dev: zod, valibot, arktype…). A value the parser refuses —
 * `undefined`, `NaN`, a thrown error, schema issues — means the route does not match,
 * so the request ends as a 404 (or another route matches), never as a 500.
 */

/** The part of the Standard Schema v1 interface a parser needs (validation only). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** A Standard Schema validation result: a value, or issues. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
      }>;
    };

/** A parser for one parameter. */
export type ParamParser<T = unknown> = ((raw: string) => T) | StandardSchemaV1<string, T>;

/** Parsers by parameter name. */
export type ParamParsers = Readonly<Record<string, ParamParser>>;

/** The parsed params' type for a parser record (raw strings where none is declared). */
export type ParsedParams<P extends ParamParsers> = {
  [K in keyof P]: P[K] extends StandardSchemaV1<string, infer O>
    ? O
    : P[K] extends (raw: string) => infer T
      ? T
      : string;
};

/** True when `v` is a Standard Schema. */
export function isStandardSchema(v: unknown): v is StandardSchemaV1 {
  return (
    (typeof v === "object" || typeof v === "function") &&
    v !== null &&
    typeof (v as { "~standard"?: { validate?: unknown } })["~standard"]?.validate === "function"
  );
}

/** Marker of a refused value (a parser may legitimately return `null` or `false`). */
export const INVALID: unique symbol = Symbol("vango.invalidParam");

/**
 * Parses one raw value; {@link INVALID} when the parser refuses it.
 * @example parseParam(Number, "42") // 42; parseParam(Number, "x") // INVALID
 */
export function parseParam(parser: ParamParser, raw: string): unknown {
  if (isStandardSchema(parser)) {
    const r = parser["~standard"].validate(raw);
    // Matching is synchronous: an async schema cannot decide a route (documented).
    if (r instanceof Promise) {
      r.catch(() => {});
      return INVALID;
    }
    return r.issues === undefined ? r.value : INVALID;
  }
  let v: unknown;
  try {
    v = parser(raw);
  } catch {
    return INVALID;
  }
  if (v === undefined || (typeof v === "number" && Number.isNaN(v))) return INVALID;
  return v;
}
