import { computed, signal } from "vango";

interface Todo {
  readonly id: number;
  readonly title: string;
  readonly done: boolean;
}

type Filter = "all" | "active" | "done";

/** A keyed list in session state: add, toggle, remove, reorder and filter. */
export function Checklist() {
  let nextId = 4;
  const todos = signal<readonly Todo[]>([
    { id: 1, title: "Read the README", done: true },
    { id: 2, title: "Click around the demo", done: false },
    { id: 3, title: "Write a component", done: false },
  ]);
  const draft = signal("");
  const filter = signal<Filter>("all");
  const visible = computed(() => {
    const f = filter();
    return todos().filter((t) => (f === "all" ? true : f === "done" ? t.done : !t.done));
  });
  const remaining = computed(() => todos().filter((t) => !t.done).length);

  const add = () => {
    const title = draft().trim();
    if (title === "") return;
    todos.update((list) => [...list, { id: nextId++, title, done: false }]);
    draft.set("");
  };
  const toggle = (id: number) =>
    todos.update((list) => list.map((t) => (t.id === id ? { ...t, done: !t.done } : t)));
  const remove = (id: number) => todos.update((list) => list.filter((t) => t.id !== id));
  const moveUp = (id: number) =>
    todos.update((list) => {
      const i = list.findIndex((t) => t.id === id);
      if (i <= 0) return list;
      const next = [...list];
      [next[i - 1], next[i]] = [next[i]!, next[i - 1]!];
      return next;
    });

  return () => (
    <section class="card" id="checklist">
      <h2>Checklist</h2>
      <form id="check-form" onSubmit={add}>
        <input
          id="check-input"
          name="title"
          placeholder="What needs doing?"
          value={draft()}
          onInput={(e) => draft.set(e.value)}
        />
        <button type="submit">Add</button>
      </form>
      <p class="filters">
        {(["all", "active", "done"] as const).map((f) => (
          <button
            type="button"
            key={f}
            id={`filter-${f}`}
            class={{ active: filter() === f }}
            onClick={() => filter.set(f)}
          >
            {f}
          </button>
        ))}
      </p>
      <ul id="check-list">
        {visible().map((t) => (
          <li key={t.id} data-id={t.id} class={{ done: t.done }}>
            <input type="checkbox" checked={t.done} onChange={() => toggle(t.id)} />
            <span class="title">{t.title}</span>
            <button type="button" class="up" onClick={() => moveUp(t.id)}>
              ↑
            </button>
            <button type="button" class="remove" onClick={() => remove(t.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <p id="check-remaining">{remaining()} left</p>
    </section>
  );
}
