/**
 * A throw-away `redis-server` on a spare loopback port, for tests that stop and restart
 * Redis. The shared instance on 6379 is used by other test files at the same time and
 * is never stopped.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { sparePort } from "../../src/testing/spare-port.ts";

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

export class RedisProcess {
  readonly port: number;
  #child: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
    this.#child = undefined;
  }

  /** Starts one on a spare port (no persistence). */
  static async start(): Promise<RedisProcess> {
    const r = new RedisProcess(await sparePort());
    await r.resume();
    return r;
  }

  /** (Re)starts the server on the same port and waits until it accepts connections. */
  async resume(): Promise<void> {
    if (this.#child !== undefined) return;
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", ""];
    const child = spawn("redis-server", [...args, "--appendonly", "no", "--daemonize", "no"], {
      stdio: "ignore",
    });
    this.#child = child;
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error("redis-server did not start");
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Kills the server (as a crash would) and waits until it is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const gone = once(child, "exit");
      child.kill("SIGKILL");
      await gone;
    }
  }
}
