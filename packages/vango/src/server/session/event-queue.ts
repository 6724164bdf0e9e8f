/**
 * A per-session FIFO that runs one task at a time: a task that returns a promise holds
 * the queue until it settles, so two handlers of one session never interleave (their
 * awaits included), while sessions have independent queues and run concurrently.
 */

/** Runs one task; `ctx` is the queue's. */
export type TaskRunner<T, C = undefined> = (item: T, ctx: C) => void | Promise<void>;

export class EventQueue<T, C = undefined> {
  readonly #run: TaskRunner<T, C>;
  readonly #onError: (err: unknown, item: T, ctx: C) => void;
  readonly #max: number;
  readonly #ctx: C;
  #items: T[] = [];
  #head = 0;
  #running = false;
  #closed = false;
  /** Created on the first `whenIdle()` that has to wait (most queues never do). */
  #idle: (() => void)[] | null = null;

  /**
   * `ctx` is passed on to `run` and `onError`, so an owner can hand over shared
   * functions instead of allocating two closures per queue.
   * @example const q = new EventQueue<number>(async (n) => handle(n), (e) => log(e), 256);
   */
  constructor(
    run: TaskRunner<T, C>,
    onError: (err: unknown, item: T, ctx: C) => void,
    max: number,
    ctx?: C,
  ) {
    this.#run = run;
    this.#onError = onError;
    this.#max = max;
    this.#ctx = ctx as C;
  }

  /** Number of tasks waiting (not counting the running one). */
  get length(): number {
    return this.#items.length - this.#head;
  }

  get running(): boolean {
    return this.#running;
  }

  /**
   * Enqueues; returns `false` (and drops the task) when `max` tasks are already waiting.
   * An idle queue runs the task at once, before returning (no array, no promise): a
   * synchronous task is done when `push` returns.
   */
  push(item: T): boolean {
    if (this.#closed) return false;
    if (this.#running) {
      if (this.length >= this.#max) return false;
      this.#items.push(item);
      return true;
    }
    this.#running = true;
    if (this.#step(item)) this.#drain();
    return true;
  }

  /** Resolves when the queue is empty and no task runs. */
  whenIdle(): Promise<void> {
    if (!this.#running && this.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.#idle === null) this.#idle = [];
      this.#idle.push(resolve);
    });
  }

  /** Drops waiting tasks and refuses new ones; a running task finishes. */
  close(): void {
    this.#closed = true;
    this.#items = [];
    this.#head = 0;
  }

  /** Runs one task; `false` when it went async (its settlement resumes the queue). */
  #step(item: T): boolean {
    let r: void | Promise<void>;
    try {
      r = this.#run(item, this.#ctx);
    } catch (err) {
      this.#onError(err, item, this.#ctx);
      return true;
    }
    if (r === undefined) return true;
    r.then(
      () => this.#drain(),
      (err: unknown) => {
        this.#onError(err, item, this.#ctx);
        this.#drain();
      },
    );
    return false;
  }

  /** Runs waiting tasks until one goes async or none is left. */
  #drain(): void {
    while (this.#head < this.#items.length) {
      const item = this.#items[this.#head]!;
      this.#head++;
      if (this.#head > 64 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      if (!this.#step(item)) return;
    }
    if (this.#items.length > 0) this.#items.length = 0;
    this.#head = 0;
    this.#running = false;
    const idle = this.#idle;
    if (idle !== null) {
      this.#idle = null;
      for (const f of idle) f();
    }
  }
}
