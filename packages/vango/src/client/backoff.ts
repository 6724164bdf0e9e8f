/**
 * Reconnect delays: exponential backoff with full jitter (a uniform draw in
 * [0, min(cap, base · 2^attempt))), which spreads a server restart's reconnect storm
 * evenly instead of in synchronized waves.
 */

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 10_000;

/**
 * Delay before reconnect attempt `attempt` (0 for the first retry).
 * @example
 * setTimeout(connect, backoffDelay(failures));
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
}
