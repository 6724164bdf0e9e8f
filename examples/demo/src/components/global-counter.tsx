import { globalSignal } from "vango";

/**
 * One count for every tab on every instance: a `globalSignal` (with `REDIS_URL` the
 * instances share it over Redis). A module-level `signal` would be one count per process.
 */
const clicks = globalSignal("demo.clicks", 0);

export function GlobalCounter() {
  return () => (
    <section class="card" id="global-counter">
      <h2>Shared counter</h2>
      <p class="count">
        Clicks, everyone together: <span data-testid="global-counter-value">{clicks()}</span>
      </p>
      <button
        type="button"
        data-testid="global-counter-inc"
        onClick={() => clicks.update((n) => n + 1)}
      >
        +1 for everyone
      </button>
    </section>
  );
}
