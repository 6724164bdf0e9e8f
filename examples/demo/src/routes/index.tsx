import { Checklist } from "../components/checklist.tsx";
import { Clock } from "../components/clock.tsx";
import { Counter } from "../components/counter.tsx";
import { Echo } from "../components/echo.tsx";
import { GlobalCounter } from "../components/global-counter.tsx";

export const title = "Vango demo";

/** The home page: each card shows one part of Vango. */
export default function Home() {
  return (
    <>
      <h2 class="page-title">Home</h2>
      <p>
        A counter, a counter shared by everyone, live text, a keyed list and a server clock. The{" "}
        <a href="/todos">todo list</a> is a form that works with JavaScript off too.
      </p>
      <div class="cards">
        <Counter />
        <GlobalCounter />
        <Echo />
        <Checklist />
        <Clock />
      </div>
    </>
  );
}
