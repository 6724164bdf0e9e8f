/**
 * Regression (issue 10, defect 12), from outside: the demo with a 256 MiB heap once died
 * of V8 OOM after ~5,000 page GETs from 9 loopback addresses in 11 s — every GET mounted
 * a session that lived 30 s with its timers and renders running. Now the same flood
 * leaves the process up, answering, with a bounded heap.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const DEMO = fileURLToPath(new URL("../", import.meta.url));
const GETS = 5_000;
const ADDRESSES = Array.from({ length: 9 }, (_, i) => `127.0.0.${i + 2}`);
const CONCURRENCY = 32;

let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
});

function startDemo(): Promise<{ base: string; metrics: string }> {
  child = spawn(
    process.execPath,
    ["--conditions=source", "--max-old-space-size=256", "--import", "tsx", "src/main.tsx"],
    {
      cwd: DEMO,
      env: { ...process.env, PORT: "0", METRICS_PORT: "0", LOG_LEVEL: "error" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child!.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/127\.0\.0\.1:\d+), metrics on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ base: m[1]!, metrics: m[2]! });
    });
    child!.once("exit", (code) => reject(new Error(`demo exited early (${code}): ${out}`)));
  });
}

function get(url: string, localAddress: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { localAddress, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(-1));
    req.end();
  });
}

describe("a flood of page GETs that never connect", () => {
  it(`leaves a 256 MiB demo up after ${GETS} GETs from ${ADDRESSES.length} addresses`, async () => {
    const { base, metrics } = await startDemo();
    let exited: number | null | undefined;
    child!.once("exit", (code) => {
      exited = code;
    });
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < GETS && exited === undefined) {
        const i = next++;
        const s = await get(`${base}/`, ADDRESSES[i % ADDRESSES.length]!);
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(exited).toBeUndefined();
    // Every answer is a page or a coded refusal; nothing hung or was cut.
    expect([...statuses.keys()].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(await get(`${base}/health/live`, "127.0.0.1")).toBe(200);
    const text = await (await fetch(`${metrics}/metrics`)).text();
    const heap = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1]);
    console.log(
      `pending flood: ${JSON.stringify(Object.fromEntries(statuses))}, heap ${(heap / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(heap).toBeLessThan(160 * 1024 * 1024);
  }, 120_000);
});
