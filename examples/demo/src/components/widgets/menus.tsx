import { hook, signal, useHook } from "vango";

const CITIES = [
  "Amsterdam",
  "Athens",
  "Barcelona",
  "Berlin",
  "Bern",
  "Brussels",
  "Copenhagen",
  "Dublin",
  "Lisbon",
  "London",
  "Madrid",
  "Oslo",
  "Paris",
  "Prague",
  "Rome",
  "Stockholm",
  "Vienna",
  "Warsaw",
];

/** A tooltip, a popover, a dropdown menu and a combobox: floating layers run by built-in hooks. */
export function Menus() {
  const sort = signal("newest");
  const query = signal("");
  const city = signal("none");
  const popoverOpen = signal(false);
  // A hook the server calls: the button below shows the tooltip from a handler.
  const tip = useHook<{ text: string }>("Tooltip");
  return () => {
    const q = query().trim().toLowerCase();
    const matches = q === "" ? [] : CITIES.filter((c) => c.toLowerCase().startsWith(q));
    return (
      <section class="card" id="menus">
        <h2>Floating layers</h2>
        <p>
          <button
            type="button"
            data-testid="tooltip-trigger"
            {...tip({ text: "Loaded only on pages that use it" })}
          >
            Why on demand?
          </button>{" "}
          <button type="button" data-testid="tooltip-call" onClick={() => tip.call("show")}>
            Show the tip from the server
          </button>{" "}
          <button
            type="button"
            data-testid="popover-trigger"
            {...hook("Popover", { panel: "demo-popover" })}
            onOpenChange={(e) => popoverOpen.set(e.detail.open)}
          >
            Details
          </button>
          <span data-testid="popover-state">{popoverOpen() ? "open" : "closed"}</span>
        </p>
        <div id="demo-popover" class="popover" data-testid="popover-panel" hidden>
          <p>A popover holds server-rendered content.</p>
          <a href="/todos">Todos</a>
        </div>
        <div class="dropdown" data-testid="dropdown" {...hook("Dropdown")}>
          <button type="button" data-testid="dropdown-button">
            Sort: {sort()}
          </button>
          <div role="menu" aria-label="Sort order" class="menu" hidden>
            {["newest", "oldest", "name"].map((s) => (
              <button
                type="button"
                role="menuitem"
                tabindex={-1}
                data-testid="dropdown-item"
                onClick={() => sort.set(s)}
              >
                {s}
              </button>
            ))}
          </div>
        </div>
        <div
          class="combobox"
          data-testid="combobox"
          {...hook("Combobox")}
          onItemSelect={(e) => city.set(e.detail.value)}
        >
          <label>
            City{" "}
            <input
              data-testid="combobox-input"
              onInput={(e) => query.set(e.value)}
              placeholder="Type a letter"
            />
          </label>
          <div role="listbox" aria-label="Cities" class="menu" hidden>
            {matches.map((c) => (
              // biome-ignore lint/a11y/useFocusableInteractive: with aria-activedescendant focus stays in the input
              <div key={c} role="option" data-value={c} data-testid="combobox-option">
                {c}
              </div>
            ))}
          </div>
          <p>
            Picked: <span data-testid="combobox-picked">{city()}</span>
          </p>
        </div>
      </section>
    );
  };
}
