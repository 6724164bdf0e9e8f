import {
  type ActionContext,
  invalid,
  redirect,
  urlState,
  useActionData,
  useSubmitting,
  useUrl,
} from "vango";
import { addTodo, titleProblem, todos } from "../todo-store.ts";

export const title = "Todos";

interface Failed {
  readonly error: string;
  readonly title: string;
}

/**
 * POST /todos: a new todo, then a redirect to `/todos?added=<id>` (303 with JavaScript
 * off, a live navigation with it); an invalid title renders the page again (422).
 */
export function action({ form }: ActionContext) {
  const title = (form.get("title") ?? "").trim();
  const problem = titleProblem(title);
  if (problem !== undefined) return invalid<Failed>({ error: problem, title });
  const todo = addTodo(title);
  redirect(`/todos?added=${todo.id}`);
}

/** A todo list whose form works without JavaScript and submits live with it. */
export default function TodosPage() {
  const failed = useActionData<Failed>();
  const busy = useSubmitting();
  const url = useUrl();
  // The filter lives in the query (?q=…): it survives a reload and follows back/forward.
  const q = urlState("q", "", { debounce: 200 });
  return () => {
    const added = Number(url().searchParams.get("added"));
    const justAdded = todos().find((t) => t.id === added);
    const needle = q().toLowerCase();
    return (
      <>
        <h2 class="page-title">Todos</h2>
        {justAdded !== undefined && (
          <p class="flash" data-testid="todo-added">
            Added “{justAdded.title}”.
          </p>
        )}
        <form method="post" data-testid="todo-form" class="todo-form">
          <label for="todo-title">New todo</label>
          <input
            id="todo-title"
            name="title"
            autocomplete="off"
            value={failed()?.title ?? ""}
            aria-invalid={failed() !== undefined}
            aria-describedby="todo-title-error"
          />
          <button type="submit" disabled={busy()}>
            Add
          </button>
          <p id="todo-title-error" data-testid="field-error" class="field-error" role="alert">
            {failed()?.error ?? ""}
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
        <ul class="todo-items">
          {todos()
            .filter((t) => t.title.toLowerCase().includes(needle))
            .map((t) => (
              <li key={t.id} data-testid="todo-item">
                {t.title}
              </li>
            ))}
        </ul>
      </>
    );
  };
}
