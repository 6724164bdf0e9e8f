/**
 * A throw-away PostgreSQL server on a spare loopback port (its own `initdb` in a temp
 * directory, trust auth, no fsync), for tests that stop the database mid-run. The
 * shared server on 5432 is used by other test files at the same time and is never
 * stopped. Postgres refuses to run as root: under root the server runs as the
 * `postgres` user.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { sparePort } from "../../src/testing/spare-port.ts";

function binDir(): string {
  const versions = readdirSync("/usr/lib/postgresql").sort();
  return `/usr/lib/postgresql/${versions.at(-1)}/bin`;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (line === undefined) throw new Error("running as root and there is no postgres user");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** True once the server answers a query (it accepts connections while still starting up). */
async function ready(port: number): Promise<boolean> {
  const c = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
  c.on("error", () => {});
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export class PostgresProcess {
  readonly port: number;
  readonly #dir: string;
  readonly #user: { uid: number; gid: number } | undefined;
  #child: ChildProcess | undefined = undefined;

  private constructor(port: number, dir: string, user: { uid: number; gid: number } | undefined) {
    this.port = port;
    this.#dir = dir;
    this.#user = user;
  }

  /** Connection settings for `pg` (database `postgres`, user `postgres`). */
  get connection(): { host: string; port: number; user: string; database: string } {
    return { host: "127.0.0.1", port: this.port, user: "postgres", database: "postgres" };
  }

  /** initdb and start a server on a spare port. */
  static async start(): Promise<PostgresProcess> {
    const dir = mkdtempSync(join(tmpdir(), "vango-pg-"));
    const user = postgresUser();
    if (user !== undefined) chownSync(dir, user.uid, user.gid);
    execFileSync(
      join(binDir(), "initdb"),
      ["-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"],
      { stdio: "ignore", ...(user ?? {}) },
    );
    const p = new PostgresProcess(await sparePort(), dir, user);
    await p.resume();
    return p;
  }

  /** (Re)starts the server on the same port and data directory; waits until it accepts. */
  async resume(): Promise<void> {
    if (this.#child !== undefined) return;
    const args = ["-D", join(this.#dir, "data"), "-p", String(this.port), "-k", this.#dir];
    const settings = ["listen_addresses=127.0.0.1", "fsync=off", "max_connections=50"];
    const child = spawn(
      join(binDir(), "postgres"),
      [...args, ...settings.flatMap((s) => ["-c", s])],
      {
        stdio: "ignore",
        ...(this.#user ?? {}),
      },
    );
    this.#child = child;
    const deadline = Date.now() + 20_000;
    while (!(await ready(this.port))) {
      if (child.exitCode !== null) throw new Error(`postgres exited ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error("postgres did not start");
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Immediate shutdown (SIGQUIT: backends are killed, as in a crash); waits until gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      const gone = once(child, "exit");
      child.kill("SIGQUIT");
      await gone;
    }
  }

  /** Stops the server and deletes its data directory. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
