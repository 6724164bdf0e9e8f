import { signal } from "vango";

/** A text input echoed live: every keystroke is an `input` event, the echo a SetText patch. */
export function Echo() {
  const text = signal("");
  return () => (
    <section class="card" id="echo">
      <h2>Echo</h2>
      <input
        id="echo-input"
        data-testid="echo-input"
        placeholder="Type something"
        value={text()}
        onInput={(e) => text.set(e.value)}
      />
      <p id="echo-output">{text() === "" ? "(nothing yet)" : `You typed: ${text()}`}</p>
      <p id="echo-length">{text().length} characters</p>
    </section>
  );
}
