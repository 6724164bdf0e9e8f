import { signal } from "vango";

/** The classic: state in setup, a render function that re-runs when `count` changes. */
export function Counter(props: { start?: number }) {
  const count = signal(props.start ?? 0);
  return () => (
    <section class="card" id="counter">
      <h2>Counter</h2>
      <p class="count">
        Count: <span data-testid="counter-value">{count()}</span>
      </p>
      <button type="button" id="dec" onClick={() => count.update((n) => n - 1)}>
        −
      </button>
      <button
        type="button"
        id="inc"
        data-testid="counter-inc"
        onClick={() => count.update((n) => n + 1)}
      >
        +
      </button>
    </section>
  );
}
