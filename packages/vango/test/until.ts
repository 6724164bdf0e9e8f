/**
 * Polls `cond` every 5 ms until it holds; throws after `ms`. For what happens elsewhere —
 * on the server's side of a socket, on a timer, across Redis: a fixed sleep assumes it is
 * done, and a busy machine can stall a process past any short sleep.
 */
export async function until(
  cond: () => boolean | Promise<boolean>,
  ms = 5_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
