import { hook } from "vango";
import { MeterIsland } from "../components/widgets/meter-island.tsx";
import { OptimisticToggles } from "../components/widgets/optimistic-toggles.tsx";

export const title = "Widgets";

/**
 * Client hooks, an island and optimistic updates: the built-in hooks' code, the island's
 * module and the optimistic runtime load on demand, only on pages that use them.
 */
export default function Widgets() {
  return (
    <>
      <h2 class="page-title">Widgets</h2>
      <p>
        Built-in client hooks, an island drawn in the browser and optimistic toggles. Their code
        loads on demand:{" "}
        <button
          type="button"
          data-testid="tooltip-trigger"
          {...hook("Tooltip", { text: "Loaded only on pages that use it" })}
        >
          why?
        </button>
      </p>
      <div class="cards">
        <MeterIsland />
        <OptimisticToggles />
      </div>
    </>
  );
}
