/**
 * The CLI's coded errors: misuse and failed steps end the command with a non-zero exit
 * and one line `vango: <code>: <message>`, never a stack trace.
 */

export const CliErrorCode = {
  /** Unknown command, unknown flag, missing or extra argument. */
  usage: "cli_usage",
  /** `create` into a folder that exists and is not empty. */
  target_exists: "cli_target_exists",
  /** The working directory is not a Vango app (no `app/routes/`). */
  not_an_app: "cli_not_an_app",
  /** `gen` would overwrite a file. */
  file_exists: "cli_file_exists",
  /** TypeScript/TSX that does not compile (`build`, `dev`'s first start). */
  compile_failed: "cli_compile_failed",
  /**
   * `start` without a `vango build` output, or with a `dist/client/` whose files do not
   * match its manifest.
   */
  not_built: "cli_not_built",
  /** The app failed while starting (its modules threw, or `createApp` refused its options). */
  start_failed: "cli_start_failed",
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/** Exit status for misuse (as `sysexits.h` `EX_USAGE`); 1 for every other failure. */
export const EXIT_USAGE = 64;

export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = "CliError";
    this.code = code;
  }

  get exitCode(): number {
    return this.code === CliErrorCode.usage ? EXIT_USAGE : 1;
  }
}
