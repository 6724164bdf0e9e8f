/**
 * `vango dev`'s logger: one readable line per entry (time, level, message, fields) and
 * an error's stack below it, instead of production's JSON lines.
 */
import type { Logger } from "../server/core/logger.ts";
import { dim, red, yellow } from "./term.ts";

const LEVEL = { debug: dim("debug"), info: "info ", warn: yellow("warn "), error: red("error") };

/** Fields too long for a line that the JSON logs of production keep. */
const DROPPED = new Set(["headers", "request_id", "config_warning"]);

function line(level: keyof typeof LEVEL, obj: object, msg?: string): string {
  const { err, ...all } = obj as { err?: unknown };
  const rest = Object.fromEntries(Object.entries(all).filter(([k]) => !DROPPED.has(k)));
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const time = new Date().toISOString().slice(11, 19);
  let out = `${dim(time)} ${LEVEL[level]} ${msg ?? ""}${fields === "" ? "" : ` ${dim(fields)}`}\n`;
  if (err instanceof Error) out += `${err.stack ?? err.message}\n`;
  else if (err !== undefined) out += `${String(err)}\n`;
  return out;
}

/**
 * `debug` lines and request lines only with `VANGO_DEBUG=1`; the devMode warning never
 * (`vango dev` is devMode by definition).
 */
export function devLogger(): Logger {
  const debug = process.env.VANGO_DEBUG === "1";
  return {
    debug: (o, m) => {
      if (debug) process.stdout.write(line("debug", o, m));
    },
    info: (o, m) => {
      if (debug || m !== "request") process.stdout.write(line("info", o, m));
    },
    warn: (o, m) => {
      if ((o as { config_warning?: unknown }).config_warning === "dev_mode") return;
      process.stderr.write(line("warn", o, m));
    },
    error: (o, m) => process.stderr.write(line("error", o, m)),
  };
}
