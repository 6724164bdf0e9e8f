/**
 * The todo forms' schemas, one per Standard Schema library to show that any will do: the
 * new-todo form validates with valibot, the edit form (with its sub-task array) with zod.
 * The server validates with them both live and for a JavaScript-off POST (`parseForm`):
 * the browser is never asked to (no `required`/`maxlength` on the inputs).
 */
import * as v from "valibot";
import { z } from "zod";

/** Longest title, of a todo or a sub-task. */
export const MAX_TITLE = 100;
/** Most sub-tasks one todo has. */
export const MAX_SUBTASKS = 20;

export const EMPTY_TITLE = "Please enter a title.";
export const LONG_TITLE = `At most ${MAX_TITLE} characters, please.`;

// An empty field counts as absent: valibot reports a missing key with the object's message.
export const NewTodo = v.object(
  {
    title: v.pipe(
      v.string(),
      v.trim(),
      v.nonEmpty(EMPTY_TITLE),
      v.maxLength(MAX_TITLE, LONG_TITLE),
    ),
  },
  EMPTY_TITLE,
);

const title = (empty: string) =>
  z.string({ error: empty }).trim().min(1, empty).max(MAX_TITLE, LONG_TITLE);

export const EditTodo = z.object({
  title: title(EMPTY_TITLE),
  subtasks: z
    .array(z.object({ title: title("Name the sub-task, or remove it.") }))
    .max(MAX_SUBTASKS, `At most ${MAX_SUBTASKS} sub-tasks.`)
    .default([]),
});

export type EditTodoValue = z.infer<typeof EditTodo>;
