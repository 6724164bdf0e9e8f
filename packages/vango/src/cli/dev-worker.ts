/**
 * `vango dev`'s worker: one process per version of the app's code, run with tsx (so
 * TS/TSX needs no build step) on a spare port behind the dev server's proxy. It starts
 * ahead of need: once Vango itself is loaded it says `warm` and waits; on `start` it
 * imports the app's modules as they are then, serves them, and says `ready` or `failed`.
 * SIGTERM checkpoints its sessions and exits, so the next worker resumes every open page
 * from its checkpoint with the new code.
 */
import { pathToFileURL } from "node:url";
import { fileRoutes } from "../routing/file-routes.ts";
import { describeError } from "../server/core/dev-report.ts";
import type { AppSetup } from "./app-setup.ts";
import { devLogger } from "./dev-logger.ts";
import type { StartMessage, WorkerMessage } from "./dev-messages.ts";
import { project } from "./project.ts";
import { type RunningServer, runServer } from "./run-server.ts";

const send = (m: WorkerMessage): void => {
  process.send?.(m);
};

async function main(): Promise<void> {
  await new Promise<void>((ok) => {
    process.on("message", (m: StartMessage) => {
      if (m.type === "start") ok();
    });
    send({ type: "warm" });
  });
  const p = project(process.cwd());
  let server: RunningServer;
  try {
    const routes = await fileRoutes(p.routesDir);
    const setup =
      p.setupFile === undefined
        ? undefined
        : ((await import(pathToFileURL(p.setupFile).href)) as { default?: AppSetup }).default;
    server = await runServer({
      root: p.root,
      name: p.name,
      routes,
      setup,
      publicDir: p.publicDir,
      clientDir: p.clientDir,
      dev: { eventsUrl: process.env.VANGO_DEV_EVENTS ?? "/_vango/dev/events" },
      port: 0,
      metricsPort: 0,
      logger: devLogger(),
    });
  } catch (err) {
    const r = describeError(err, "internal_error");
    const code = (err as { code?: unknown }).code;
    send({
      type: "failed",
      problem: {
        code: typeof code === "string" ? code : "startup_error",
        message: r.message,
        location: r.location,
        stack: r.stack,
      },
    });
    process.exit(1);
  }
  send({ type: "ready", port: server.port, metricsPort: server.metricsPort });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
  // The dev server went away without a word (killed): do not outlive it.
  process.once("disconnect", () => void stop());
}

await main();
