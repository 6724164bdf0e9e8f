/**
 * The same form schema in each Standard Schema library the form tests run against
 * (one shared suite, several implementations): a title (required, ≥ 2 chars), a
 * numeric estimate, a "done" checkbox, a priority, tags, and tasks with titles.
 */
import * as v from "valibot";
import { z } from "zod";
import type { StandardSchemaV1 } from "../../src/schema/standard-schema.ts";

export interface Todo {
  title: string;
  estimate?: number | undefined;
  done: boolean;
  priority: "low" | "high";
  tags: string[];
  tasks: { title: string }[];
}

const zodSchema = z.object({
  title: z.string({ error: "Required" }).min(2, "Too short"),
  estimate: z.coerce.number({ error: "Not a number" }).int("Whole hours").optional(),
  done: z.coerce.boolean().default(false),
  priority: z.enum(["low", "high"], { error: "Pick one" }),
  tags: z.array(z.string()).default([]),
  tasks: z.array(z.object({ title: z.string({ error: "Required" }) })).default([]),
});

// valibot reports a missing key with the message of the object that lacks it.
const valibotSchema = v.object(
  {
    title: v.pipe(v.string("Required"), v.minLength(2, "Too short")),
    estimate: v.optional(
      v.pipe(v.string(), v.transform(Number), v.number("Not a number"), v.integer("Whole hours")),
    ),
    done: v.optional(
      v.pipe(
        v.string(),
        v.transform((s) => s !== ""),
      ),
      // The default goes through the pipe too: "" reads as unchecked.
      "",
    ),
    priority: v.picklist(["low", "high"], "Pick one"),
    tags: v.optional(v.array(v.string()), []),
    tasks: v.optional(v.array(v.object({ title: v.string("Required") }, "Required")), []),
  },
  "Required",
);

export const validators: ReadonlyArray<readonly [string, StandardSchemaV1<unknown, Todo>]> = [
  ["zod", zodSchema as StandardSchemaV1<unknown, Todo>],
  ["valibot", valibotSchema as StandardSchemaV1<unknown, Todo>],
];
