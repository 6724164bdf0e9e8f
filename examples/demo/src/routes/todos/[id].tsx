import {
  type ActionContext,
  Async,
  type FieldErrors,
  type FormValues,
  invalid,
  notFound,
  parseForm,
  redirect,
  resource,
  useActionData,
  useForm,
} from "vango";
import { EditTodo, type EditTodoValue, MAX_SUBTASKS } from "../../todo-schema.ts";
import { type Todo, todoStore, updateTodo } from "../../todo-store.ts";

export const title = ({ params }: { params: { id: number } }) => `Edit todo ${params.id}`;
export const params = { id: Number };

interface Failed {
  readonly errors: FieldErrors;
  readonly values: FormValues;
}

/** Saves, then back to the list (live: a navigation; JS off: 303). */
async function save(id: number, value: EditTodoValue): Promise<never> {
  if (
    !(await updateTodo(
      id,
      value.title,
      value.subtasks.map((s) => s.title),
    ))
  )
    notFound();
  redirect(`/todos?saved=${id}`);
}

/**
 * POST /todos/<id> without JavaScript: the same `EditTodo` schema as the live form; an
 * invalid post renders the form again with its errors and what was typed (422).
 */
export async function action({ form, params }: ActionContext) {
  const result = await parseForm(EditTodo, form);
  if (!result.ok) return invalid<Failed>({ errors: result.errors, values: result.values });
  await save(params.id as number, result.value);
}

/** A title already used by another todo (a check that needs the store: debounced, async). */
async function duplicateTitle(id: number, title: string): Promise<boolean> {
  const all = await todoStore().list();
  return all.some((t) => t.id !== id && t.title.toLowerCase() === title.toLowerCase());
}

function EditForm(props: { todo: Todo }) {
  const failed = useActionData<Failed>();
  const id = props.todo.id;
  const form = useForm({
    schema: EditTodo,
    id: "edit",
    initial: failed()?.values ?? {
      title: props.todo.title,
      subtasks: props.todo.subtasks.map((t) => ({ title: t })),
    },
    ...(failed() === undefined ? {} : { errors: failed()!.errors }),
    debounce: 300,
    validate: async (value) =>
      (await duplicateTitle(id, value.title))
        ? { title: "Another todo has this title." }
        : undefined,
    onSubmit: (value) => save(id, value),
  });
  const subtasks = form.array("subtasks");
  const fieldError = (name: string) => {
    const e = form.error(name);
    return (
      e !== undefined && (
        <p id={form.errorId(name)} data-testid="field-error" class="field-error" role="alert">
          {e}
        </p>
      )
    );
  };
  return () => (
    <form {...form.props()} data-testid="todo-edit-form" class="todo-edit">
      <label for={form.fieldId("title")}>Title</label>
      <input {...form.field("title")} autocomplete="off" data-testid="edit-title" />
      {fieldError("title")}
      <fieldset>
        <legend>Sub-tasks</legend>
        <ol data-testid="subtasks">
          {subtasks.rows().map((row) => (
            <li key={row.key} data-testid="subtask">
              <input
                {...form.field(row.name("title"))}
                autocomplete="off"
                aria-label={`Sub-task ${row.index + 1}`}
              />
              <button
                type="button"
                data-testid="subtask-up"
                disabled={row.index === 0}
                onClick={() => subtasks.move(row.index, row.index - 1)}
              >
                Up
              </button>
              <button
                type="button"
                data-testid="subtask-remove"
                onClick={() => subtasks.remove(row.index)}
              >
                Remove
              </button>
              {fieldError(row.name("title"))}
            </li>
          ))}
        </ol>
        <button
          type="button"
          data-testid="subtask-add"
          disabled={subtasks.length() >= MAX_SUBTASKS}
          onClick={() => subtasks.add({ title: "" })}
        >
          Add a sub-task
        </button>
        {fieldError("subtasks")}
      </fieldset>
      <p class="todo-edit-status" aria-live="polite">
        {form.validating() ? "Checking…" : form.dirty() ? "Unsaved changes" : "Saved"}
      </p>
      <button type="submit" data-testid="edit-save" disabled={form.submitting()}>
        Save
      </button>{" "}
      <a href="/todos">Back to the list</a>
    </form>
  );
}

/** `/todos/<id>`: edit a todo's title and its sub-tasks (add, remove, reorder). */
export default function EditTodoPage(props: { params: { id: number } }) {
  const todo = resource(({ key }) => todoStore().get(key), { key: () => props.params.id });
  return () => (
    <>
      <h2 class="page-title">Edit todo</h2>
      <Async fallback={<p aria-busy="true">Loading…</p>}>
        {() => {
          const t = todo.value();
          return t === undefined ? <p>There is no such todo.</p> : <EditForm todo={t} />;
        }}
      </Async>
    </>
  );
}
