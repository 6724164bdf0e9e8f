/**
 * The bookkeeping a live root shares with its instances: dirty queue, pending `onMount`
 * callbacks, cleanup errors deferred to the end of the render phase, fiber ids, and
 * when to tell the session that a flush is needed.
 */
import type { Owner } from "../reactive/index.ts";
import type { Instance } from "./instance.ts";
import type { MountEnv } from "./mount-fiber.ts";
import { PendingTasks } from "./pending-tasks.ts";
import type { StateSlots } from "./state-slots.ts";

export class RootState implements MountEnv {
  readonly rootOwner: Owner | null;
  /**
   * Instances in the order they went dirty, each at most once (`Instance.queued`); one
   * cleaned since stays until the next flush skips it. A set would allocate a new hash
   * table on nearly every delete, which then lives until the next event.
   */
  readonly queue: Instance[] = [];
  /** How many instances are dirty. */
  dirtyCount = 0;
  mounts: Instance[] = [];
  deferred: unknown[] | null = null;
  /** While mounting/flushing, `onDirty` is held back until the end. */
  busy = false;
  /** Something became dirty while busy. */
  notify = false;
  readonly tasks = new PendingTasks();
  hiddenRegions = 0;
  readonly state: StateSlots | null;
  /** The render phase of a flush is running (boundary flips join it). */
  rendering = false;
  /** Boundaries that flipped during the render phase, for its later passes. */
  flips: Instance[] = [];
  #fid = 0;
  readonly #onDirty: () => void;

  constructor(rootOwner: Owner | null, onDirty: () => void, state: StateSlots | null) {
    this.rootOwner = rootOwner;
    this.#onDirty = onDirty;
    this.state = state;
  }

  nextFid(): number {
    return ++this.#fid;
  }

  invalidate(inst: Instance): void {
    if (inst.disposed) return;
    this.#markDirty(inst);
    if (this.busy) this.notify = true;
    else this.#onDirty();
  }

  clean(inst: Instance): void {
    if (!inst.dirty) return;
    inst.dirty = false;
    if (--this.dirtyCount === 0 && !this.busy) this.dropQueue();
  }

  keepDirty(inst: Instance): void {
    this.#markDirty(inst);
  }

  #markDirty(inst: Instance): void {
    if (inst.dirty) return;
    inst.dirty = true;
    this.dirtyCount++;
    if (!inst.queued) {
      inst.queued = true;
      this.queue.push(inst);
    }
  }

  /**
   * Takes the first `n` queued instances for a flush, shallowest first (stable): they
   * count as no longer queued, so one that goes dirty again is queued anew.
   */
  takeQueued(n: number): void {
    const q = this.queue;
    for (let i = 0; i < n; i++) q[i]!.queued = false;
    sortByDepth(q, n);
  }

  /**
   * After a flush (done or failed): keeps the queued instances still dirty, once each, in
   * queue order, and lets go of the others.
   */
  compactQueue(): void {
    const q = this.queue;
    for (let i = 0; i < q.length; i++) q[i]!.queued = false;
    let k = 0;
    for (let i = 0; i < q.length; i++) {
      const inst = q[i]!;
      if (!inst.dirty || inst.disposed || inst.queued) continue;
      inst.queued = true;
      q[k++] = inst;
    }
    // `pop`, not `length = k`: truncating to 0 would drop the backing store.
    while (q.length > k) q.pop();
  }

  /** Forgets every queued instance (none is dirty). */
  dropQueue(): void {
    const q = this.queue;
    while (q.length > 0) q.pop()!.queued = false;
  }

  /** Forgets every queued instance, dirty or not (the root is going away). */
  clearQueue(): void {
    const q = this.queue;
    while (q.length > 0) {
      const inst = q.pop()!;
      inst.queued = false;
      inst.dirty = false;
    }
    this.dirtyCount = 0;
  }

  queueMount(inst: Instance): void {
    this.mounts.push(inst);
  }

  flip(inst: Instance): void {
    if (inst.disposed) return;
    this.invalidate(inst);
    if (this.rendering) this.flips.push(inst);
  }

  defer(error: unknown): void {
    if (this.deferred === null) this.deferred = [error];
    else this.deferred.push(error);
  }

  /** Calls `onDirty` if instances went dirty while busy (after a successful pass). */
  notifyIfDirty(): void {
    const pending = this.notify;
    this.notify = false;
    if (pending && this.dirtyCount > 0) this.#onDirty();
  }
}

/** Stable in-place sort of `list[0…n)` by depth: insertion sort for the usual few. */
function sortByDepth(list: Instance[], n: number): void {
  if (n > 32) {
    const sorted = list.slice(0, n).sort((a, b) => a.depth - b.depth);
    for (let i = 0; i < n; i++) list[i] = sorted[i]!;
    return;
  }
  for (let i = 1; i < n; i++) {
    const inst = list[i]!;
    let j = i - 1;
    while (j >= 0 && list[j]!.depth > inst.depth) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = inst;
  }
}
