import { Island, signal } from "vango";

/** An island: the bar is drawn by `src/client/meter.client.ts`; its props come from here. */
export function MeterIsland() {
  const value = signal(3);
  const max = 10;
  return () => (
    <section class="card" id="island">
      <h2>Island</h2>
      <Island
        src="./meter.client.ts"
        props={{ value: value(), max, label: "Progress" }}
        data-testid="island"
      />
      <button
        type="button"
        data-testid="island-dec"
        onClick={() => value.update((v) => Math.max(0, v - 1))}
      >
        −
      </button>
      <button
        type="button"
        data-testid="island-inc"
        onClick={() => value.update((v) => Math.min(max, v + 1))}
      >
        +
      </button>
    </section>
  );
}
