import { Async, resource, urlState } from "vango";

export const title = "Slow data";

const FRUIT = ["Apple", "Banana", "Cherry", "Damson", "Elderberry"];

/** A list that takes `ms` to load, as a slow query would; aborted if the user leaves. */
function loadFruit(ms: number, signal: AbortSignal): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve(FRUIT), ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });
}

/**
 * `/slow?ms=N`: data that arrives after N ms. Below the page's wait (50 ms) it is in the
 * server's HTML; slower, the fallback goes out first and the list is streamed into the same
 * response when it arrives — or comes as a patch once the socket is up, when it is slower
 * than the stream lasts (5 s).
 */
export default function Slow() {
  const ms = urlState("ms", 300);
  const fruit = resource(
    ({ key, signal }) => loadFruit(Math.min(Math.max(key, 0), 10_000), signal),
    {
      key: () => ms(),
    },
  );
  return () => (
    <>
      <h2 class="page-title">Slow data</h2>
      <p>
        This list takes {ms()} ms to load. Try <a href="/slow?ms=0">0</a>,{" "}
        <a href="/slow?ms=30">30</a>, <a href="/slow?ms=300">300</a> or{" "}
        <a href="/slow?ms=1200">1200</a>.
      </p>
      <Async fallback={<p aria-busy="true">Loading…</p>}>
        {() => (
          <ul data-testid="slow-ready">
            {fruit.value().map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        )}
      </Async>
    </>
  );
}
