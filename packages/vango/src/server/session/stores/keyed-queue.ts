/**
 * Per-key ordering for stores whose backend could reorder calls: two files renamed into
 * place, two statements on two pooled Postgres connections. Tasks for one key run one
 * after another in call order; tasks for different keys run concurrently. (Redis needs
 * none: one connection executes commands in the order they were sent.)
 */

const settled = (): void => {};

/**
 * @example
 * const queue = new KeyedQueue();
 * queue.run(id, () => writeFile(id, v1));
 * await queue.run(id, () => writeFile(id, v2)); // starts after the first one settled
 */
export class KeyedQueue {
  /** key → a promise that settles (never rejects) when the key's last task has. */
  readonly #tails = new Map<string, Promise<void>>();

  /** Keys with a task queued or running. */
  get size(): number {
    return this.#tails.size;
  }

  /** Runs `task` once every earlier task for `key` has settled; its result is passed through. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key);
    const result = prev === undefined ? start(task) : prev.then(task);
    const tail = result.then(settled, settled);
    this.#tails.set(key, tail);
    tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /**
   * Runs `task` once every earlier task for each of `keys` has settled; later tasks for
   * any of them wait for it (a batch write that must keep each id's order).
   */
  runMany<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const before: Promise<void>[] = [];
    for (const k of keys) {
      const t = this.#tails.get(k);
      if (t !== undefined) before.push(t);
    }
    const result = before.length === 0 ? start(task) : Promise.all(before).then(task);
    const tail = result.then(settled, settled);
    for (const k of keys) this.#tails.set(k, tail);
    tail.then(() => {
      for (const k of keys) if (this.#tails.get(k) === tail) this.#tails.delete(k);
    });
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}

function start<T>(task: () => Promise<T>): Promise<T> {
  try {
    return task();
  } catch (e) {
    return Promise.reject(e);
  }
}
