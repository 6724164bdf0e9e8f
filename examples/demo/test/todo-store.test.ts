/**
 * The demo's todo stores under one suite: in memory and in Postgres (a throw-away
 * schema, migrated with the demo's own migrations). Writes through `addTodo` and
 * `updateTodo` change `todosChanged`, which listing pages refetch on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestSchema, testSchema } from "../../../packages/vango/test/data/pg-schema.ts";
import {
  addTodo,
  memoryTodoStore,
  postgresTodoStore,
  type TodoStore,
  todoStore,
  todosChanged,
  updateTodo,
  useTodoDatabase,
} from "../src/todo-store.ts";

let schema: TestSchema;
beforeAll(async () => {
  schema = await testSchema("todostore");
});
afterAll(() => schema?.drop());

const cases: [string, () => Promise<TodoStore>][] = [
  ["memory", async () => memoryTodoStore()],
  [
    "postgres",
    async () => {
      const pool = schema.pool();
      await useTodoDatabase(pool);
      return postgresTodoStore(pool);
    },
  ],
];

describe.each(cases)("%s todo store", (_name, make) => {
  it("starts with two todos, adds, gets, and replaces title and sub-tasks in order", async () => {
    const store = await make();
    expect((await store.list()).map((t) => t.title)).toEqual([
      "Read the README",
      "Try the demo with JavaScript off",
    ]);
    const added = await store.add("Water the plants");
    expect(added).toEqual({ id: 3, title: "Water the plants", subtasks: [] });
    expect(await store.update(3, "Water the plants", ["Fill the can", "Mind the cactus"])).toBe(
      true,
    );
    expect(await store.get(3)).toEqual({
      id: 3,
      title: "Water the plants",
      subtasks: ["Fill the can", "Mind the cactus"],
    });
    expect(await store.update(3, "Water plants", ["Mind the cactus"])).toBe(true);
    expect(await store.get(3)).toEqual({
      id: 3,
      title: "Water plants",
      subtasks: ["Mind the cactus"],
    });
    expect(await store.update(99, "x", [])).toBe(false);
    expect(await store.get(99)).toBeUndefined();
    expect((await store.list()).map((t) => t.id)).toEqual([1, 2, 3]);
  });
});

describe("the app's store", () => {
  it("is the database once useTodoDatabase ran; writes change todosChanged", async () => {
    // The postgres case above already switched it; migrating again applies nothing.
    await useTodoDatabase(schema.pool());
    const before = todosChanged.peek();
    const todo = await addTodo("Call the plumber");
    expect(todosChanged.peek()).not.toBe(before);
    const mid = todosChanged.peek();
    expect(await updateTodo(todo.id, "Call the plumber", ["Find the number"])).toBe(true);
    expect(todosChanged.peek()).not.toBe(mid);
    expect(await updateTodo(999, "x", [])).toBe(false);
    expect(await todoStore().get(todo.id)).toEqual({
      id: todo.id,
      title: "Call the plumber",
      subtasks: ["Find the number"],
    });
  });
});
