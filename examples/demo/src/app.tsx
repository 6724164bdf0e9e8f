import { Clock } from "./clock.tsx";
import { Counter } from "./counter.tsx";
import { Echo } from "./echo.tsx";
import { Todos } from "./todos.tsx";

/** The demo's one page: each card shows one part of Vango. */
export function DemoPage() {
  return (
    <main class="demo">
      <header>
        <h1>Vango demo</h1>
        <p>Everything below runs on the server; the browser only applies patches.</p>
      </header>
      <Counter />
      <Echo />
      <Todos />
      <Clock />
    </main>
  );
}

export const routes = {
  "/": { component: DemoPage, title: "Vango demo" },
};
