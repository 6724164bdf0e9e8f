/**
 * Validation without a component, one suite for every Standard Schema library: an
 * urlencoded POST body (JavaScript off) and the live form's values give the same result.
 */
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { FormError } from "../../src/forms/form-error.ts";
import { issuesToErrors, parseForm, validateForm } from "../../src/forms/validate-form.ts";
import { validators } from "./validators.ts";

describe.each(validators)("with %s", (_name, schema) => {
  test("a valid POST body parses into the typed value", async () => {
    const body = new URLSearchParams(
      "title=Trip&estimate=3&done=on&priority=high&tags%5B%5D=a&tags%5B%5D=b&tasks%5B0%5D.title=Pack",
    );
    const r = await parseForm(schema, body);
    expect(r).toEqual({
      ok: true,
      value: {
        title: "Trip",
        estimate: 3,
        done: true,
        priority: "high",
        tags: ["a", "b"],
        tasks: [{ title: "Pack" }],
      },
      values: {
        title: "Trip",
        estimate: "3",
        done: "on",
        priority: "high",
        tags: ["a", "b"],
        tasks: [{ title: "Pack" }],
      },
    });
  });

  test("an unchecked box, empty optional fields and no rows are absent, not empty strings", async () => {
    const r = await parseForm(schema, new URLSearchParams("title=Trip&estimate=&priority=low"));
    expect(r.ok && r.value).toEqual({
      title: "Trip",
      done: false,
      priority: "low",
      tags: [],
      tasks: [],
    });
  });

  test("invalid fields come back as messages by field name, with the values to show again", async () => {
    const r = await parseForm(
      schema,
      new URLSearchParams(
        "title=T&estimate=2.5&priority=urgent&tasks%5B0%5D.title=&tasks%5B1%5D.title=ok",
      ),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      title: ["Too short"],
      estimate: ["Whole hours"],
      priority: ["Pick one"],
      "tasks[0].title": ["Required"],
    });
    expect(r.values.title).toBe("T");
  });

  test("an empty required field is Required (empty counts as absent)", () => {
    const r = validateForm(schema, { title: "", priority: "low" });
    expect(r).not.toBeInstanceOf(Promise);
    expect(!("then" in r) && !r.ok && r.errors).toEqual({ title: ["Required"] });
  });
});

describe("validation helpers", () => {
  test("an async schema gives a Promise; form-level issues go under the empty name", async () => {
    const schema = z
      .object({ a: z.string(), b: z.string() })
      .refine(async (v) => v.a === v.b, { message: "Must match" });
    const r = validateForm(schema, { a: "x", b: "y" });
    expect(r).toBeInstanceOf(Promise);
    expect(await r).toMatchObject({ ok: false, errors: { "": ["Must match"] } });
  });

  test("issuesToErrors reads key segments and drops repeated messages", () => {
    expect(
      issuesToErrors([
        { message: "A", path: [{ key: "list" }, { key: 0 }, "x"] },
        { message: "A", path: ["list", 0, "x"] },
        { message: "B" },
      ]),
    ).toEqual({ "list[0].x": ["A"], "": ["B"] });
  });

  test("something that is not a schema is refused with form_not_a_schema", async () => {
    await expect(parseForm({} as never, [])).rejects.toSatisfy(
      (e: unknown) => e instanceof FormError && e.code === "form_not_a_schema" && e.status === 500,
    );
  });
});
