export { codeFrame } from "../server/core/code-frame.ts";

/**
 * What `vango dev`'s worker tells its parent over the IPC channel, and what the parent
 * tells the browser's dev overlay over its event stream.
 */

/** A problem as the terminal and the overlay show it. */
export interface DevProblem {
  /** `compile_error`, `startup_error`: the app cannot run this edit yet. */
  readonly code: string;
  readonly message: string;
  /** `file:line:column` in the app, when known. */
  readonly location?: string | undefined;
  /** Source lines around `location`, the failing one marked with `>`. */
  readonly frame?: string | undefined;
  readonly stack?: string | undefined;
}

export type WorkerMessage =
  /** Vango is loaded; the app's modules are imported on `start` (the parent's word). */
  | { readonly type: "warm" }
  | { readonly type: "ready"; readonly port: number; readonly metricsPort: number | undefined }
  | { readonly type: "failed"; readonly problem: DevProblem };

/** The parent's word to a warm worker: import the app (as it is now) and serve it. */
export interface StartMessage {
  readonly type: "start";
}

export type OverlayMessage =
  /** Show this problem (the page keeps running the last good code). */
  | { readonly type: "problem"; readonly problem: DevProblem }
  /** The app runs the current code: clear any overlay. */
  | { readonly type: "ok" }
  /** A stylesheet changed: reload `<link rel=stylesheet>`s whose path is `path`. */
  | { readonly type: "css"; readonly path: string };

/** The problem as text: `code: message`, where, the code frame, the stack. */
export function formatProblem(p: DevProblem): string {
  let out = `${p.code}: ${p.message}`;
  if (p.location !== undefined) out += `\n    at ${p.location}`;
  if (p.frame !== undefined) out += `\n\n${p.frame}`;
  if (p.stack !== undefined && p.frame === undefined) out += `\n\n${p.stack}`;
  return out;
}
