/**
 * What `<Link prefetch>` saves, in real Chromium: the time from a click to the new
 * page's data on screen, for a page whose data takes 300 ms (a resource with a shared
 * cache and a `prefetch` export that fills it). The pointer rests on the link for
 * `rest` ms before the click, as a user's does; a plain `<a>` to the same kind of page
 * is the baseline. Every trial uses a report id of its own (cold caches), scenarios
 * interleave, and the time is taken inside the page (click → MutationObserver seeing the
 * data).
 */
import { chromium } from "playwright-core";
import { Async, createResourceCache, Link, resource, useRequest } from "../src/index.ts";
import { createApp, type PagePrefetch, silentLogger } from "../src/server.ts";

const DATA_MS = 300;
const TRIALS = Number(process.env.TRIALS ?? 15);
const cache = createResourceCache({ max: 1000 });

function load({ key, signal }: { key: readonly [string, number]; signal: AbortSignal }) {
  return new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => resolve(`data ${key[1]}`), DATA_MS);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });
}

const prefetch: PagePrefetch = ({ params, signal }) =>
  cache.prefetch(["r", params.id as number], load, { signal });

function Report(props: { params: { id: number } }) {
  const data = resource(load, {
    key: () => ["r", props.params.id] as const,
    staleTime: 60_000,
    cache,
  });
  return () => (
    <main>
      <h1>Report {props.params.id}</h1>
      <Async fallback={<p>Loading…</p>}>{() => <p id="ready">{data.value()}</p>}</Async>
    </main>
  );
}

function Home() {
  const req = useRequest();
  const n = Number(req.query.get("n"));
  return (
    <main>
      <h1>Home</h1>
      <p>
        <Link href={`/warm/${n}`} prefetch id="warm">
          warm
        </Link>
      </p>
      <p>
        <a href={`/plain/${n}`} id="plain">
          plain
        </a>
      </p>
    </main>
  );
}

const app = createApp({
  routes: {
    "/": Home,
    "/warm/:id": { default: Report, params: { id: Number }, prefetch },
    "/plain/:id": { default: Report, params: { id: Number } },
  },
  logger: silentLogger,
  devMode: true,
  minifyClient: true,
  rateLimit: false,
  connectionLimits: false,
});
const l = await app.listen(0, "127.0.0.1");
const base = `http://127.0.0.1:${l.port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
const page = await browser.newPage();
await page.route("**/favicon.ico", (r) => r.fulfill({ status: 204 }));

/** Click `#id` in the page; ms until `#ready` is in the DOM. */
function clickToData(id: string): Promise<number> {
  return page.evaluate(
    (sel) =>
      new Promise<number>((resolve) => {
        const t0 = performance.now();
        const obs = new MutationObserver(() => {
          if (document.getElementById("ready")) {
            obs.disconnect();
            resolve(performance.now() - t0);
          }
        });
        obs.observe(document.body, { childList: true, subtree: true });
        (document.getElementById(sel) as HTMLAnchorElement).click();
      }),
    id,
  );
}

const scenarios = [
  { name: "plain <a>, pointer rests 200 ms", link: "plain", rest: 200 },
  { name: "<Link prefetch>, pointer rests 100 ms", link: "warm", rest: 100 },
  { name: "<Link prefetch>, pointer rests 200 ms", link: "warm", rest: 200 },
  { name: "<Link prefetch>, pointer rests 400 ms", link: "warm", rest: 400 },
] as const;
const times = new Map<string, number[]>(scenarios.map((s) => [s.name, []]));
let n = 0;
for (let trial = -1; trial < TRIALS; trial++) {
  for (const s of trial % 2 === 0 ? scenarios : [...scenarios].reverse()) {
    n++;
    await page.goto(`${base}/?n=${n}`);
    await page.waitForFunction(
      () =>
        document.documentElement.classList.contains("vango-connected") &&
        performance.getEntriesByType("resource").filter((e) => e.name.includes("/_vango/chunk/"))
          .length >= 2,
    );
    // The hook chunk has run once its script executed; give it a frame to mount.
    await page.waitForTimeout(50);
    await page.mouse.move(0, 0);
    await page.hover(`#${s.link}`);
    await page.waitForTimeout(s.rest);
    const ms = await clickToData(s.link);
    if (trial >= 0) times.get(s.name)!.push(ms);
  }
}
await browser.close();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
console.log(
  `## click → data on screen (data takes ${DATA_MS} ms), ${TRIALS} trials each, Chromium`,
);
console.log("| scenario | median ms | p90 ms |");
console.log("|---|---:|---:|");
for (const s of scenarios) {
  const xs = times.get(s.name)!;
  console.log(`| ${s.name} | ${pct(xs, 50).toFixed(0)} | ${pct(xs, 90).toFixed(0)} |`);
}
await l.close();
