/**
 * Coded errors of the form helpers. Match on `code`, never on the message.
 */
import { createError } from "../errors/create-error.ts";

/** Codes a {@link FormError} can carry. */
export const FormErrorCode = {
  /**
   * A submitted field name that cannot be parsed (`a..b`, `a[x]`, `__proto__`, more than
   * 32 segments) or that conflicts with another (`a=1` and `a.b=2`). HTTP 400.
   */
  invalidName: "form_invalid_name",
  /** A submitted array index above the limit (`maxIndex`, default 1,000). HTTP 400. */
  indexTooLarge: "form_index_too_large",
  /** `useForm`/`parseForm` got a schema without a Standard Schema `~standard` property. */
  notASchema: "form_not_a_schema",
} as const;
export type FormErrorCode = (typeof FormErrorCode)[keyof typeof FormErrorCode];

/**
 * An error of the form helpers; the ones about submitted data answer HTTP 400.
 * @example
 * try { parseFormFields(body) } catch (e) { if (e instanceof FormError) return badRequest(e.code) }
 */
export const FormError = createError<FormErrorCode>("FormError", (code) =>
  code === FormErrorCode.notASchema ? 500 : 400,
);
export type FormError = InstanceType<typeof FormError>;
