import {
  type ActionContext,
  Async,
  effect,
  type FieldErrors,
  type FormValues,
  invalid,
  parseForm,
  redirect,
  resource,
  untracked,
  urlState,
  useActionData,
  useSubmitting,
  useUrl,
} from "vango";
import { NewTodo } from "../todo-schema.ts";
import { addTodo, todoStore, todosChanged } from "../todo-store.ts";

export const title = "Todos";

interface Failed {
  readonly errors: FieldErrors;
  readonly values: FormValues;
}

/**
 * POST /todos: the title is validated with the `NewTodo` schema; a new todo, then a
 * redirect to `/todos?added=<id>` (303 with JavaScript off, a live navigation with it);
 * an invalid title renders the page again with its error (422).
 */
export async function action({ form }: ActionContext) {
  const result = await parseForm(NewTodo, form);
  if (!result.ok) return invalid<Failed>({ errors: result.errors, values: result.values });
  const todo = await addTodo(result.value.title);
  redirect(`/todos?added=${todo.id}`);
}

/** A todo list whose form works without JavaScript and submits live with it. */
export default function TodosPage() {
  const failed = useActionData<Failed>();
  const busy = useSubmitting();
  const url = useUrl();
  // The filter lives in the query (?q=…): it survives a reload and follows back/forward.
  const q = urlState("q", "", { debounce: 200 });
  const todos = resource(() => todoStore().list());
  // Another tab (or instance) wrote: fetch again, keeping the list on show meanwhile.
  let first = true;
  effect(() => {
    todosChanged();
    if (first) first = false;
    else untracked(() => void todos.refetch());
  });
  return () => {
    const titleError = failed()?.errors.title?.[0];
    const typed = failed()?.values.title;
    return (
      <>
        <h2 class="page-title">Todos</h2>
        <Async fallback={null}>
          {() => {
            const added = Number(url().searchParams.get("added"));
            const justAdded = todos.value().find((t) => t.id === added);
            return (
              justAdded !== undefined && (
                <p class="flash" data-testid="todo-added">
                  Added “{justAdded.title}”.
                </p>
              )
            );
          }}
        </Async>
        <form method="post" data-testid="todo-form" class="todo-form">
          <label for="todo-title">New todo</label>
          <input
            id="todo-title"
            name="title"
            autocomplete="off"
            value={typeof typed === "string" ? typed : ""}
            aria-invalid={titleError !== undefined}
            aria-describedby="todo-title-error"
          />
          <button type="submit" disabled={busy()}>
            Add
          </button>
          <p id="todo-title-error" data-testid="field-error" class="field-error" role="alert">
            {titleError ?? ""}
          </p>
        </form>
        <label class="todo-filter">
          Filter{" "}
          <input
            type="search"
            data-testid="todo-filter"
            value={q()}
            onInput={(e) => q.set(e.value)}
          />
        </label>
        <Async fallback={<p aria-busy="true">Loading todos…</p>}>
          {() => {
            const list = todos.value();
            const needle = q().toLowerCase();
            return (
              <ul class="todo-items">
                {list
                  .filter((t) => t.title.toLowerCase().includes(needle))
                  .map((t) => (
                    <li key={t.id} data-testid="todo-item">
                      <a href={`/todos/${t.id}`}>{t.title}</a>
                    </li>
                  ))}
              </ul>
            );
          }}
        </Async>
      </>
    );
  };
}
