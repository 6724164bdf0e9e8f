import { optimistic, signal } from "vango";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Optimistic toggles: each shows its new state the moment it is clicked. The server
 * agrees with "Star" (after a short delay) and refuses "Publish" (publishing is locked
 * in the demo), so that one flips back when the answer arrives; "Archive" fails on the
 * server (its handler throws), and the error reverts it.
 */
export function OptimisticToggles() {
  const starred = signal(false);
  const published = signal(false);
  return () => (
    <section class="card" id="optimistic">
      <h2>Optimistic</h2>
      <button
        type="button"
        data-testid="star-toggle"
        class={{ on: starred() }}
        aria-pressed={starred()}
        onClick={async () => {
          await pause(300);
          starred.set(!starred());
        }}
        {...optimistic({
          class: { on: !starred() },
          attr: { "aria-pressed": String(!starred()) },
          text: starred() ? "Star" : "Starred",
        })}
      >
        {starred() ? "Starred" : "Star"}
      </button>
      <button
        type="button"
        data-testid="publish-toggle"
        class={{ on: published() }}
        aria-pressed={published()}
        onClick={async () => {
          await pause(300);
          // The demo never publishes: nothing changes, and the prediction is reverted.
        }}
        {...optimistic({
          class: { on: !published() },
          attr: { "aria-pressed": String(!published()) },
          text: published() ? "Publish" : "Published",
        })}
      >
        {published() ? "Published" : "Publish"}
      </button>
      <button
        type="button"
        data-testid="archive-toggle"
        aria-pressed="false"
        onClick={async () => {
          await pause(300);
          throw new Error("the demo cannot archive");
        }}
        {...optimistic({ attr: { "aria-pressed": "true" }, text: "Archived" })}
      >
        Archive
      </button>
    </section>
  );
}
