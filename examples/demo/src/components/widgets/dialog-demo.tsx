import { hook, signal } from "vango";

/** A modal dialog the server opens and closes; the Dialog hook traps focus and returns it. */
export function DialogDemo() {
  const open = signal(false);
  const name = signal("");
  const saved = signal("nobody yet");
  return () => (
    <section class="card" id="dialog">
      <h2>Dialog</h2>
      <button type="button" data-testid="dialog-open" onClick={() => open.set(true)}>
        Rename…
      </button>
      <p>
        Saved: <span data-testid="dialog-saved">{saved()}</span>
      </p>
      <div
        class="dialog-backdrop"
        role="dialog"
        aria-modal="true"
        aria-labelledby="dialog-title"
        data-testid="dialog"
        hidden={!open()}
        {...hook("Dialog", { open: open(), dismissOnBackdrop: true })}
        onDismiss={() => open.set(false)}
      >
        <div class="dialog-box">
          <h3 id="dialog-title">Rename</h3>
          <label>
            Name{" "}
            <input data-testid="dialog-input" value={name()} onInput={(e) => name.set(e.value)} />
          </label>
          <div class="dialog-actions">
            <button
              type="button"
              data-testid="dialog-save"
              onClick={() => {
                saved.set(name() || "nobody yet");
                open.set(false);
              }}
            >
              Save
            </button>
            <button type="button" data-testid="dialog-cancel" onClick={() => open.set(false)}>
              Cancel
            </button>
          </div>
        </div>
      </div>
    </section>
  );
}
