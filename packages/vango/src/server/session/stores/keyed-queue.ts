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
