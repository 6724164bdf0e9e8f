/**
 * Error reports for developers: what failed (code and message), where in the app's
 * source, and in which components. In `devMode` the runtime sends this text with the
 * error — in the Error frame's `message` (the dev overlay and the browser console show
 * it) and on the error page of a failed page GET; in production nothing of it leaves
 * the server (the frame's message stays empty, the page is the plain coded one).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { ErrorCode } from "../../protocol/errors.ts";
import { codeFrame } from "./code-frame.ts";

/**
 * Vango's own source or build folder: frames in it are not "where in the app". (A path,
 * not `new URL`: the global `URL` may be a DOM shim's in test environments.)
 */
const OWN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..") + sep;

/** Components the runtime wraps every page in; not part of the app's component stack. */
const INTERNAL_COMPONENTS: ReadonlySet<string> = new Set(["SessionScope"]);

/** Longest report sent (the frame and the page stay small whatever the stack). */
const MAX_REPORT = 8 * 1024;

/** The parts of a report, for tests and for structured logs. */
export interface DevReport {
  readonly code: ErrorCode;
  readonly message: string;
  /** `file:line:column` of the first stack frame in the app's code, when one is found. */
  readonly location: string | undefined;
  /** Innermost component first. */
  readonly componentStack: readonly string[];
  readonly stack: string | undefined;
}

/**
 * @example describeError(new Error("boom"), "handler_error").message // "boom"
 */
export function describeError(err: unknown, code: ErrorCode): DevReport {
  const cause = innermost(err);
  let message = err instanceof Error ? err.message : String(err);
  // Vango's coded errors start their message with their code; the report says it once.
  const own = (err as { code?: unknown } | null)?.code;
  if (typeof own === "string" && message.startsWith(`${own}: `)) {
    message = message.slice(own.length + 2);
  }
  const stack = cause instanceof Error ? cause.stack : undefined;
  const components = (err as { componentStack?: readonly string[] } | null)?.componentStack ?? [];
  return {
    code,
    message,
    location: stack === undefined ? undefined : appFrame(stack),
    componentStack: components.filter((c) => !INTERNAL_COMPONENTS.has(c)),
    stack,
  };
}

/**
 * The report as the text the browser shows (overlay, console, error page).
 * @example formatReport(describeError(err, "handler_error"))
 * // "handler_error: boom\n    at app/routes/index.tsx:12:9\n…"
 */
export function formatReport(r: DevReport): string {
  let out = `${r.code}: ${r.message}`;
  if (r.location !== undefined) out += `\n    at ${r.location}`;
  if (r.componentStack.length > 0) out += `\ncomponent stack: ${r.componentStack.join(" ← ")}`;
  const frame = r.location === undefined ? undefined : frameAt(r.location);
  if (frame !== undefined) out += `\n\n${frame}`;
  if (r.stack !== undefined) out += `\n\n${r.stack}`;
  return out.length > MAX_REPORT ? `${out.slice(0, MAX_REPORT)}\n…` : out;
}

/**
 * The code frame at `file:line:column` (relative to the working directory or absolute),
 * read from the disk: only reports for developers (devMode) are formatted, and the file
 * is the app's own source, small.
 */
function frameAt(location: string): string | undefined {
  const m = /^(.*):(\d+):(\d+)$/.exec(location);
  if (m === null) return undefined;
  try {
    return codeFrame(readFileSync(resolve(m[1]!), "utf8"), Number(m[2]), Number(m[3]));
  } catch {
    return undefined;
  }
}

/** Follows `cause` links to the error user code threw. */
function innermost(err: unknown): unknown {
  let e = err;
  for (let i = 0; i < 8 && e instanceof Error && e.cause !== undefined; i++) e = e.cause;
  return e;
}

/** The first frame outside node_modules, Node's internals and Vango itself. */
function appFrame(stack: string): string | undefined {
  for (const line of stack.split("\n")) {
    const m = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (m === null || !line.trimStart().startsWith("at ")) continue;
    let file = m[1]!;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    if (file.startsWith("node:") || file.includes(`${sep}node_modules${sep}`)) continue;
    if (file.startsWith(OWN_DIR)) continue;
    const cwd = process.cwd() + sep;
    return `${file.startsWith(cwd) ? file.slice(cwd.length) : file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
