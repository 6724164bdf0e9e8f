import { onCleanup, signal } from "vango";

/**
 * Server-pushed updates: a timer sets a signal and the session pushes a patch on its own.
 * The time is `transient`: it is not the user's state, so it is never checkpointed (a
 * resumed page shows the time of the instance that resumed it).
 */
export function Clock() {
  const now = signal(new Date(), { transient: true });
  const timer = setInterval(() => now.set(new Date()), 1000);
  onCleanup(() => clearInterval(timer));
  return () => (
    <section class="card" id="clock">
      <h2>Server clock</h2>
      <p id="clock-time">{now().toISOString().slice(11, 19)} UTC</p>
    </section>
  );
}
