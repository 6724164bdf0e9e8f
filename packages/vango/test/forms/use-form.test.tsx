/**
 * `useForm` in a live session (`mountTest`: the real session core, events as the
 * browser client sends them), once per Standard Schema library: bindings, when errors
 * show, submit, server errors, arrays with stable keys, async validation. Patch lists
 * are exact.
 */
import { describe, expect, test } from "vitest";
import { FormError } from "../../src/forms/form-error.ts";
import { type Form, useForm } from "../../src/forms/use-form.ts";
import { EventType } from "../../src/protocol/constants.ts";
import { PatchOp } from "../../src/protocol/patch.ts";
import { RECOVER_EVENT } from "../../src/protocol/recover-event.ts";
import { signal } from "../../src/reactive/index.ts";
import { renderToString } from "../../src/render/ssr.ts";
import { mountTest } from "../../src/testing/mount-test.ts";
import { deferred, plainPatches, tick } from "../data/helpers.ts";
import { type Todo, validators } from "./validators.ts";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormError) return e.code;
    throw e;
  }
  throw new Error("expected a FormError");
}

describe.each(validators)("useForm with %s", (_name, schema) => {
  function TodoForm(props: { onSubmit?: (t: Todo, form: Form) => unknown; initial?: object }) {
    const form = useForm({
      schema,
      initial: props.initial ?? { title: "", priority: "low" },
      onSubmit: (t, f) => props.onSubmit?.(t, f),
    });
    return () => (
      <form {...form.props()}>
        <input {...form.field("title")} />
        {form.error("title") && <p id={form.errorId("title")}>{form.error("title")}</p>}
        <input {...form.checkbox("done")} />
        <select {...form.field("priority")}>
          <option {...form.option("priority", "low")}>Low</option>
          <option {...form.option("priority", "high")}>High</option>
        </select>
        <button type="submit" disabled={form.submitting()}>
          Save
        </button>
      </form>
    );
  }

  test("renders bound controls, with no error shown before the field is touched", () => {
    const t = mountTest(TodoForm);
    // In a page, Vango adds the CSRF field last to every POST form (its value varies).
    expect(t.html().replace(/value="[\w-]{43}"/, 'value="…"')).toBe(
      '<form data-hid="2" id="form" method="post" data-on="submit,formrecover">' +
        '<input data-hid="3" id="form-title" name="title" value="" data-on="input,blur">' +
        '<input data-hid="4" type="checkbox" id="form-done" name="done" value="on" data-on="change">' +
        '<select data-hid="5" id="form-priority" name="priority" value="low" data-on="input,blur">' +
        '<option data-hid="6" value="low" selected="">Low</option>' +
        '<option data-hid="7" value="high">High</option></select>' +
        '<button data-hid="8" type="submit">Save</button>' +
        '<input data-hid="9" type="hidden" name="_csrf" value="…"></form>',
    );
    t.dispose();
  });

  test("typing updates the value; the error shows on blur and follows the value", async () => {
    const t = mountTest(TodoForm);
    expect(await t.input("#form-title", "A")).toEqual([
      { op: PatchOp.SetProp, hid: 3, name: "value", value: "A" },
    ]);
    expect(plainPatches(await t.fire(3, { type: EventType.Blur }))).toEqual([
      { op: PatchOp.SetAttr, hid: 3, name: "aria-invalid", value: "true" },
      { op: PatchOp.SetAttr, hid: 3, name: "aria-describedby", value: "form-title-error" },
      {
        op: PatchOp.Insert,
        parent: 2,
        index: 1,
        node: {
          tag: "p",
          hid: 10,
          attrs: { id: "form-title-error" },
          children: [{ text: "Too short" }],
        },
      },
    ]);
    expect(await t.input("#form-title", "Ab")).toEqual([
      { op: PatchOp.SetProp, hid: 3, name: "value", value: "Ab" },
      { op: PatchOp.RemoveAttr, hid: 3, name: "aria-invalid" },
      { op: PatchOp.RemoveAttr, hid: 3, name: "aria-describedby" },
      { op: PatchOp.Remove, parent: 2, index: 1 },
    ]);
    t.dispose();
  });

  test("checkbox and select bindings", async () => {
    const t = mountTest(TodoForm);
    expect(await t.change("#form-done", "on", true)).toEqual([
      { op: PatchOp.SetProp, hid: 4, name: "checked", value: true },
    ]);
    expect(await t.input("#form-priority", "high")).toEqual([
      { op: PatchOp.SetProp, hid: 5, name: "value", value: "high" },
      { op: PatchOp.SetProp, hid: 6, name: "selected", value: false },
      { op: PatchOp.SetProp, hid: 7, name: "selected", value: true },
    ]);
    t.dispose();
  });

  test("submit validates the submitted fields: invalid shows every error, valid calls onSubmit with the typed value", async () => {
    const submitted: Todo[] = [];
    const t = mountTest(TodoForm, { props: { onSubmit: (v: Todo) => submitted.push(v) } });
    const patches = await t.submit("form", [
      ["title", ""],
      ["priority", "low"],
    ]);
    expect(plainPatches(patches)).toEqual([
      { op: PatchOp.SetAttr, hid: 3, name: "aria-invalid", value: "true" },
      { op: PatchOp.SetAttr, hid: 3, name: "aria-describedby", value: "form-title-error" },
      {
        op: PatchOp.Insert,
        parent: 2,
        index: 1,
        node: {
          tag: "p",
          hid: 10,
          attrs: { id: "form-title-error" },
          children: [{ text: "Required" }],
        },
      },
    ]);
    expect(submitted).toEqual([]);
    await t.submit("form", [
      ["title", "Trip"],
      ["done", "on"],
      ["priority", "high"],
    ]);
    expect(submitted).toEqual([
      { title: "Trip", done: true, priority: "high", tags: [], tasks: [] },
    ]);
    t.dispose();
  });

  test("submitting() is true while onSubmit runs", async () => {
    const gate = deferred<void>();
    const t = mountTest(TodoForm, {
      props: { initial: { title: "Trip", priority: "low" }, onSubmit: () => gate.promise },
    });
    const first = t.submit("form", [
      ["title", "Trip"],
      ["priority", "low"],
    ]);
    await tick();
    expect(t.find("button").attrs.disabled).toBe("");
    gate.resolve();
    expect(await first).toEqual([
      { op: PatchOp.SetAttr, hid: 8, name: "disabled", value: "" },
      { op: PatchOp.RemoveAttr, hid: 8, name: "disabled" },
    ]);
    t.dispose();
  });

  test("server errors set after a submit show on their field until it changes", async () => {
    const t = mountTest(TodoForm, {
      props: { onSubmit: (_v: Todo, form: Form) => form.setErrors({ title: "Already taken" }) },
    });
    await t.submit("form", [
      ["title", "Trip"],
      ["priority", "low"],
    ]);
    expect(t.find("#form-title-error").children).toEqual([{ kind: 2, text: "Already taken" }]);
    await t.input("#form-title", "Trip 2");
    expect(t.findAll("#form-title-error")).toEqual([]);
    t.dispose();
  });
});

describe("useForm arrays", () => {
  const schema = validators[0]![1];

  function Tasks(props: { expose: (f: Form) => void }) {
    const form = useForm({
      schema,
      initial: {
        title: "Trip",
        priority: "low",
        tasks: [{ title: "a" }, { title: "b" }, { title: "c" }],
      },
    });
    props.expose(form);
    const tasks = form.array("tasks");
    return () => (
      <ul>
        {tasks.rows().map((row) => (
          <li key={row.key}>
            <input {...form.field(row.name("title"))} />
          </li>
        ))}
      </ul>
    );
  }

  test("remove and move keep rows' elements (stable keys): one Remove, one Move", async () => {
    let form!: Form;
    const t = mountTest(Tasks, { props: { expose: (f: Form) => (form = f) } });
    const ids = () => t.findAll("input").map((i) => `${i.hid}:${i.attrs.value}`);
    expect(ids()).toEqual(["4:a", "6:b", "8:c"]);
    form.array("tasks").remove(0);
    const removed = await t.settle();
    expect(removed[0]).toEqual({ op: PatchOp.Remove, parent: 2, index: 0 });
    expect(ids()).toEqual(["6:b", "8:c"]);
    expect(form.values().tasks).toEqual([{ title: "b" }, { title: "c" }]);
    form.array("tasks").move(1, 0);
    const moved = await t.settle();
    expect(moved.filter((p) => p.op === PatchOp.Move)).toHaveLength(1);
    expect(ids()).toEqual(["8:c", "6:b"]);
    form.array("tasks").add({ title: "d" }, 1);
    await t.settle();
    expect(ids()).toEqual(["8:c", "10:d", "6:b"]);
    t.dispose();
  });

  test("touched state and server errors move with their rows", () => {
    let form!: Form;
    const t = mountTest(Tasks, { props: { expose: (f: Form) => (form = f) } });
    form.touch("tasks[2].title");
    form.setErrors({ "tasks[2].title": "Duplicate", "tasks[0].title": "Gone" });
    form.array("tasks").remove(0);
    expect(form.touched("tasks[1].title")).toBe(true);
    expect(form.touched("tasks[2].title")).toBe(false);
    expect(form.error("tasks[1].title")).toBe("Duplicate");
    expect(form.errors()).toEqual({ "tasks[1].title": ["Duplicate"] });
    form.array("tasks").move(1, 0);
    expect(form.error("tasks[0].title")).toBe("Duplicate");
    expect(form.touched("tasks")).toBe(true);
    t.dispose();
  });

  function TaskForm(props: { expose: (f: Form) => void }) {
    const form = useForm({
      schema,
      initial: { title: "Trip", priority: "low", tasks: [{ title: "a" }] },
    });
    props.expose(form);
    const tasks = form.array("tasks");
    return () => (
      <form {...form.props()}>
        <ul>
          {tasks.rows().map((row) => (
            <li key={row.key}>
              <input {...form.field(row.name("title"))} />
            </li>
          ))}
        </ul>
      </form>
    );
  }

  test("formrecover (rows the reloaded page lacked) adds the rows with their values", async () => {
    let form!: Form;
    const t = mountTest(TaskForm, { props: { expose: (f: Form) => (form = f) } });
    const keys = () =>
      form
        .array("tasks")
        .rows()
        .map((r) => r.key);
    const first = keys()[0];
    const patches = await t.fire(t.find("form").hid, {
      type: EventType.Custom,
      name: RECOVER_EVENT,
      payload: [
        ["tasks[1].title", "b"],
        ["tasks[2].title", "c"],
      ],
    });
    expect(plainPatches(patches)).toEqual([
      {
        op: PatchOp.Insert,
        parent: 3,
        index: 1,
        node: {
          tag: "li",
          hid: 7,
          attrs: {},
          children: [
            {
              tag: "input",
              hid: 8,
              attrs: {
                id: "form-tasks-1--title",
                name: "tasks[1].title",
                value: "b",
                "data-on": "input,blur",
              },
              children: [],
            },
          ],
        },
      },
      {
        op: PatchOp.Insert,
        parent: 3,
        index: 2,
        node: {
          tag: "li",
          hid: 9,
          attrs: {},
          children: [
            {
              tag: "input",
              hid: 10,
              attrs: {
                id: "form-tasks-2--title",
                name: "tasks[2].title",
                value: "c",
                "data-on": "input,blur",
              },
              children: [],
            },
          ],
        },
      },
    ]);
    expect(form.values().tasks).toEqual([{ title: "a" }, { title: "b" }, { title: "c" }]);
    // The first row keeps its key (and element); the new rows get keys of their own.
    expect(keys()[0]).toBe(first);
    expect(new Set(keys()).size).toBe(3);
    expect(form.dirty("tasks")).toBe(true);
    // Values of rows that exist are set over them; the record's length is the array's.
    form.recover([
      ["tasks[0].title", "a"],
      ["tasks[1].title", "b"],
      ["tasks[2].title", "c"],
    ]);
    expect(await t.settle()).toEqual([]);
    form.recover([
      ["tasks[0].title", "a"],
      ["tasks[1].title", "c"],
    ]);
    expect(await t.settle()).toEqual([
      { op: PatchOp.SetProp, hid: 8, name: "value", value: "c" },
      { op: PatchOp.Remove, parent: 3, index: 2 },
    ]);
    expect(keys()[0]).toBe(first);
    t.dispose();
  });

  test("recover() fills skipped rows, and refuses bad names and malformed details", async () => {
    const form = useForm({ schema, initial: { tasks: [{ title: "a" }] } });
    form.recover([["tasks[3].title", "d"]]);
    expect(form.values().tasks).toEqual([{ title: "a" }, {}, {}, { title: "d" }]);
    expect(form.array("tasks").length()).toBe(4);
    // Fields not named keep their values; named arrays take the recorded rows.
    form.recover([["tasks[0].title", "a"]]);
    expect(form.values()).toEqual({ tasks: [{ title: "a" }] });
    expect(codeOf(() => form.recover([["tasks[x]", "1"]]))).toBe("form_invalid_name");
    expect(codeOf(() => form.recover([["tasks[5000].title", "1"]]))).toBe("form_index_too_large");
    const onRecover = form.props().onFormrecover;
    const detail = (d: unknown) => () => onRecover({ type: RECOVER_EVENT, target: 2, detail: d });
    expect(codeOf(detail({ title: "x" }))).toBe("form_invalid_name");
    expect(codeOf(detail([["title"]]))).toBe("form_invalid_name");
    expect(codeOf(detail([["title", 1]]))).toBe("form_invalid_name");
    detail([["title", "via the event"]])();
    expect(form.value("title")).toBe("via the event");
  });

  test("row names, radios and checkbox groups", () => {
    const form = useForm({ schema, initial: { tags: ["x"], priority: "low" } });
    expect(form.array("tasks").rows()).toEqual([]);
    form.array("tasks").add();
    const [row] = form.array("tasks").rows();
    expect(row!.name("title")).toBe("tasks[0].title");
    expect(row!.name()).toBe("tasks[0]");
    const x = form.checkbox("tags", "x");
    expect([x.name, x.value, x.checked, x.id]).toEqual(["tags[]", "x", true, "form-tags-x"]);
    form.checkbox("tags", "y").onChange({ type: "change", target: 0, value: "y", checked: true });
    form.checkbox("tags", "x").onChange({ type: "change", target: 0, value: "", checked: false });
    expect(form.value("tags")).toEqual(["y"]);
    const high = form.radio("priority", "high");
    expect([high.checked, high.id]).toEqual([false, "form-priority-high"]);
    high.onChange({ type: "change", target: 0, value: "high", checked: true });
    expect(form.value("priority")).toBe("high");
    expect(form.dirty("priority")).toBe(true);
    expect(form.dirty("title")).toBe(false);
    form.reset();
    expect(form.dirty()).toBe(false);
    expect(form.value("priority")).toBe("low");
  });
});

describe("useForm without JavaScript", () => {
  test("server-rendered controls carry their state: textarea text, checked radio and boxes, selected option, errors", () => {
    const schema = validators[0]![1];
    function Edit() {
      const form = useForm({
        schema,
        id: "edit",
        initial: { title: "T", notes: "a < b", priority: "high", done: true, tags: ["x"] },
        errors: { title: "Too short" },
      });
      return () => (
        <form {...form.props()}>
          <textarea {...form.field("notes")} />
          <input {...form.radio("priority", "low")} />
          <input {...form.radio("priority", "high")} />
          <input {...form.checkbox("done")} />
          <input {...form.checkbox("tags", "x")} />
          <select {...form.field("priority")}>
            <option {...form.option("priority", "low")}>Low</option>
            <option {...form.option("priority", "high")}>High</option>
          </select>
          <input {...form.field("title")} />
          <p id={form.errorId("title")}>{form.error("title")}</p>
        </form>
      );
    }
    expect(renderToString(<Edit />)).toBe(
      '<form data-hid="1" id="edit" method="post" data-on="submit,formrecover">' +
        '<textarea data-hid="2" id="edit-notes" name="notes" data-on="input,blur">a &lt; b</textarea>' +
        '<input data-hid="3" type="radio" id="edit-priority-low" name="priority" value="low" data-on="change">' +
        '<input data-hid="4" type="radio" id="edit-priority-high" name="priority" value="high" checked="" data-on="change">' +
        '<input data-hid="5" type="checkbox" id="edit-done" name="done" value="on" checked="" data-on="change">' +
        '<input data-hid="6" type="checkbox" id="edit-tags-x" name="tags[]" value="x" checked="" data-on="change">' +
        '<select data-hid="7" id="edit-priority" name="priority" value="high" data-on="input,blur">' +
        '<option data-hid="8" value="low">Low</option>' +
        '<option data-hid="9" value="high" selected="">High</option></select>' +
        '<input data-hid="10" id="edit-title" name="title" value="T" aria-invalid="true" aria-describedby="edit-title-error" data-on="input,blur">' +
        '<p data-hid="11" id="edit-title-error">Too short</p></form>',
    );
  });
});

describe("useForm validation", () => {
  const schema = validators[1]![1];

  test("async checks run after the debounce, only the latest applies, and submit awaits them", async () => {
    const taken = new Set(["Trip"]);
    const seen: string[] = [];
    const form = useForm({
      schema,
      initial: { title: "", priority: "low" },
      debounce: 5,
      validate: async (v, { signal: abort }) => {
        seen.push(v.title);
        await tick();
        if (abort.aborted) return undefined;
        return taken.has(v.title) ? { title: "Taken" } : undefined;
      },
    });
    form.set("title", "Tri");
    form.set("title", "Trip");
    expect(form.validating()).toBe(true);
    expect(form.valid()).toBe(false);
    // Polled: on a loaded machine the debounce timer and the check's tick run late.
    await expect.poll(() => form.validating()).toBe(false);
    expect(seen).toEqual(["Trip"]);
    form.touch("title");
    expect(form.error("title")).toBe("Taken");
    form.set("title", "Trek");
    expect(form.error("title")).toBeUndefined();
    expect(await form.submit()).toBe(true);
    taken.add("Trek");
    expect(await form.submit()).toBe(false);
    expect(form.error("title")).toBe("Taken");
  });

  test("a new form runs the schema only: the async check waits for a change", async () => {
    const seen: string[] = [];
    const form = useForm({
      schema,
      initial: { title: "Trip", priority: "low" },
      debounce: 1,
      validate: (v) => {
        seen.push(v.title);
        return undefined;
      },
    });
    // Not "Checking…" on a page load (or a session rebuilt from its checkpoint).
    expect(form.validating()).toBe(false);
    expect(form.valid()).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
    form.set("title", "Trek");
    await expect.poll(() => seen).toEqual(["Trek"]);
  });

  test("a submit while one runs is ignored", async () => {
    const gate = deferred<void>();
    let calls = 0;
    const form = useForm({
      schema,
      initial: { title: "Trip", priority: "low" },
      onSubmit: () => {
        calls++;
        return gate.promise;
      },
    });
    const first = form.submit();
    await tick();
    expect(form.submitting()).toBe(true);
    expect(await form.submit()).toBe(false);
    gate.resolve();
    expect(await first).toBe(true);
    expect(form.submitting()).toBe(false);
    expect(calls).toBe(1);
  });

  test("errors passed in (a JavaScript-off POST that failed) show at once, all fields counting as submitted", () => {
    const form = useForm({
      schema,
      initial: { title: "T", priority: "low" },
      errors: { title: ["Too short"], "": "Check the form" },
    });
    expect(form.submitted()).toBe(true);
    expect(form.error("title")).toBe("Too short");
    expect(form.error()).toBe("Check the form");
    expect(form.props()["aria-describedby"]).toBe("form-error");
    expect(form.field("title")["aria-invalid"]).toBe("true");
  });

  test("reads are tracked: a render reading error() re-renders when it changes", async () => {
    const show = signal(0);
    function F() {
      const form = useForm({ schema, initial: { title: "", priority: "low" } });
      return () => (
        <p>
          {show()}
          {form.error("title") ?? "none"}
          <button type="button" onClick={() => form.touch("title")}>
            t
          </button>
        </p>
      );
    }
    const t = mountTest(F);
    expect(await t.click("button")).toEqual([
      { op: PatchOp.SetText, parent: 2, index: 0, text: "0Required" },
    ]);
    t.dispose();
  });
});
