/**
 * Bytes a browser downloads for the client: the core client and every on-demand chunk
 * (hook runtime, built-in hooks, the demo's island) as a real app serves them, brotli
 * (Chromium's `Accept-Encoding`) and gzip, plus what building the chunk set costs the
 * first page of a process (esbuild + compression), median of 7 cold builds.
 */
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { buildChunks, chunkEntries, chunkPath } from "../src/client/build-chunks.ts";
import { createApp } from "../src/server/app.ts";
import { silentLogger } from "../src/server/core/logger.ts";
import { prepare } from "../src/server/http/client-asset.ts";
import { h } from "../src/vdom/create-element.ts";

const DEMO_CLIENT = fileURLToPath(new URL("../../../examples/demo/src/client/", import.meta.url));

const listening = await createApp({
  routes: { "/": () => h("p", null, "hi") },
  minifyClient: true,
  clientDir: DEMO_CLIENT,
  logger: silentLogger,
}).listen(0);
const base = `http://127.0.0.1:${listening.port}`;

async function sizes(path: string): Promise<{ br: number; gzip: number; identity: number }> {
  const get = async (enc: string) => {
    const r = await fetch(`${base}${path}`, { headers: { "accept-encoding": enc } });
    await r.arrayBuffer();
    return Number(r.headers.get("content-length"));
  };
  return {
    br: await get("gzip, deflate, br, zstd"),
    gzip: await get("gzip"),
    identity: await get("identity"),
  };
}

const html = await (await fetch(`${base}/`)).text();
const core = /<script defer src="(\/_vango\/client\.[0-9a-f]+\.js)"/.exec(html)![1]!;
const boot = JSON.parse(/<script[^>]*id="vango-boot"[^>]*>([^<]*)<\/script>/.exec(html)![1]!);
const set = await buildChunks({ minify: true, hooks: await chunkEntries(DEMO_CLIENT) });
if (chunkPath(set.runtime) !== boot.h) throw new Error("the app built another chunk set");

const rows: [string, string][] = [
  ["core client", core],
  ["hook runtime", boot.h],
];
for (const [name, b] of set.hooks) rows.push([name, chunkPath(b)]);
console.log("## chunks as served (bytes on the wire)");
console.log("| file | brotli | gzip | identity |");
for (const [name, path] of rows) {
  const s = await sizes(path);
  console.log(`| ${name} | ${s.br} | ${s.gzip} | ${s.identity} |`);
}
await listening.close();

const times: number[] = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  const fresh = await buildChunks({ minify: true, hooks: await chunkEntries(DEMO_CLIENT) });
  await Promise.all([fresh.runtime, ...fresh.hooks.values()].map((b) => prepare({ ...b }, "/x/")));
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`chunk set build + compression (cold, per process): median ${times[3]!.toFixed(0)} ms`);
