/**
 * The other instance of `shared-state.bench.ts`: a process of its own with a hub on the
 * same bus, recording for each global-signal write and broadcast message how long it
 * took to arrive (`process.hrtime` is the system's monotonic clock, the same in both
 * processes). Talks to the benchmark over IPC: `ready`, then `reset` / `report`.
 */

import { Redis } from "ioredis";
import { connect } from "nats";
import { NatsBus } from "../src/state/nats-bus.ts";
import { RedisBus } from "../src/state/redis-bus.ts";
import { SharedState } from "../src/state/shared-state.ts";

const kind = process.env.BENCH_BUS;
const prefix = process.env.BENCH_PREFIX ?? "bench:";
const adapter =
  kind === "nats"
    ? new NatsBus({ connection: await connect({ servers: "127.0.0.1:4222" }), prefix })
    : new RedisBus({ client: new Redis({ host: "127.0.0.1", port: 6379 }), prefix });
const hub = new SharedState({ adapter });

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
const b = hub.broadcast<{ t: bigint }>("bench.b");
let first = true;
const { effect } = await import("../src/reactive/effect.ts");
effect(() => {
  const v = g();
  if (first) first = false;
  else record(v.t);
});
b.subscribe((m) => record(m.value.t));

while (!hub.up) await new Promise((r) => setTimeout(r, 10));
await new Promise((r) => setTimeout(r, 200));
process.send?.({ type: "ready" });
process.on("message", (m: { type: string }) => {
  if (m.type === "reset") {
    latencies = [];
    count = 0;
    process.send?.({ type: "reset" });
  } else if (m.type === "report") {
    process.send?.({ type: "report", latencies, count, lastAt: lastAt.toString() });
  } else if (m.type === "exit") {
    void hub.disconnect().then(() => process.exit(0));
  }
});
