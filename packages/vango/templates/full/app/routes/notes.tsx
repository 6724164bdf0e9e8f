import * as v from "valibot";
import {
  type ActionContext,
  Async,
  type FieldErrors,
  invalid,
  parseForm,
  redirect,
  requireUser,
  resource,
  useActionData,
} from "vango";
import { addNote, notesOf } from "../db.ts";

export const title = "Notes";

const NoteForm = v.object({
  title: v.pipe(v.string(), v.trim(), v.minLength(2, "At least 2 characters"), v.maxLength(120)),
  body: v.optional(v.pipe(v.string(), v.maxLength(2000, "At most 2000 characters")), ""),
});

interface Failed {
  readonly errors: FieldErrors;
  readonly values: Record<string, unknown>;
}

/** POST /notes: validated, stored, then back to the list (303 with JavaScript off). */
export async function action({ form, userId }: ActionContext) {
  if (userId === undefined) redirect("/login?next=/notes");
  const result = await parseForm(NoteForm, form);
  if (!result.ok) return invalid<Failed>({ errors: result.errors, values: result.values });
  await addNote(userId, result.value);
  redirect("/notes");
}

export default function NotesPage() {
  const user = requireUser();
  const failed = useActionData<Failed>();
  const notes = resource(() => notesOf(user.id));
  return () => {
    const errors = failed()?.errors ?? {};
    const values = failed()?.values ?? {};
    return (
      <main>
        <h1>Notes</h1>
        <form method="post" data-testid="note-form">
          <label for="note-title">Title</label>
          <input id="note-title" name="title" value={String(values.title ?? "")} />
          <p data-testid="field-error" role="alert">
            {errors.title?.[0] ?? ""}
          </p>
          <label for="note-body">Note</label>
          <textarea id="note-body" name="body" value={String(values.body ?? "")} />
          <button type="submit">Add</button>
        </form>
        <Async fallback={<p aria-busy="true">Loading…</p>}>
          {() => (
            <ul>
              {notes.value().map((n) => (
                <li key={n.id} data-testid="note-item">
                  <strong>{n.title}</strong> {n.body}
                </li>
              ))}
            </ul>
          )}
        </Async>
      </main>
    );
  };
}
