import { type ActionContext, invalid, useActionData, useSubmitting } from "vango";
import { addTodo, titleProblem, todos } from "../todo-store.ts";

export const title = "Todos";

interface Failed {
  readonly error: string;
  readonly title: string;
}

/** POST /todos: with JavaScript off a 303 back here, or this page again with 422. */
export function action({ form }: ActionContext) {
  const title = (form.get("title") ?? "").trim();
  const problem = titleProblem(title);
  if (problem !== undefined) return invalid<Failed>({ error: problem, title });
  addTodo(title);
}

/** A todo list whose form works without JavaScript and submits live with it. */
export default function TodosPage() {
  const failed = useActionData<Failed>();
  const busy = useSubmitting();
  return () => (
    <>
      <h2 class="page-title">Todos</h2>
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
      <ul class="todo-items">
        {todos().map((t) => (
          <li key={t.id} data-testid="todo-item">
            {t.title}
          </li>
        ))}
      </ul>
    </>
  );
}
