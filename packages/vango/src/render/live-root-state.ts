/**
 * The bookkeeping a live root shares with its instances: dirty set, pending `onMount`
 * callbacks, cleanup errors deferred to the end of the render phase, fiber ids, and
 * when to tell the session that a flush is needed.
 */
import type { Owner } from "../reactive/index.ts";
import type { Instance } from "./instance.ts";
import type { MountEnv } from "./mount-fiber.ts";

export class RootState implements MountEnv {
  readonly rootOwner: Owner | null;
  readonly dirty = new Set<Instance>();
  mounts: Instance[] = [];
  deferred: unknown[] | null = null;
  /** While mounting/flushing, `onDirty` is held back until the end. */
  busy = false;
  /** Something became dirty while busy. */
  notify = false;
  #fid = 0;
  readonly #onDirty: () => void;

  constructor(rootOwner: Owner | null, onDirty: () => void) {
    this.rootOwner = rootOwner;
    this.#onDirty = onDirty;
  }

  nextFid(): number {
    return ++this.#fid;
  }

  invalidate(inst: Instance): void {
    if (inst.disposed) return;
    if (!inst.dirty) {
      inst.dirty = true;
      this.dirty.add(inst);
    }
    if (this.busy) this.notify = true;
    else this.#onDirty();
  }

  clean(inst: Instance): void {
    this.dirty.delete(inst);
  }

  keepDirty(inst: Instance): void {
    inst.dirty = true;
    this.dirty.add(inst);
  }

  queueMount(inst: Instance): void {
    this.mounts.push(inst);
  }

  defer(error: unknown): void {
    if (this.deferred === null) this.deferred = [error];
    else this.deferred.push(error);
  }

  /** Calls `onDirty` if instances went dirty while busy (after a successful pass). */
  notifyIfDirty(): void {
    const pending = this.notify;
    this.notify = false;
    if (pending && this.dirty.size > 0) this.#onDirty();
  }
}
