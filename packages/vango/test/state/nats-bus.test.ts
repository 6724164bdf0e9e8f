/**
 * The bus suite on the real NATS server (shared, subjects under a prefix of this run),
 * and the adapter through an outage on a nats-server of its own (stopped and restarted).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { connect as tcp } from "node:net";
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsBus } from "../../src/state/nats-bus.ts";
import { busSuite } from "./bus.cases.ts";
import { Recorder, text, until } from "./bus-recorder.ts";

const prefix = `test.vango.${randomUUID()}.`;
const connections: NatsConnection[] = [];
let shared: NatsConnection[] = [];

beforeAll(async () => {
  // The suite's `connect()` is synchronous: a pool of connections made up front.
  shared = await Promise.all(
    Array.from({ length: 24 }, () => connect({ servers: "127.0.0.1:4222" })),
  );
  connections.push(...shared);
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
});

busSuite("nats", {
  connect: () => {
    const nc = shared.pop();
    if (nc === undefined) throw new Error("out of NATS connections: raise the pool");
    return new NatsBus({ connection: nc, prefix });
  },
  quietMs: 100,
});

describe("NatsBus", () => {
  it("keeps keys with dots and wildcards to one subject token", async () => {
    const nc = await connect({ servers: "127.0.0.1:4222" });
    connections.push(nc);
    const bus = new NatsBus({ connection: nc, prefix });
    const rec = new Recorder();
    bus.open(rec);
    await until(() => rec.up);
    await bus.subscribe("g.room.1");
    await bus.subscribe("g.room.>");
    await bus.subscribe("g.room.*");
    await bus.publish("g.room.1", text("one"));
    await until(() => rec.messages.length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.messages.map((m) => m.channel)).toEqual(["g.room.1"]);
    await bus.close();
  });
});

/** A nats-server of its own on a spare port. */
class NatsProcess {
  child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.child = spawn("/usr/sbin/nats-server", ["-a", "127.0.0.1", "-p", String(this.port)], {
      stdio: "ignore",
    });
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (Date.now() > deadline) throw new Error("nats-server did not start");
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (c === undefined || c.exitCode !== null) return;
    const gone = once(c, "exit");
    c.kill("SIGKILL");
    await gone;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcp(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

describe("NatsBus through an outage", () => {
  let server: NatsProcess;
  beforeAll(async () => {
    const { createServer } = await import("node:net");
    const srv = createServer().listen(0, "127.0.0.1");
    await once(srv, "listening");
    const port = (srv.address() as { port: number }).port;
    srv.close();
    server = new NatsProcess(port);
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("reports down, then up once the client re-subscribed, and delivers again", async () => {
    const opts = {
      servers: `127.0.0.1:${server.port}`,
      reconnectTimeWait: 50,
      maxReconnectAttempts: -1,
    };
    const [na, nb] = await Promise.all([connect(opts), connect(opts)]);
    connections.push(na, nb);
    const a = new NatsBus({ connection: na });
    const b = new NatsBus({ connection: nb });
    const [ra, rb] = [new Recorder(), new Recorder()];
    a.open(ra);
    b.open(rb);
    await until(() => ra.up && rb.up);
    await b.subscribe("c1");
    await a.publish("c1", text("before"));
    await until(() => rb.messages.length === 1);

    await server.stop();
    await until(() => !rb.up, 10_000, "status(false)");
    await server.start();
    await until(() => rb.up && ra.up, 15_000, "status(true)");
    expect(rb.statuses).toEqual([true, false, true]);
    await a.publish("c1", text("after"));
    await until(() => rb.texts("c1").includes("after"), 5_000);
    await a.close();
    await b.close();
  }, 40_000);
});
