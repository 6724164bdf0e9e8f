import { DialogDemo } from "../components/widgets/dialog-demo.tsx";
import { Menus } from "../components/widgets/menus.tsx";
import { MeterIsland } from "../components/widgets/meter-island.tsx";
import { OptimisticToggles } from "../components/widgets/optimistic-toggles.tsx";
import { SortableList } from "../components/widgets/sortable-list.tsx";

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
        loads on demand, in chunks, only on pages that use them.
      </p>
      <div class="cards">
        <SortableList />
        <DialogDemo />
        <Menus />
        <MeterIsland />
        <OptimisticToggles />
      </div>
    </>
  );
}
