/**
 * The demo's todos live in the app, not in a session: a page rendered for a JS-off
 * post-redirect-get shows the new row. In Postgres (`DATABASE_URL`: the demo's
 * migrations under `migrations/` are applied at start, under the runner's advisory lock)
 * or, without it, in this process's memory.
 *
 * Every write changes `todosChanged`, a global signal: pages listing todos fetch again,
 * in every tab — and with `REDIS_URL`, on every instance.
 */
import { fileURLToPath } from "node:url";
import { globalSignal } from "vango";
import { loadMigrations, runMigrations, type SqlPool } from "vango/server";

export interface Todo {
  readonly id: number;
  readonly title: string;
  readonly subtasks: readonly string[];
}

export interface TodoStore {
  list(): Promise<readonly Todo[]>;
  get(id: number): Promise<Todo | undefined>;
  /** Adds a todo; the caller has validated the title. */
  add(title: string): Promise<Todo>;
  /** Replaces a todo's title and sub-tasks; `false` when there is no such todo. */
  update(id: number, title: string, subtasks: readonly string[]): Promise<boolean>;
}

/** Where the demo's SQL migrations are. */
export const TODO_MIGRATIONS_DIR = fileURLToPath(new URL("../migrations/", import.meta.url));

/** A token that changes on every write (read it to refetch). */
export const todosChanged = globalSignal("demo.todos.changed", "");

const changed = (): void => todosChanged.set(`${Date.now()}-${Math.random()}`);

/** The process-memory store: two todos to start with. */
export function memoryTodoStore(): TodoStore {
  let items: Todo[] = [
    { id: 1, title: "Read the README", subtasks: [] },
    { id: 2, title: "Try the demo with JavaScript off", subtasks: [] },
  ];
  let nextId = 3;
  return {
    async list() {
      return items;
    },
    async get(id) {
      return items.find((t) => t.id === id);
    },
    async add(title) {
      const todo = { id: nextId++, title, subtasks: [] };
      items = [...items, todo];
      return todo;
    },
    async update(id, title, subtasks) {
      if (!items.some((t) => t.id === id)) return false;
      items = items.map((t) => (t.id === id ? { id, title, subtasks: [...subtasks] } : t));
      return true;
    },
  };
}

/** Todos in Postgres (`demo_todos`, `demo_subtasks`), in the pool's `search_path`. */
export function postgresTodoStore(pool: SqlPool): TodoStore {
  const rows = async (where: string, values: unknown[]): Promise<Todo[]> => {
    const r = await pool.query(
      `SELECT t.id, t.title,
              coalesce(array_agg(s.title ORDER BY s.position) FILTER (WHERE s.title IS NOT NULL), '{}') AS subtasks
         FROM demo_todos t LEFT JOIN demo_subtasks s ON s.todo_id = t.id
        ${where}
        GROUP BY t.id ORDER BY t.id`,
      values,
    );
    return r.rows.map((row) => ({
      id: Number(row.id),
      title: row.title as string,
      subtasks: row.subtasks as string[],
    }));
  };
  return {
    list: () => rows("", []),
    async get(id) {
      return (await rows("WHERE t.id = $1", [id]))[0];
    },
    async add(title) {
      const r = await pool.query("INSERT INTO demo_todos (title) VALUES ($1) RETURNING id", [
        title,
      ]);
      return { id: Number(r.rows[0]!.id), title, subtasks: [] };
    },
    async update(id, title, subtasks) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const r = await client.query("UPDATE demo_todos SET title = $2 WHERE id = $1", [id, title]);
        if (r.rowCount !== 1) {
          await client.query("ROLLBACK");
          return false;
        }
        await client.query("DELETE FROM demo_subtasks WHERE todo_id = $1", [id]);
        await client.query(
          `INSERT INTO demo_subtasks (todo_id, position, title)
           SELECT $1, n, t FROM unnest($2::text[]) WITH ORDINALITY AS u(t, n)`,
          [id, subtasks],
        );
        await client.query("COMMIT");
        return true;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

let store: TodoStore = memoryTodoStore();

/** The app's todo store (in memory until `useTodoDatabase`). */
export function todoStore(): TodoStore {
  return store;
}

/** Applies the demo's migrations to `pool` and keeps todos there from now on. */
export async function useTodoDatabase(pool: SqlPool): Promise<void> {
  await runMigrations(pool, await loadMigrations(TODO_MIGRATIONS_DIR), { scope: "demo" });
  store = postgresTodoStore(pool);
}

/** Adds a todo and tells every listing page. */
export async function addTodo(title: string): Promise<Todo> {
  const todo = await store.add(title);
  changed();
  return todo;
}

/** Updates a todo and tells every listing page; `false` when there is no such todo. */
export async function updateTodo(
  id: number,
  title: string,
  subtasks: readonly string[],
): Promise<boolean> {
  const ok = await store.update(id, title, subtasks);
  if (ok) changed();
  return ok;
}
