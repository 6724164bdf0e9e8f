import { onCleanup, signal } from "vango";

/** Server-pushed updates: a timer sets a signal and the session pushes a patch on its own. */
export function Clock() {
  const now = signal(new Date());
  const timer = setInterval(() => now.set(new Date()), 1000);
  onCleanup(() => clearInterval(timer));
  return () => (
    <section class="card" id="clock">
      <h2>Server clock</h2>
      <p id="clock-time">{now().toISOString().slice(11, 19)} UTC</p>
    </section>
  );
}
