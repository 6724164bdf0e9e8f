/**
 * Redis session store, shared by every instance of the app: one key per session
 * (`<prefix><id>`, the checkpoint as a binary string) with a TTL set by `SET … PX`, so
 * Redis itself forgets expired sessions — no sweep. `saveAll` sends its `SET`s as
 * pipelines of 500 (one round trip each instead of one per session; BENCHMARKS.md,
 * "Session state"). Calls on one id keep their order because one connection executes
 * commands in the order they were sent.
 *
 * On Redis Cluster a pipeline must stay within one slot: give the prefix a hash tag
 * (`{vango}:session:`) or use a standalone/Sentinel Redis for sessions.
 */
import {
  checkData,
  checkId,
  checkTtl,
  lastPerId,
  plainBytes,
  type SessionEntry,
  type SessionStore,
  storeUnavailable,
} from "../session-store.ts";

/** A pipeline as `RedisSessionClient.pipeline()` returns it (ioredis `ChainableCommander` fits). */
export interface RedisSessionPipeline {
  set(key: string, value: Buffer, px: "PX", ms: number): unknown;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** What the store needs from a Redis client (ioredis `Redis` fits). */
export interface RedisSessionClient {
  set(key: string, value: Buffer, px: "PX", ms: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
  del(key: string): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
  pipeline(): RedisSessionPipeline;
}

export interface RedisSessionStoreOptions {
  /** The client; the store never closes it. */
  readonly client: RedisSessionClient;
  /** Prefix of every key (default `"vango:session:"`). */
  readonly prefix?: string;
}

/** `SET`s per pipeline in `saveAll`: big enough to amortize the round trip, small enough to not stall other commands. */
const PIPELINE_CHUNK = 500;

/**
 * A copy of `data` as a Buffer (ioredis sends Buffers as binary strings). A copy, because
 * a command waits in ioredis' queue while it reconnects, and the socket may hold the
 * Buffer until it drains: the caller's buffer must be free to reuse once `save` returns.
 */
function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data);
}

/**
 * @example
 * const store = new RedisSessionStore({ client: new Redis(process.env.REDIS_URL!) });
 * await store.save(id, bytes, 15 * 60_000);
 */
export class RedisSessionStore implements SessionStore {
  readonly #client: RedisSessionClient;
  readonly #prefix: string;

  constructor(options: RedisSessionStoreOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "vango:session:";
  }

  async save(id: string, data: Uint8Array, ttlMs: number): Promise<void> {
    checkId(id);
    checkData(data);
    checkTtl(ttlMs);
    try {
      await this.#client.set(this.#prefix + id, asBuffer(data), "PX", Math.ceil(ttlMs));
    } catch (e) {
      throw storeUnavailable("redis save", e);
    }
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkId(id);
    let value: Buffer | null;
    try {
      value = await this.#client.getBuffer(this.#prefix + id);
    } catch (e) {
      throw storeUnavailable("redis load", e);
    }
    return value === null ? undefined : plainBytes(value);
  }

  async delete(id: string): Promise<void> {
    checkId(id);
    try {
      await this.#client.del(this.#prefix + id);
    } catch (e) {
      throw storeUnavailable("redis delete", e);
    }
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    checkId(id);
    checkTtl(ttlMs);
    try {
      return (await this.#client.pexpire(this.#prefix + id, Math.ceil(ttlMs))) === 1;
    } catch (e) {
      throw storeUnavailable("redis touch", e);
    }
  }

  async saveAll(entries: readonly SessionEntry[]): Promise<void> {
    const list = lastPerId(entries);
    // Copied before the first await: the caller may reuse its buffers once this returns.
    const copies = list.map((e) => asBuffer(e.data));
    for (let i = 0; i < list.length; i += PIPELINE_CHUNK) {
      const p = this.#client.pipeline();
      const end = Math.min(i + PIPELINE_CHUNK, list.length);
      for (let j = i; j < end; j++) {
        const e = list[j]!;
        p.set(this.#prefix + e.id, copies[j]!, "PX", Math.ceil(e.ttlMs));
      }
      let replies: [Error | null, unknown][] | null;
      try {
        replies = await p.exec();
      } catch (e) {
        throw storeUnavailable("redis saveAll", e);
      }
      const failed = replies?.find(([err]) => err !== null);
      if (replies === null || failed !== undefined) {
        throw storeUnavailable("redis saveAll", failed?.[0] ?? new Error("pipeline discarded"));
      }
    }
  }

  /** Nothing to release: the client belongs to the caller. */
  async close(): Promise<void> {}
}
