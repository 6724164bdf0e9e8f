/**
 * Terminal output: colours when stdout is a terminal (and `NO_COLOR` is unset, per
 * no-color.org; `FORCE_COLOR` forces them), and timed steps for the long jobs.
 */
import { performance } from "node:perf_hooks";

const enabled = (): boolean =>
  process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0"
    ? true
    : process.env.NO_COLOR === undefined && process.stdout.isTTY === true;

const paint =
  (open: number, close: number) =>
  (s: string): string =>
    enabled() ? `\u001b[${open}m${s}\u001b[${close}m` : s;

export const bold = paint(1, 22);
export const dim = paint(2, 22);
export const red = paint(31, 39);
export const green = paint(32, 39);
export const yellow = paint(33, 39);
export const cyan = paint(36, 39);

/** Prints `label…`, runs `job`, then `✓ label (N ms)` or `✗ label`. */
export async function step<T>(label: string, job: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  process.stdout.write(`${dim("•")} ${label}…\n`);
  try {
    const out = await job();
    process.stdout.write(
      `${green("✓")} ${label} ${dim(`(${Math.round(performance.now() - t0)} ms)`)}\n`,
    );
    return out;
  } catch (err) {
    process.stdout.write(`${red("✗")} ${label}\n`);
    throw err;
  }
}
