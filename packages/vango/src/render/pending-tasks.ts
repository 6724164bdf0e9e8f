/**
 * The work a live root is waiting for: fetches of resources created under it and async
 * component setups. A page GET uses it to wait a short budget for fast data (render it
 * inline) before sending the HTML, and to leave slower data to the live session.
 */
import { type ContextScope, currentScope } from "./context.ts";

export class PendingTasks {
  #count = 0;
  #waiters: Array<() => void> | null = null;
  /** Woken by every task that settles (streaming SSR sends each arrival as it comes). */
  #progress: Array<() => void> | null = null;

  /** Tasks in flight. */
  get count(): number {
    return this.#count;
  }

  /** A task started; pair it with exactly one {@link end}. */
  begin(): void {
    this.#count++;
  }

  /** A task settled (or was abandoned); wakes {@link settled} waiters at zero. */
  end(): void {
    if (this.#count === 0) return;
    --this.#count;
    const progress = this.#progress;
    this.#progress = null;
    if (progress !== null) for (const w of progress) w();
    if (this.#count !== 0) return;
    const waiters = this.#waiters;
    this.#waiters = null;
    if (waiters !== null) for (const w of waiters) w();
  }

  /**
   * Resolves `true` as soon as no task is in flight (at once when none is), `false` when
   * `ms` pass first or `stop` aborts. A task that settles makes components dirty: the
   * caller flushes the root before reading its tree, and may wait again for the fetches
   * that render starts.
   */
  settled(ms: number, stop?: AbortSignal): Promise<boolean> {
    return this.#wait(false, ms, stop);
  }

  /**
   * Resolves `true` as soon as any task settles (at once when none is in flight),
   * `false` when `ms` pass first.
   */
  progressed(ms: number): Promise<boolean> {
    return this.#wait(true, ms);
  }

  #wait(any: boolean, ms: number, stop?: AbortSignal): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    if (stop?.aborted === true) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        stop?.removeEventListener("abort", give);
        resolve(true);
      };
      const give = (): void => {
        clearTimeout(timer);
        stop?.removeEventListener("abort", give);
        const list = any ? this.#progress : this.#waiters;
        const at = list === null ? -1 : list.indexOf(done);
        if (at >= 0) list!.splice(at, 1);
        resolve(false);
      };
      const timer = setTimeout(give, ms);
      stop?.addEventListener("abort", give);
      const list = any ? this.#progress : this.#waiters;
      if (list !== null) list.push(done);
      else if (any) this.#progress = [done];
      else this.#waiters = [done];
    });
  }
}

/**
 * The pending-task counter of the live root the calling component belongs to, or null
 * (SSR, which awaits data in place, or no component).
 * @example
 * const tasks = currentPendingTasks(); tasks?.begin(); load().finally(() => tasks?.end());
 */
export function currentPendingTasks(): PendingTasks | null {
  const scope: ContextScope | null = currentScope();
  return scope === null ? null : scope.tasks;
}
