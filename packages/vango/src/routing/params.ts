/**
 * Route parameter parsers. A page declares one per parameter it wants typed:
 * `Number`, any function from the raw (decoded) string, or a Standard Schema
 * (https://standardschema.dev: zod, valibot, arktype…). A value the parser refuses —
 * `undefined`, `NaN`, a thrown error, schema issues — means the route does not match,
 * so the request ends as a 404 (or another route matches), never as a 500.
 */
import { isStandardSchema, type StandardSchemaV1 } from "../schema/standard-schema.ts";

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

/**
 * The props a page component receives for the parsers `P` (`{}`: a page without
 * parameters): what connects a page's `params` export to its component's type.
 * @example
 * export const params = { id: Number };
 * export default function Item(props: PageProps<typeof params>) {
 *   return <h1>Item {props.params.id + 1}</h1>; // id: number
 * }
 */
export interface PageProps<P extends ParamParsers = {}> {
  readonly params: ParsedParams<P>;
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
