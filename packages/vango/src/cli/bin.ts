#!/usr/bin/env node
/**
 * The `vango` command: `create`, `dev`, `build`, `start`, `gen`, `add`. Misuse exits 64 with
 * `vango: cli_usage: …`, other failures exit 1 with their code; `--help` everywhere.
 */
import { parseArgs } from "node:util";
import { UiRegistryError } from "../ui-registry/registry-error.ts";
import { add } from "./add.ts";
import { build } from "./build.ts";
import { CliError, CliErrorCode } from "./cli-error.ts";
import { create, TEMPLATES, type Template } from "./create.ts";
import { dev } from "./dev.ts";
import { GEN_KINDS, type GenKind, gen, genRoutes } from "./gen.ts";
import { start } from "./start.ts";
import { bold, cyan, dim, green, red } from "./term.ts";

const HELP: Readonly<Record<string, string>> = {
  "": `${bold("vango")} — server-driven web UI for TypeScript

Usage: vango <command> [options]

Commands:
  create <dir>      a new app (--template minimal|full)
  dev               run the app with reload on edit, state kept
  build             compile the app into dist/
  start             run dist/ with plain node in production mode
  gen <kind> <name> add a route, component or middleware; \`gen routes\`: typed routes
  add <names…>      copy VangoUI components into the app (init, --check, upgrade, list)

Run \`vango <command> --help\` for a command's options.`,
  create: `Usage: vango create <dir> [--template minimal|full] [--vango <spec>]

Creates <dir> (which must be empty or missing) from a template:
  minimal   one page with a counter, a stylesheet, a browserless test (default)
  full      + a layout, a validated form stored in Postgres, sign-in, a Chromium test
--vango <spec>   the vango dependency in package.json (default: file: this package)`,
  dev: `Usage: vango dev

Serves the app in ./app on http://127.0.0.1:$PORT (default 3000), metrics on
127.0.0.1:$METRICS_PORT (default 9464; METRICS_PORT=off for none). Edits under app/
re-render every open page without a reload, keeping its state; edits of public/*.css
apply in place; errors show in the terminal and in an overlay in the page.`,
  build: `Usage: vango build

Compiles app/ into dist/server.js, writes the route manifest dist/routes.json and the
browser client, precompressed, into dist/client/.`,
  start: `Usage: vango start

Runs dist/ (from \`vango build\`) with plain node and NODE_ENV=production on
$HOST:$PORT (default 127.0.0.1:3000), metrics on 127.0.0.1:$METRICS_PORT (default 9464;
off for none). VANGO_SECRET is required; sessions are kept in VANGO_STATE_DIR
(default .vango).`,
  gen: `Usage: vango gen route <path> | component <Name> | middleware <path> | routes

  route items/[id]     app/routes/items/[id].tsx, a page with a typed param
  component UserCard   app/components/user-card.tsx
  middleware admin     app/routes/admin/_middleware.ts
  routes               app/routes.gen.ts: Href, href() and Link typed by the routes`,
  add: `Usage: vango add init [--dir <path>] [--css <path>] | <names…> | --check [names…]
       | upgrade [names…] | list

Copies VangoUI components into the app, which then owns them:
  init           vango-ui.json (where files go: --dir, default app/components/ui; --css,
                 default public/vango-ui.css), cn() and the variant types, the stylesheet
  <names…>       the components and everything they need (data-table: button, input, …)
  --check        lists each copy: current, outdated, changed here, foreign or missing;
                 exits 1 unless all are current
  upgrade        rewrites untouched, outdated copies with this version's
  list           every component, ✓ when the app has it
Every copy starts with a header (component, version, SHA-256 of the file as copied). A
file changed since it was copied, or one without the header, is never overwritten: it
is reported, and the command exits 1 after doing the rest.`,
};

function usage(message: string): never {
  throw new CliError(CliErrorCode.usage, message);
}

/** `PORT`-style variable: a port number, or `off` for none. */
function portFrom(name: string, fallback: number, allowOff: boolean): number | false {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  if (allowOff && v === "off") return false;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) usage(`${name} must be a port number, not ${v}`);
  return n;
}

/** Runs until SIGINT/SIGTERM, then closes gracefully. */
function untilSignal(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${dim(`${signal}: shutting down`)}\n`);
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${red("vango:")} ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

export async function main(argv: readonly string[]): Promise<void> {
  const [command = "", ...rest] = argv;
  if (command === "" || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${HELP[""]}\n`);
    return;
  }
  if (!(command in HELP)) usage(`unknown command ${JSON.stringify(command)} (see vango --help)`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        ...(command === "create"
          ? { template: { type: "string", short: "t" }, vango: { type: "string" } }
          : {}),
        ...(command === "add"
          ? { check: { type: "boolean" }, dir: { type: "string" }, css: { type: "string" } }
          : {}),
      },
    });
  } catch (err) {
    usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(`${HELP[command]}\n`);
    return;
  }
  const cwd = process.cwd();
  const host = process.env.HOST || "127.0.0.1";
  switch (command) {
    case "create": {
      if (positionals.length !== 1) usage("create takes one folder: vango create <dir>");
      const template = (values.template ?? "minimal") as Template;
      if (!TEMPLATES.includes(template)) usage(`--template must be one of ${TEMPLATES.join(", ")}`);
      const out = await create({
        dir: positionals[0]!,
        template,
        vango: values.vango as string | undefined,
      });
      process.stdout.write(
        `${green("✓")} created ${out.dir} (${template}, ${out.files.length} files)\n\n` +
          `  cd ${positionals[0]}\n  npm install\n  npm run dev\n`,
      );
      return;
    }
    case "dev": {
      if (positionals.length > 0) usage("dev takes no arguments");
      const d = await dev({
        root: cwd,
        port: portFrom("PORT", 3000, false) as number,
        metricsPort: portFrom("METRICS_PORT", 9464, true),
        host,
      });
      untilSignal(d.close);
      return;
    }
    case "build": {
      if (positionals.length > 0) usage("build takes no arguments");
      const out = await build(cwd);
      process.stdout.write(
        `${green("✓")} built ${out.routes} routes into dist/ ${dim(`(client ${out.clientBytes} B brotli)`)}\n`,
      );
      return;
    }
    case "start": {
      if (positionals.length > 0) usage("start takes no arguments");
      const s = await start({
        root: cwd,
        port: portFrom("PORT", 3000, false) as number,
        metricsPort: portFrom("METRICS_PORT", 9464, true),
        host,
      });
      process.stdout.write(
        `Vango app on ${cyan(`http://${host}:${s.port}`)}` +
          (s.metricsPort === undefined
            ? ""
            : `, metrics on http://127.0.0.1:${s.metricsPort}/metrics`) +
          "\n",
      );
      untilSignal(s.close);
      return;
    }
    case "gen": {
      const [kind, name, ...extra] = positionals;
      if (kind === "routes") {
        if (name !== undefined) usage("gen routes takes no name");
        const file = await genRoutes(cwd);
        process.stdout.write(`${green("✓")} wrote ${file}\n`);
        return;
      }
      if (!GEN_KINDS.includes(kind as GenKind) || name === undefined || extra.length > 0) {
        usage(`gen takes ${GEN_KINDS.join("|")} <name>, or routes`);
      }
      const file = await gen(cwd, kind as GenKind, name);
      process.stdout.write(`${green("✓")} wrote ${file}\n`);
      return;
    }
    case "add": {
      add({
        cwd,
        args: positionals,
        check: values.check === true,
        dir: values.dir as string | undefined,
        css: values.css as string | undefined,
        write: (line) => process.stdout.write(`${line}\n`),
      });
      return;
    }
  }
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof CliError) {
    process.stderr.write(`${red("vango:")} ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (err instanceof UiRegistryError) {
    process.stderr.write(`${red("vango:")} ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`${red("vango:")} ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
