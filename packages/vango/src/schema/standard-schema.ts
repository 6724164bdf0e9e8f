/**
 * The Standard Schema interface (v1, https://standardschema.dev): what zod, valibot,
 * ArkType and others expose as `schema["~standard"]`. Copied here as the spec asks
 * libraries that accept schemas to do (types only, no runtime dependency).
 */

/** A schema any Standard Schema library produces. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

export declare namespace StandardSchemaV1 {
  export interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
  }

  export type Result<Output> = SuccessResult<Output> | FailureResult;

  export interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }

  export interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }

  export interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }

  export interface PathSegment {
    readonly key: PropertyKey;
  }

  export interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }

  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["input"];

  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["output"];
}

/** Whether `v` carries a Standard Schema v1 `~standard` property. */
export function isStandardSchema(v: unknown): v is StandardSchemaV1 {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return false;
  const s = (v as { "~standard"?: { version?: unknown; validate?: unknown } })["~standard"];
  return typeof s === "object" && s !== null && s.version === 1 && typeof s.validate === "function";
}
