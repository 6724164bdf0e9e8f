import { hook, signal } from "vango";

/** A list reordered by drag or keyboard; the server owns the order. */
export function SortableList() {
  const tasks = signal(["Write the spec", "Build it", "Test it", "Ship it", "Celebrate"]);
  const move = (from: number, to: number) => {
    const next = [...tasks()];
    if (from < 0 || from >= next.length || to < 0 || to >= next.length) return;
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    tasks.set(next);
  };
  return () => (
    <section class="card" id="sortable">
      <h2>Sortable</h2>
      <p class="hint">Drag an item, or focus it and press Space, then the arrow keys.</p>
      <ol
        class="sortable"
        data-testid="sortable-list"
        aria-label="Tasks"
        {...hook("Sortable", { label: "Tasks" })}
        onReorder={(e) => move(e.detail.from, e.detail.to)}
      >
        {tasks().map((t) => (
          <li key={t} data-testid="sortable-item">
            {t}
          </li>
        ))}
      </ol>
      <p data-testid="sortable-order">{tasks().join(" · ")}</p>
    </section>
  );
}
