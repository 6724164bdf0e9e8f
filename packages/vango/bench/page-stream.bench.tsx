/**
 * Time to first byte and to last byte of a page whose data takes 300 ms (the demo's
 * `/slow?ms=300` shape: a heading, a paragraph, and a list behind `<Async>`), answered
 * three ways by three apps in this process, side by side in rounds:
 *
 * - streamed (the defaults: `pageDataMs` 50, `pageStreamMs` 5 s): the fallback at once,
 *   the list later in the same response;
 * - blocking (`pageDataMs` 1,000, `pageStreamMs` 0): the page waits for the data and
 *   answers in one piece — what a server without streaming does;
 * - patched (`pageDataMs` 50, `pageStreamMs` 0): the fallback at once and the response
 *   ends; the list would come as a patch once the socket attaches (not in the response).
 *
 * Each request is a fresh page GET over a kept-alive loopback connection, read with
 * node:http; first byte = first body chunk. 15 rounds, each one request per mode in turn;
 * medians reported.
 */
import { Agent, type Agent as HttpAgent, request } from "node:http";
import { resource } from "../src/data/resource.ts";
import { Async } from "../src/render/boundaries.ts";
import { createApp, type Listening } from "../src/server/app.ts";
import { silentLogger } from "../src/server/core/logger.ts";
import { median } from "./util.ts";

const DATA_MS = 300;
const ROUNDS = 15;
const FRUIT = ["Apple", "Banana", "Cherry", "Damson", "Elderberry"];

function SlowPage() {
  const fruit = resource(
    ({ signal }) =>
      new Promise<string[]>((resolve, reject) => {
        const t = setTimeout(() => resolve(FRUIT), DATA_MS);
        signal.addEventListener("abort", () => {
          clearTimeout(t);
          reject(signal.reason);
        });
      }),
  );
  return () => (
    <main>
      <h2>Slow data</h2>
      <p>This list takes {DATA_MS} ms to load.</p>
      <Async fallback={<p aria-busy="true">Loading…</p>}>
        {() => (
          <ul data-testid="slow-ready">
            {fruit.value().map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        )}
      </Async>
    </main>
  );
}

const MODES = {
  streamed: {},
  blocking: { pageDataMs: 1_000, pageStreamMs: 0 },
  patched: { pageDataMs: 50, pageStreamMs: 0 },
} as const;
type Mode = keyof typeof MODES;

interface Timing {
  ttfb: number;
  ttlb: number;
  bytes: number;
  hasData: boolean;
}

function get(port: number, agent: HttpAgent): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let ttfb = 0;
    let body = "";
    const req = request({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        if (body === "") ttfb = performance.now() - t0;
        body += c;
      });
      res.on("end", () =>
        resolve({
          ttfb,
          ttlb: performance.now() - t0,
          bytes: Buffer.byteLength(body),
          hasData: body.includes("slow-ready"),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

const apps: Record<Mode, Listening> = {} as Record<Mode, Listening>;
for (const mode of Object.keys(MODES) as Mode[]) {
  apps[mode] = await createApp({
    routes: { "/": SlowPage },
    logger: silentLogger,
    v8Tuning: false,
    connectionLimits: false,
    rateLimit: false,
    timeouts: MODES[mode],
  }).listen(0, "127.0.0.1");
}
const agent = new Agent({ keepAlive: true });
const results: Record<Mode, Timing[]> = { streamed: [], blocking: [], patched: [] };
// One warm-up request each (client build, JIT), not counted.
for (const mode of Object.keys(MODES) as Mode[]) await get(apps[mode].port, agent);
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of Object.keys(MODES) as Mode[]) {
    results[mode].push(await get(apps[mode].port, agent));
  }
}
console.log(`\n## Page with ${DATA_MS} ms data: TTFB and TTLB (median of ${ROUNDS} GETs each)`);
console.log("| mode | TTFB | TTLB | bytes | data in the response |");
console.log("|---|---:|---:|---:|---|");
for (const mode of Object.keys(MODES) as Mode[]) {
  const xs = results[mode];
  const f = (n: number) => `${n.toFixed(1)} ms`;
  console.log(
    `| ${mode} | ${f(median(xs.map((x) => x.ttfb)))} | ${f(median(xs.map((x) => x.ttlb)))} | ${median(xs.map((x) => x.bytes))} | ${xs.every((x) => x.hasData) ? "yes" : xs.some((x) => x.hasData) ? "sometimes" : "no (patch)"} |`,
  );
}
agent.destroy();
for (const mode of Object.keys(MODES) as Mode[]) await apps[mode].close();
