import { signal } from "vango";

export const title = "Welcome to Vango";

export default function Home() {
  const count = signal(0); // kept across `vango dev` reloads and server restarts
  return () => (
    <main>
      <h1>Welcome to Vango</h1>
      <p>
        Count: <span data-testid="counter-value">{count()}</span>
      </p>
      <button type="button" data-testid="counter-inc" onClick={() => count.set(count() + 1)}>
        +1
      </button>
    </main>
  );
}
