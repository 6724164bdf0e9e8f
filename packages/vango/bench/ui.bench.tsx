/**
 * VangoUI on the demo's `/ui` page (every component in its states, inside the demo's
 * layout): server-side render time of the whole page as an HTTP GET, against the demo's
 * home page, and server memory per live session holding `/ui` (GET, WebSocket,
 * handshake), with the sessions opened by a second process so the client's heap never
 * counts; and the on-demand chunks the page makes the browser load (the hook runtime and
 * the Dialog, Dropdown, Popover and Tooltip hooks), minified and brotli-compressed as the
 * server serves them. Run: `npm run bench -- ui`.
 *
 * The page is the demo's own file (this benchmark measures that page, so it imports it
 * from `examples/demo`). Persistence is off, as are rate limits and socket caps (every
 * request comes from 127.0.0.1).
 */
import { fork } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { demoOptions } from "../../../examples/demo/src/options.tsx";
import { buildChunks, chunkEntries } from "../src/client/build-chunks.ts";
import { createApp } from "../src/server/app.ts";
import { silentLogger } from "../src/server/core/logger.ts";
import { LoadSession, percentile } from "./load/protocol-client.ts";

const SESSIONS = Number(process.env.VANGO_BENCH_UI_SESSIONS ?? 300);
const GETS = Number(process.env.VANGO_BENCH_UI_GETS ?? 300);

const gc = (globalThis as { gc?: () => void }).gc;
function heapAfterGc(): number {
  for (let i = 0; i < 4; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

if (process.argv[2] === "client") {
  // The session-holding client: opens `n` sessions on `path`, replies, holds them until told.
  const open: LoadSession[] = [];
  process.on("message", async (m: { cmd: string; port?: number; n?: number; path?: string }) => {
    if (m.cmd === "open") {
      for (let i = 0; i < m.n!; i++) open.push(await LoadSession.open(m.port!, m.path));
      process.send?.({ ok: "open" });
    } else {
      for (const s of open) s.close();
      process.exit(0);
    }
  });
} else {
  await main();
}

function get(port: number, path: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: "127.0.0.1", port, path }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => {
        bytes += c.length;
      });
      res.on("end", () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
        else resolve({ ms: performance.now() - t0, bytes });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** The chunks /ui loads, as served: minified, brotli quality 11 (and gzip for the rest). */
async function chunkSizes(): Promise<void> {
  const set = await buildChunks({ minify: true, hooks: await chunkEntries(undefined) });
  const rows: [string, string][] = [["runtime (with the manifest)", set.runtime.code]];
  for (const name of ["Accordion", "Dialog", "Dropdown", "Popover", "Tooltip"]) {
    rows.push([name, set.hooks.get(name)!.code]);
  }
  console.log("\n### VangoUI: on-demand chunks /ui loads (as served)\n");
  console.log("| chunk | brotli B | gzip B | minified B |");
  console.log("|---|---:|---:|---:|");
  let total = 0;
  for (const [name, code] of rows) {
    const br = brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length;
    total += br;
    const gz = gzipSync(code, { level: 9 }).length;
    console.log(
      `| ${name} | ${br.toLocaleString("en-US")} | ${gz.toLocaleString("en-US")} | ${code.length.toLocaleString("en-US")} |`,
    );
  }
  console.log(`| **total** | **${total.toLocaleString("en-US")}** | | |`);
}

async function main(): Promise<void> {
  if (!gc) throw new Error("run with --expose-gc (npm run bench does)");
  await chunkSizes();
  const app = createApp({
    ...(await demoOptions()),
    logger: silentLogger,
    devMode: true,
    persistence: false,
    rateLimit: false,
    connectionLimits: false,
    limits: { maxSessions: 20_000 },
    timeouts: { handshakeMs: 60_000, heartbeatMs: 600_000 },
  });
  const l = await app.listen(0, "127.0.0.1");
  try {
    console.log("\n### VangoUI: the demo's /ui page (SSR as an HTTP GET, sequential)\n");
    console.log("| page | GETs | median ms | p99 ms | HTML bytes |");
    console.log("|---|---:|---:|---:|---:|");
    for (const path of ["/", "/ui"]) {
      for (let i = 0; i < 50; i++) await get(l.port, path);
      const ms: number[] = [];
      let bytes = 0;
      for (let i = 0; i < GETS; i++) {
        const r = await get(l.port, path);
        ms.push(r.ms);
        bytes = r.bytes;
      }
      ms.sort((a, b) => a - b);
      console.log(
        `| ${path} | ${GETS} | ${percentile(ms, 50).toFixed(2)} | ${percentile(ms, 99).toFixed(2)} | ${bytes.toLocaleString("en-US")} |`,
      );
    }

    console.log("\n### VangoUI: server memory per live session holding a page\n");
    console.log("| page | sessions | KiB per session (heapUsed delta after GC) |");
    console.log("|---|---:|---:|");
    for (const path of ["/", "/ui"]) {
      const child = fork(fileURLToPath(import.meta.url), ["client"], {
        execArgv: ["--conditions=source", "--import", "tsx"],
      });
      const reply = () => new Promise<void>((r) => child.once("message", () => r()));
      // Warm up code paths first, so the baseline holds them.
      child.send({ cmd: "open", port: l.port, n: 5, path });
      await reply();
      await new Promise((r) => setTimeout(r, 300));
      const before = heapAfterGc();
      child.send({ cmd: "open", port: l.port, n: SESSIONS, path });
      await reply();
      await new Promise((r) => setTimeout(r, 500));
      const after = heapAfterGc();
      console.log(`| ${path} | ${SESSIONS} | ${((after - before) / SESSIONS / 1024).toFixed(1)} |`);
      child.send({ cmd: "exit" });
      await new Promise((r) => child.once("exit", r));
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await l.close();
  }
}
