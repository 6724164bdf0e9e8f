/** Components shared by the server tests. */

import { onCleanup } from "../../src/reactive/owner.ts";
import { signal } from "../../src/reactive/signal.ts";

/** hids: root 1, div 2, h1 3, button 4. */
export function Counter(props: { start?: number }) {
  const count = signal(props.start ?? 0);
  return () => (
    <div>
      <h1>Count: {count()}</h1>
      <button type="button" onClick={() => count.set(count() + 1)}>
        +
      </button>
    </div>
  );
}

/** Two buttons: the slow one awaits `ms` before appending "slow", the fast appends "fast". */
export function Ordering(props: { ms?: number }) {
  const log = signal<string[]>([]);
  const push = (s: string) => log.set([...log(), s]);
  return () => (
    <div>
      <p>{log().join(",") || "-"}</p>
      <button
        type="button"
        onClick={async () => {
          push("slow-start");
          await new Promise((r) => setTimeout(r, props.ms ?? 40));
          push("slow-end");
        }}
      >
        slow
      </button>
      <button type="button" onClick={() => push("fast")}>
        fast
      </button>
    </div>
  );
}

/** hids: div 2, p 3, button#boom 4, button#ok 5. */
export function Thrower() {
  const n = signal(0);
  return () => (
    <div>
      <p>{n()}</p>
      <button
        type="button"
        id="boom"
        onClick={() => {
          n.set(n() + 1);
          throw new Error("handler exploded");
        }}
      >
        boom
      </button>
      <button type="button" id="ok" onClick={() => n.set(n() + 10)}>
        ok
      </button>
    </div>
  );
}

/** A shared, module-scope signal: every session of `Shared` shows and bumps it. */
export const sharedCount = signal(0);
export function Shared() {
  return () => (
    <div>
      <span>{sharedCount()}</span>
      <button type="button" onClick={() => sharedCount.set(sharedCount() + 1)}>
        +
      </button>
    </div>
  );
}

/** Ticks every `ms` without any client event. */
export function Ticker(props: { ms?: number }) {
  const n = signal(0);
  const t = setInterval(() => n.set(n() + 1), props.ms ?? 20);
  onCleanup(() => clearInterval(t));
  return () => <p>tick {n()}</p>;
}

/** Shows a route param. */
export function User(props: { params: { id: string } }) {
  return <p>user {props.params.id}</p>;
}

/** Grows a large text on each click (backpressure tests). */
export function Big() {
  const n = signal(0);
  return () => (
    <div>
      <pre>{String(n()).padEnd(64 * 1024, "x")}</pre>
      <button type="button" onClick={() => n.set(n() + 1)}>
        +
      </button>
    </div>
  );
}
