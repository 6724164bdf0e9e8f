/**
 * Form validation cost per keystroke, for a 20-field form: zod 4 and valibot 1 side by
 * side in one process (alternating), against a pass-through schema that validates
 * nothing (what the form costs without a validator). Run: `npm run bench -- forms`.
 *
 * Cases:
 *  - "validateForm": the schema run alone on the form's values (empty strings dropped,
 *    then `~standard.validate`), all fields valid, and with 3 fields invalid (issues
 *    mapped to field names);
 *  - "keystroke": one `input` event's whole server-side work in a mounted form
 *    (`mountLive`): the field's handler sets the value (copy-on-write values, full
 *    validation, error signals), the form re-renders and the flush diffs it into the
 *    patch the client gets (one SetProp).
 */
import * as v from "valibot";
import { z } from "zod";
import type { FormValues } from "../src/forms/form-values.ts";
import { useForm } from "../src/forms/use-form.ts";
import { validateForm } from "../src/forms/validate-form.ts";
import type { Patch } from "../src/protocol/patch.ts";
import { mountLive } from "../src/render/live-root.ts";
import type { StandardSchemaV1 } from "../src/schema/standard-schema.ts";
import type { InputEventPayload } from "../src/vdom/events.ts";
import { type BenchResult, bench, median, printTable } from "./util.ts";

const TEXT = ["firstName", "lastName", "company", "street", "city", "zip", "country", "phone"];
const zodShape: Record<string, z.ZodType> = {
  email: z.email(),
  website: z.url().optional(),
  age: z.coerce.number().int().min(18).max(130),
  seats: z.coerce.number().int().min(1).max(500),
  plan: z.enum(["free", "pro", "team"]),
  billing: z.enum(["monthly", "yearly"]),
  terms: z.coerce.boolean().refine((b) => b, "Accept the terms"),
  newsletter: z.coerce.boolean().default(false),
  notes: z.string().max(2000).optional(),
  referral: z.string().max(50).optional(),
  vat: z
    .string()
    .regex(/^[A-Z]{2}[0-9A-Z]{2,12}$/)
    .optional(),
  budget: z.coerce.number().min(0).optional(),
};
const valibotShape: Record<string, v.GenericSchema> = {
  email: v.pipe(v.string(), v.email()),
  website: v.optional(v.pipe(v.string(), v.url())),
  age: v.pipe(
    v.string(),
    v.transform(Number),
    v.number(),
    v.integer(),
    v.minValue(18),
    v.maxValue(130),
  ),
  seats: v.pipe(
    v.string(),
    v.transform(Number),
    v.number(),
    v.integer(),
    v.minValue(1),
    v.maxValue(500),
  ),
  plan: v.picklist(["free", "pro", "team"]),
  billing: v.picklist(["monthly", "yearly"]),
  terms: v.pipe(
    v.literal("on", "Accept the terms"),
    v.transform(() => true),
  ),
  newsletter: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s !== ""),
    ),
    "",
  ),
  notes: v.optional(v.pipe(v.string(), v.maxLength(2000))),
  referral: v.optional(v.pipe(v.string(), v.maxLength(50))),
  vat: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{2}[0-9A-Z]{2,12}$/))),
  budget: v.optional(v.pipe(v.string(), v.transform(Number), v.number(), v.minValue(0))),
};
for (const name of TEXT) {
  zodShape[name] = z.string().min(1).max(100);
  valibotShape[name] = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
}

const schemas: Array<readonly [string, StandardSchemaV1]> = [
  [
    "none (pass-through)",
    { "~standard": { version: 1, vendor: "none", validate: (value) => ({ value }) } },
  ],
  ["zod 4.6.7", z.object(zodShape)],
  ["valibot 1.5.0", v.object(valibotShape)],
];

const valid: FormValues = {
  firstName: "Ada",
  lastName: "Lovelace",
  company: "Analytical Engines Ltd",
  street: "12 St James's Square",
  city: "London",
  zip: "SW1Y 4JH",
  country: "GB",
  phone: "+44 20 7946 0000",
  email: "ada@example.org",
  website: "https://example.org",
  age: "36",
  seats: "12",
  plan: "team",
  billing: "yearly",
  terms: "on",
  newsletter: "",
  notes: "Please invoice quarterly.",
  referral: "",
  vat: "GB123456789",
  budget: "12000",
};
const invalid: FormValues = { ...valid, email: "ada@", age: "12", city: "" };
if (Object.keys(valid).length !== 20) throw new Error("the form must have 20 fields");

function check(schema: StandardSchemaV1, values: FormValues, ok: boolean): void {
  const r = validateForm(schema, values);
  if (r instanceof Promise) throw new Error("expected a synchronous schema");
  if (schema["~standard"].vendor !== "none" && r.ok !== ok) {
    throw new Error(`${schema["~standard"].vendor}: expected ok=${ok}, got ${JSON.stringify(r)}`);
  }
}

/** A mounted 20-field form; `keystroke()` types one character into `city` and flushes. */
function mountedForm(schema: StandardSchemaV1): { keystroke: () => number; dispose: () => void } {
  let onCity: ((e: InputEventPayload) => void) | undefined;
  function Signup() {
    const form = useForm({ schema, initial: valid });
    return () => (
      <form {...form.props()}>
        {Object.keys(valid).map((name) => {
          const f = form.field(name);
          if (name === "city") onCity = f.onInput;
          return (
            <label key={name}>
              {name}
              <input {...f} />
              {form.error(name) !== undefined && (
                <span id={form.errorId(name)}>{form.error(name)}</span>
              )}
            </label>
          );
        })}
      </form>
    );
  }
  const view = mountLive(<Signup />, { onDirty: () => {} });
  const out: Patch[] = [];
  let n = 0;
  const cities = ["Londons", "London"];
  return {
    keystroke() {
      onCity!({ type: "input", target: 0, value: cities[n++ & 1]! });
      out.length = 0;
      view.flush(out);
      if (out.length !== 1) throw new Error(`expected 1 patch, got ${out.length}`);
      return out.length;
    },
    dispose: () => view.dispose(),
  };
}

/**
 * Runs each case once per round, the cases in turn, for 7 rounds; reports each case's
 * median (what BENCHMARKS.md calls side by side).
 */
function alternate(cases: ReadonlyArray<readonly [string, () => unknown, string?]>): BenchResult[] {
  for (const [, fn] of cases) for (let i = 0; i < 2000; i++) fn();
  const samples = cases.map(() => [] as number[]);
  for (let round = 0; round < 7; round++) {
    for (let i = 0; i < cases.length; i++) {
      const [name, fn] = cases[i]!;
      samples[i]!.push(bench(name, fn, { runs: 1 }).nsPerOp);
    }
  }
  return cases.map(([name, , note], i) => {
    const ns = median(samples[i]!);
    return { name, nsPerOp: ns, opsPerSec: 1e9 / ns, runs: 7, ...(note ? { note } : {}) };
  });
}

for (const [, schema] of schemas) {
  check(schema, valid, true);
  check(schema, invalid, false);
}
const forms = schemas.map(([name, schema]) => [name, mountedForm(schema)] as const);
const rows: BenchResult[] = [
  ...alternate(
    schemas.map(([name, schema]) => [
      `validateForm, valid: ${name}`,
      () => validateForm(schema, valid),
    ]),
  ),
  ...alternate(
    schemas.map(([name, schema]) => [
      `validateForm, 3 invalid: ${name}`,
      () => validateForm(schema, invalid),
    ]),
  ),
  ...alternate(
    forms.map(([name, form]) => [
      `keystroke (set + validate + render + flush): ${name}`,
      form.keystroke,
      "1 SetProp",
    ]),
  ),
];
for (const [, form] of forms) form.dispose();
printTable("Form validation per keystroke, 20 fields (forms.bench.tsx)", rows);
