/**
 * `vango dev`: runs the app with tsx behind {@link DevProxy} and watches `app/` and
 * `public/`. An edit under `app/` is checked with esbuild first (a syntax error goes to
 * the terminal and the overlay, and the running code stays); then a new worker starts
 * beside the old one, the proxy switches to it, and the old one gets SIGTERM: it
 * checkpoints every session before it closes their sockets, each page reconnects and
 * the new worker rebuilds it from its checkpoint with the new code — no reload, state
 * kept. A stylesheet edit under `public/` is swapped in place without a restart.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, watch } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import {
  codeFrame,
  type DevProblem,
  formatProblem,
  type StartMessage,
  type WorkerMessage,
} from "./dev-messages.ts";
import { DEV_EVENTS_PATH, DevProxy, forward } from "./dev-proxy.ts";
import { refreshRoutesManifest } from "./gen.ts";
import { project } from "./project.ts";
import { bold, cyan, dim, green, red } from "./term.ts";

export interface DevOptions {
  readonly root: string;
  readonly port: number;
  /** `false`: no metrics listener. */
  readonly metricsPort: number | false;
  readonly host: string;
}

export interface DevServer {
  readonly port: number;
  readonly metricsPort: number | undefined;
  close(): Promise<void>;
}

/** Edits arriving within this window are one change (editors write several times). */
const SETTLE_MS = 60;
const WORKER_START_MS = 30_000;

const WORKER = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "./dev-worker.ts" : "./dev-worker.js", import.meta.url),
);

interface Worker {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  port: number;
  metricsPort: number | undefined;
}

/** Files under `dir` (skipping dot-folders and node_modules), sorted. */
async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out.sort();
}

function loaderOf(ext: string): "ts" | "tsx" | "js" | "jsx" | undefined {
  if (ext === ".ts" || ext === ".mts") return "ts";
  if (ext === ".tsx") return "tsx";
  if (ext === ".js" || ext === ".mjs") return "js";
  if (ext === ".jsx") return "jsx";
  return undefined;
}

export interface SourceCheck {
  /** The first syntax error, with its code frame. */
  readonly problem: DevProblem | undefined;
  /** SHA-256 over every file's name and content: equal digests, nothing to reload. */
  readonly digest: string;
}

/**
 * Reads the app's files: a digest of them all, and the first syntax error in its
 * sources (types are the editor's and `tsc`'s job: tsx does not check them either).
 */
export async function checkSources(root: string, appDir: string): Promise<SourceCheck> {
  const esbuild = await import("esbuild");
  const hash = createHash("sha256");
  let problem: DevProblem | undefined;
  for (const file of await files(appDir)) {
    const code = await readFile(file, "utf8");
    hash.update(`${file}\0${code}\0`);
    const loader = file.endsWith(".d.ts") ? undefined : loaderOf(extname(file));
    if (problem !== undefined || loader === undefined) continue;
    try {
      await esbuild.transform(code, {
        loader,
        jsx: "automatic",
        jsxImportSource: "vango",
        sourcefile: file,
        logLevel: "silent",
      });
    } catch (err) {
      const e = (
        err as { errors?: { text: string; location?: { line: number; column: number } }[] }
      ).errors?.[0];
      const where = e?.location;
      const rel = relative(root, file);
      problem = {
        code: "compile_error",
        message: e?.text ?? String(err),
        location: where === undefined ? rel : `${rel}:${where.line}:${where.column + 1}`,
        frame: where === undefined ? undefined : codeFrame(code, where.line, where.column + 1),
      };
    }
  }
  return { problem, digest: hash.digest("hex") };
}

/** A worker process, started ahead of need; `go()` makes it import and serve the app. */
interface Spare {
  readonly worker: Worker;
  /** Resolves with the problem, or `undefined` once the worker serves. */
  go(): Promise<DevProblem | undefined>;
}

function startWorker(root: string): Spare {
  const child = fork(WORKER, [], {
    cwd: root,
    execArgv: ["--import", import.meta.resolve("tsx")],
    env: { ...process.env, VANGO_DEV_EVENTS: DEV_EVENTS_PATH },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const worker: Worker = { child, exited, port: 0, metricsPort: undefined };
  let onWarm: () => void = () => {};
  const warm = new Promise<void>((ok) => {
    onWarm = ok;
  });
  let settle: (p: DevProblem | undefined) => void = () => {};
  const outcome = new Promise<DevProblem | undefined>((ok) => {
    settle = ok;
  });
  child.on("message", (m: WorkerMessage) => {
    if (m.type === "warm") onWarm();
    else if (m.type === "ready") {
      worker.port = m.port;
      worker.metricsPort = m.metricsPort;
      settle(undefined);
    } else settle(m.problem);
  });
  child.once("exit", (code) => {
    onWarm();
    settle({ code: "startup_error", message: `the app exited (${code}) while starting` });
  });
  return {
    worker,
    async go() {
      await warm;
      if (child.connected) child.send({ type: "start" } satisfies StartMessage);
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        settle({
          code: "startup_error",
          message: `the app did not start within ${WORKER_START_MS} ms`,
        });
      }, WORKER_START_MS);
      const out = await outcome;
      clearTimeout(timer);
      return out;
    },
  };
}

/**
 * @example const d = await dev({ root: process.cwd(), port: 3000, metricsPort: 9464, host: "127.0.0.1" });
 */
export async function dev(o: DevOptions): Promise<DevServer> {
  const p = project(o.root);
  const proxy = new DevProxy();
  const port = await proxy.listen(o.port, o.host);
  let current: Worker | undefined;
  let spare: Spare | undefined;
  /** The digest of the app's files last tried (whether they started or not). */
  let loaded: string | undefined;
  let closeMetrics: (() => Promise<void>) | undefined;
  let metricsPort: number | undefined;
  if (o.metricsPort !== false) {
    // The workers' metrics listeners come and go with them: this port stays.
    const { createServer } = await import("node:http");
    const srv = createServer((req, res) => {
      if (current?.metricsPort === undefined) res.writeHead(503).end();
      else forward(req, res, current.metricsPort);
    });
    srv.listen(o.metricsPort, o.host);
    await new Promise((ok) => srv.once("listening", ok));
    metricsPort = (srv.address() as { port: number }).port;
    closeMetrics = () => new Promise<void>((ok) => srv.close(() => ok()));
  }

  const report = (problem: DevProblem) => {
    process.stderr.write(`\n${red(bold("✗"))} ${formatProblem(problem)}\n\n`);
    proxy.problem(problem);
  };

  /** One reload at a time; edits during one schedule exactly one more. */
  let running: Promise<void> | undefined;
  let again = false;
  const reload = async (why: string): Promise<void> => {
    const t0 = performance.now();
    // A page added or removed: the typed manifest follows (unchanged text is not rewritten).
    await refreshRoutesManifest(p.root);
    const check = await checkSources(p.root, p.appDir);
    // Editors write a file more than once, or touch it unchanged: one load per version.
    if (check.digest === loaded) return;
    loaded = check.digest;
    if (check.problem !== undefined) {
      report(check.problem);
      return;
    }
    // The spare has Vango loaded already; the next one warms up while this one starts.
    const next =
      spare !== undefined && spare.worker.child.exitCode === null ? spare : startWorker(p.root);
    spare = startWorker(p.root);
    const { worker } = next;
    const failed = await next.go();
    if (failed !== undefined) {
      worker.child.kill("SIGKILL");
      report(failed);
      return;
    }
    const old = current;
    current = worker;
    proxy.target = worker.port;
    proxy.ok();
    const ms = Math.round(performance.now() - t0);
    process.stdout.write(`${green("✓")} ${why} ${dim(`(${ms} ms)`)}\n`);
    // Checkpoints its sessions, then closes their sockets: the pages resume on `worker`.
    if (old !== undefined) {
      old.child.kill("SIGTERM");
      await old.exited;
    }
  };
  const schedule = (why: string): void => {
    if (running !== undefined) {
      again = true;
      return;
    }
    running = reload(why).finally(() => {
      running = undefined;
      if (again) {
        again = false;
        schedule("reloaded");
      }
    });
  };

  await reload("started");
  process.stdout.write(
    `${bold("vango dev")} on ${cyan(`http://${o.host}:${port}`)}` +
      (metricsPort === undefined
        ? ""
        : dim(`, metrics on http://${o.host}:${metricsPort}/metrics`)) +
      "\n",
  );

  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    const files = [...pending];
    pending.clear();
    const css = files.filter((f) => f.startsWith(`public${sep}`) && f.endsWith(".css"));
    for (const f of css) {
      process.stdout.write(`${green("✓")} ${f} ${dim("(swapped in place)")}\n`);
      proxy.css(`/${f.slice("public/".length).split(sep).join("/")}`);
    }
    const code = files.filter((f) => f.startsWith(`app${sep}`));
    // Editors' temporary files (written, then renamed over the real one) are not named.
    const named = code.filter((f) => existsSync(join(p.root, f)));
    if (code.length > 0) schedule(named.length > 0 ? `reloaded ${named.join(", ")}` : "reloaded");
  };
  const onChange = (base: string) => (_: string, name: string | null) => {
    if (name === null) return;
    pending.add(join(base, name));
    clearTimeout(timer);
    timer = setTimeout(flush, SETTLE_MS);
  };
  const watchers = [watch(p.appDir, { recursive: true }, onChange("app"))];
  if (p.publicDir !== undefined) {
    watchers.push(watch(p.publicDir, { recursive: true }, onChange("public")));
  }

  return {
    port,
    metricsPort,
    async close() {
      for (const w of watchers) w.close();
      clearTimeout(timer);
      await running;
      spare?.worker.child.kill("SIGTERM");
      if (current !== undefined) {
        current.child.kill("SIGTERM");
        await current.exited;
      }
      await closeMetrics?.();
      await proxy.close();
    },
  };
}
