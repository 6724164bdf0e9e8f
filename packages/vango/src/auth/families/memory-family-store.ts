/**
 * Families in this process only: the default without Redis, and the right store for a
 * single instance. Records expire with their sign-in (swept every minute, unref'd
 * timer); revocations are announced to this process's subscribers synchronously.
 */
import {
  checkId,
  type FamilyStore,
  type RevocationListener,
  type RotateResult,
  Rotation,
} from "./family-store.ts";

interface Family {
  readonly sub: string;
  cur: string;
  prev: string | undefined;
  rotatedAt: number;
  readonly exp: number;
  revoked: boolean;
}

export interface MemoryFamilyStoreOptions {
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
  /** Sweep period in ms (default 60,000; 0: no timer). */
  readonly sweepIntervalMs?: number;
}

/**
 * @example const auth = createAuth({ users, families: new MemoryFamilyStore() });
 */
export class MemoryFamilyStore implements FamilyStore {
  readonly #families = new Map<string, Family>();
  readonly #bySub = new Map<string, Set<string>>();
  readonly #once = new Map<string, number>();
  readonly #listeners = new Set<RevocationListener>();
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryFamilyStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    const every = options.sweepIntervalMs ?? 60_000;
    this.#timer = every > 0 ? setInterval(() => this.sweep(), every).unref() : undefined;
  }

  async create(fam: string, sub: string, jti: string, expMs: number): Promise<void> {
    checkId("family", fam);
    checkId("subject", sub);
    checkId("jti", jti);
    this.#families.set(fam, {
      sub,
      cur: jti,
      prev: undefined,
      rotatedAt: 0,
      exp: expMs,
      revoked: false,
    });
    let set = this.#bySub.get(sub);
    if (set === undefined) {
      set = new Set();
      this.#bySub.set(sub, set);
    }
    set.add(fam);
  }

  async rotate(
    fam: string,
    presented: string,
    next: string,
    graceMs: number,
  ): Promise<RotateResult> {
    const now = this.#now();
    const f = this.#live(fam, now);
    if (f === undefined) return { outcome: Rotation.Unknown, current: undefined };
    if (f.revoked) return { outcome: Rotation.Revoked, current: undefined };
    if (f.cur === presented) {
      f.prev = presented;
      f.cur = next;
      f.rotatedAt = now;
      return { outcome: Rotation.Rotated, current: next };
    }
    if (f.prev === presented && now - f.rotatedAt <= graceMs) {
      return { outcome: Rotation.Grace, current: f.cur };
    }
    this.#revoke(fam, f);
    return { outcome: Rotation.Reused, current: undefined };
  }

  async revoke(fam: string): Promise<boolean> {
    const f = this.#live(fam, this.#now());
    if (f === undefined || f.revoked) return false;
    this.#revoke(fam, f);
    return true;
  }

  async revokeUser(sub: string): Promise<string[]> {
    const out: string[] = [];
    const now = this.#now();
    for (const fam of this.#bySub.get(sub) ?? []) {
      const f = this.#live(fam, now);
      if (f !== undefined && !f.revoked) {
        this.#revoke(fam, f);
        out.push(fam);
      }
    }
    return out;
  }

  async revoked(fams: readonly string[]): Promise<boolean[]> {
    const now = this.#now();
    return fams.map((fam) => this.#live(fam, now)?.revoked === true);
  }

  async useOnce(id: string, ttlMs: number): Promise<boolean> {
    checkId("one-time id", id);
    const now = this.#now();
    const until = this.#once.get(id);
    if (until !== undefined && until > now) return false;
    this.#once.set(id, now + ttlMs);
    return true;
  }

  subscribe(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Forgets expired families and one-time ids; returns how many records went. */
  sweep(): number {
    const now = this.#now();
    let n = 0;
    for (const [fam, f] of this.#families) {
      if (f.exp <= now) {
        this.#drop(fam, f);
        n++;
      }
    }
    for (const [id, until] of this.#once) {
      if (until <= now) {
        this.#once.delete(id);
        n++;
      }
    }
    return n;
  }

  close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
    return Promise.resolve();
  }

  #live(fam: string, now: number): Family | undefined {
    const f = this.#families.get(fam);
    if (f === undefined) return undefined;
    if (f.exp <= now) {
      this.#drop(fam, f);
      return undefined;
    }
    return f;
  }

  #drop(fam: string, f: Family): void {
    this.#families.delete(fam);
    const set = this.#bySub.get(f.sub);
    set?.delete(fam);
    if (set?.size === 0) this.#bySub.delete(f.sub);
  }

  #revoke(fam: string, f: Family): void {
    f.revoked = true;
    for (const l of this.#listeners) l.revoked(fam);
  }
}
