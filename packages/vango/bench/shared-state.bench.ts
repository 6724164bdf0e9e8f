/**
 * Shared state across instances (issue 13): how long a global-signal write and a
 * broadcast message take to reach another instance, and how many messages per second
 * one instance can send to another, on the in-process bus (two hubs in one process) and
 * on the real Redis (127.0.0.1:6379) and NATS (127.0.0.1:4222) with the other instance
 * in a process of its own (`shared-state-peer.ts`).
 *
 * Latency: 2,000 writes (or messages) 1 ms apart, each carrying `process.hrtime` of the
 * send; the receiver subtracts it on arrival (where the value is applied: the global
 * signal's readers re-run, the broadcast subscriber is called) — p50 / p99 / max.
 * Throughput: 20,000 broadcast messages sent as fast as the sender goes (batches of
 * 500, yielding between them); messages/s from the first send to the last arrival.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { connect } from "nats";
import { effect } from "../src/reactive/effect.ts";
import type { Bus } from "../src/state/bus.ts";
import { MemoryBroker, MemoryBus } from "../src/state/memory-bus.ts";
import { NatsBus } from "../src/state/nats-bus.ts";
import { RedisBus } from "../src/state/redis-bus.ts";
import { SharedState } from "../src/state/shared-state.ts";

const LATENCY_N = 2_000;
const THROUGHPUT_N = 20_000;
const BATCH = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Report {
  latencies: number[];
  count: number;
  lastAt: string;
}

/** The receiving side: a child process, or a hub in this process. */
interface Receiver {
  reset(): Promise<void>;
  report(): Promise<Report>;
  close(): Promise<void>;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const ms = (ns: number): string => (ns / 1e6).toFixed(2);

async function childReceiver(kind: string, prefix: string): Promise<Receiver> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL("./shared-state-peer.ts", import.meta.url)),
    {
      execArgv: ["--conditions=source", "--import", "tsx"],
      env: { ...process.env, BENCH_BUS: kind, BENCH_PREFIX: prefix },
    },
  );
  const next = async <T>(type: string): Promise<T> => {
    for (;;) {
      const [m] = (await once(child, "message")) as [{ type: string } & T];
      if (m.type === type) return m;
    }
  };
  await next("ready");
  return {
    async reset() {
      child.send({ type: "reset" });
      await next("reset");
    },
    async report() {
      child.send({ type: "report" });
      return next<Report>("report");
    },
    async close() {
      child.send({ type: "exit" });
      await once(child, "exit");
    },
  };
}

function localReceiver(hub: SharedState): Receiver {
  let latencies: number[] = [];
  let count = 0;
  let lastAt = 0n;
  const record = (t: bigint): void => {
    const now = process.hrtime.bigint();
    latencies.push(Number(now - t));
    count++;
    lastAt = now;
  };
  const g = hub.globalSignal<{ t: bigint }>("bench.g", { t: 0n });
  let first = true;
  effect(() => {
    const v = g();
    if (first) first = false;
    else record(v.t);
  });
  hub.broadcast<{ t: bigint }>("bench.b").subscribe((m) => record(m.value.t));
  return {
    async reset() {
      latencies = [];
      count = 0;
    },
    async report() {
      return { latencies, count, lastAt: lastAt.toString() };
    },
    close: () => hub.disconnect(),
  };
}

async function run(name: string, sender: Bus, receiver: Receiver): Promise<string[]> {
  const hub = new SharedState({ adapter: sender });
  const g = hub.globalSignal<{ t: bigint }>("bench.g", { t: 0n });
  const b = hub.broadcast<{ t: bigint }>("bench.b");
  while (!hub.up) await sleep(10);
  await sleep(300);
  const rows: string[] = [];
  for (const [what, send] of [
    ["globalSignal write", () => g.set({ t: process.hrtime.bigint() })],
    ["broadcast message", () => b.send({ t: process.hrtime.bigint() })],
  ] as const) {
    await receiver.reset();
    for (let i = 0; i < LATENCY_N; i++) {
      send();
      await sleep(1);
    }
    await sleep(300);
    const r = await receiver.report();
    const s = [...r.latencies].sort((x, y) => x - y);
    rows.push(
      `| ${name} | ${what} | ${r.count}/${LATENCY_N} | ${ms(quantile(s, 0.5))} | ${ms(quantile(s, 0.99))} | ${ms(s.at(-1) ?? Number.NaN)} |`,
    );
  }
  await receiver.reset();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < THROUGHPUT_N; i += BATCH) {
    for (let j = 0; j < BATCH; j++) b.send({ t: process.hrtime.bigint() });
    await new Promise((r) => setImmediate(r));
  }
  let r = await receiver.report();
  for (let waited = 0; r.count < THROUGHPUT_N && waited < 20_000; waited += 50) {
    await sleep(50);
    r = await receiver.report();
  }
  const seconds = Number(BigInt(r.lastAt) - t0) / 1e9;
  rows.push(
    `| ${name} | broadcast throughput | ${r.count}/${THROUGHPUT_N} | ${Math.round(r.count / seconds).toLocaleString("en-US")} msg/s | | |`,
  );
  await hub.disconnect();
  await receiver.close();
  return rows;
}

console.log("\n## Shared state across instances\n");
console.log("| bus | case | arrived | p50 ms | p99 ms | max ms |");
console.log("|---|---|---:|---:|---:|---:|");
const broker = new MemoryBroker();
for (const row of await run(
  "memory (one process)",
  new MemoryBus(broker),
  localReceiver(new SharedState({ adapter: new MemoryBus(broker) })),
)) {
  console.log(row);
}

const redisPrefix = `bench:${randomUUID()}:`;
const redis = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true });
try {
  await redis.connect();
  for (const row of await run(
    "redis (two processes)",
    new RedisBus({ client: redis, prefix: redisPrefix }),
    await childReceiver("redis", redisPrefix),
  )) {
    console.log(row);
  }
} catch (e) {
  console.log(`| redis | skipped: ${(e as Error).message} | | | | |`);
} finally {
  redis.disconnect();
}

const natsPrefix = `bench.${randomUUID()}.`;
try {
  const nc = await connect({ servers: "127.0.0.1:4222" });
  for (const row of await run(
    "nats (two processes)",
    new NatsBus({ connection: nc, prefix: natsPrefix }),
    await childReceiver("nats", natsPrefix),
  )) {
    console.log(row);
  }
  await nc.close();
} catch (e) {
  console.log(`| nats | skipped: ${(e as Error).message} | | | | |`);
}
process.exit(0);
