/** The app's Postgres pool (`DATABASE_URL`) and its queries. */
import pg from "pg";

export const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  max: 10,
});

export interface Note {
  readonly id: number;
  readonly title: string;
  readonly body: string;
}

export async function notesOf(userId: string): Promise<Note[]> {
  const r = await pool.query<Note>(
    "SELECT id, title, body FROM notes WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100",
    [userId],
  );
  return r.rows;
}

export async function addNote(
  userId: string,
  note: { title: string; body: string },
): Promise<void> {
  await pool.query("INSERT INTO notes (user_id, title, body) VALUES ($1, $2, $3)", [
    userId,
    note.title,
    note.body,
  ]);
}
