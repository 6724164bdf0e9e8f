/**
 * The demo's todos live in the app, not in a session: a page rendered for a JS-off
 * post-redirect-get shows the new row, and every open tab sees additions live (the list
 * is a signal shared by all sessions of the process).
 */
import { signal } from "vango";

export interface Todo {
  readonly id: number;
  readonly title: string;
}

/** Longest title the form accepts. */
export const MAX_TITLE = 100;

const items = signal<readonly Todo[]>([
  { id: 1, title: "Read the README" },
  { id: 2, title: "Try the demo with JavaScript off" },
]);
let nextId = 3;

/** The todos, as a signal (read it in render). */
export function todos(): readonly Todo[] {
  return items();
}

/** Adds a todo; the caller has validated the title. */
export function addTodo(title: string): Todo {
  const todo = { id: nextId++, title };
  items.set([...items.peek(), todo]);
  return todo;
}

/** Why a title is refused, or `undefined` when it is fine. */
export function titleProblem(title: string): string | undefined {
  if (title === "") return "Please enter a title.";
  if (title.length > MAX_TITLE) return `At most ${MAX_TITLE} characters, please.`;
  return undefined;
}
