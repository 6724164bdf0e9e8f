/**
 * Redis session store, shared by every instance of the app: one hash per session
 * (`<prefix><id>`, field `d` the checkpoint's bytes, field `f` its fence) with a TTL set
 * by `PEXPIRE`, so Redis itself forgets expired sessions — no sweep. `saveAll` sends its
 * saves as pipelines of 500 (one round trip each instead of one per session;
 * BENCHMARKS.md, "Session state"). Calls on one id keep their order because one
 * connection executes commands in the order they were sent.
 *
 * Saves and loads are Lua scripts, sent by SHA (`EVALSHA`): a save compares the fences
 * and writes in one atomic step, so two instances saving one id at once cannot both pass
 * a check made before the other's write, and it stays one round trip. Redis forgets
 * scripts (a restart, a failover, `SCRIPT FLUSH`); a call it answers `NOSCRIPT` loads
 * them and is sent again — unless a later call on its id was sent meanwhile: that one
 * has run already, so the earlier one fails (`store_unavailable`, as if Redis had been
 * down) rather than land after it.
 *
 * Keys written by the versions before fences hold the bytes as a plain string: `load`
 * reads both kinds (the script asks `TYPE`), `touch` and `delete` work on both, and a
 * save replaces a string with a hash (a string's fence is 0). During a rolling deploy
 * that mixes versions, an old instance's `SET` replaces a hash with a string (fence
 * lost, as that version never had one), and its `GET` of a hash fails `WRONGTYPE`: the
 * old instance reports `store_unavailable` and the client retries the resume, until it
 * reaches a new instance or the deploy ends. Fences protect only among new instances.
 *
 * On Redis Cluster a pipeline must stay within one slot: give the prefix a hash tag
 * (`{vango}:session:`) or use a standalone/Sentinel Redis for sessions.
 */
import { createHash } from "node:crypto";
import {
  checkData,
  checkFence,
  checkId,
  checkTtl,
  lastPerId,
  NONE_REFUSED,
  plainBytes,
  type SessionEntry,
  type SessionStore,
  storeUnavailable,
} from "../session-store.ts";

/** What a script call takes after its SHA (ioredis sends Buffers as binary strings). */
type Arg = string | Buffer | number;

/** A pipeline as `RedisSessionClient.pipeline()` returns it (ioredis `ChainableCommander` fits). */
export interface RedisSessionPipeline {
  callBuffer(command: "EVALSHA", ...args: Arg[]): unknown;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** What the store needs from a Redis client (ioredis `Redis` fits). */
export interface RedisSessionClient {
  /** `EVALSHA` with bulk replies as Buffers (checkpoints are bytes, not UTF-8). */
  callBuffer(command: "EVALSHA", ...args: Arg[]): Promise<unknown>;
  script(subcommand: "LOAD", script: string): Promise<unknown>;
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

/** Saves per pipeline in `saveAll`: big enough to amortize the round trip, small enough to not stall other commands. */
const PIPELINE_CHUNK = 500;

class LuaScript {
  readonly lua: string;
  /** What Redis names it by (`SCRIPT LOAD` answers the same). */
  readonly sha: string;

  constructor(lua: string) {
    this.lua = lua;
    this.sha = createHash("sha1").update(lua).digest("hex");
  }
}

/**
 * KEYS[1] = the session's key; ARGV = bytes, ttl ms, fence. 1 when saved, 0 when the live
 * entry's fence is greater (an expired key is gone by the time `TYPE` looks). A string
 * (the layout before fences, fence 0) is deleted first: `HSET` on it would fail.
 */
const SAVE = new LuaScript(`local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'hash' then
  if tonumber(redis.call('HGET', KEYS[1], 'f') or '0') > tonumber(ARGV[3]) then return 0 end
elseif kind ~= 'none' then
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'd', ARGV[1], 'f', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`);

/** KEYS[1] = the session's key. The bytes, from a hash or from a string (the layout before fences); nil when absent. */
const LOAD = new LuaScript(`local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'hash' then return redis.call('HGET', KEYS[1], 'd') end
if kind == 'string' then return redis.call('GET', KEYS[1]) end
return false`);

/** Redis does not hold the script (ioredis' `ReplyError` message starts with the code). */
function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith("NOSCRIPT");
}

/**
 * A copy of `data` as a Buffer (ioredis sends Buffers as binary strings). A copy, because
 * a command waits in ioredis' queue while it reconnects, and the socket may hold the
 * Buffer until it drains: the caller's buffer must be free to reuse once `save` returns.
 */
function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data);
}

/** One entry of a `saveAll` as sent: `n` is its call's number (see `RedisSessionStore.#begin`). */
class SentSave {
  readonly id: string;
  readonly key: string;
  readonly value: Buffer;
  readonly ttl: number;
  readonly fence: number;
  readonly n: number;

  constructor(id: string, key: string, value: Buffer, ttl: number, fence: number, n: number) {
    this.id = id;
    this.key = key;
    this.value = value;
    this.ttl = ttl;
    this.fence = fence;
    this.n = n;
  }
}

/**
 * @example
 * const store = new RedisSessionStore({ client: new Redis(process.env.REDIS_URL!) });
 * await store.save(id, bytes, 15 * 60_000);
 */
export class RedisSessionStore implements SessionStore {
  readonly #client: RedisSessionClient;
  readonly #prefix: string;
  /**
   * Per key with a call in flight, the number of the last call sent on it: a call Redis
   * answered `NOSCRIPT` is sent again only while it is still that one (see #eval).
   */
  readonly #last = new Map<string, number>();
  #calls = 0;
  /** `SCRIPT LOAD` under way: calls that met `NOSCRIPT` together wait for one load. */
  #loading: Promise<unknown> | undefined = undefined;

  constructor(options: RedisSessionStoreOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "vango:session:";
  }

  async save(id: string, data: Uint8Array, ttlMs: number, fence = 0): Promise<boolean> {
    checkId(id);
    checkData(data);
    checkTtl(ttlMs);
    checkFence(fence);
    const key = this.#prefix + id;
    const n = this.#begin(key);
    try {
      return (await this.#eval(SAVE, key, n, asBuffer(data), Math.ceil(ttlMs), fence)) === 1;
    } catch (e) {
      throw storeUnavailable("redis save", e);
    } finally {
      this.#end(key, n);
    }
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkId(id);
    const key = this.#prefix + id;
    const n = this.#begin(key);
    let value: unknown;
    try {
      value = await this.#eval(LOAD, key, n);
    } catch (e) {
      throw storeUnavailable("redis load", e);
    } finally {
      this.#end(key, n);
    }
    return value instanceof Uint8Array ? plainBytes(value) : undefined;
  }

  async delete(id: string): Promise<void> {
    checkId(id);
    const key = this.#prefix + id;
    const n = this.#begin(key);
    try {
      await this.#client.del(key);
    } catch (e) {
      throw storeUnavailable("redis delete", e);
    } finally {
      this.#end(key, n);
    }
  }

  /** `PEXPIRE` leaves the hash's fields, the fence with them. */
  async touch(id: string, ttlMs: number): Promise<boolean> {
    checkId(id);
    checkTtl(ttlMs);
    const key = this.#prefix + id;
    const n = this.#begin(key);
    try {
      return (await this.#client.pexpire(key, Math.ceil(ttlMs))) === 1;
    } catch (e) {
      throw storeUnavailable("redis touch", e);
    } finally {
      this.#end(key, n);
    }
  }

  async saveAll(entries: readonly SessionEntry[]): Promise<readonly string[]> {
    const list = lastPerId(entries);
    // Copied before the first await: the caller may reuse its buffers once this returns.
    const copies = list.map((e) => asBuffer(e.data));
    const refused: string[] = [];
    for (let i = 0; i < list.length; i += PIPELINE_CHUNK) {
      const end = Math.min(i + PIPELINE_CHUNK, list.length);
      const sent: SentSave[] = [];
      for (let j = i; j < end; j++) {
        const e = list[j]!;
        const key = this.#prefix + e.id;
        const n = this.#begin(key);
        sent.push(new SentSave(e.id, key, copies[j]!, Math.ceil(e.ttlMs), e.fence ?? 0, n));
      }
      try {
        const missed: SentSave[] = [];
        const noScript = await this.#pipeline(sent, refused, missed);
        if (noScript !== undefined) {
          await this.#loadScripts();
          // As in #eval: sent again (at once, after the check) unless a later call overtook.
          const again = missed.filter((s) => this.#last.get(s.key) === s.n);
          if (again.length > 0) await this.#pipeline(again, refused);
          if (again.length < missed.length) throw noScript;
        }
      } catch (e) {
        throw storeUnavailable("redis saveAll", e);
      } finally {
        for (const s of sent) this.#end(s.key, s.n);
      }
    }
    return refused.length === 0 ? NONE_REFUSED : refused;
  }

  /** Nothing to release: the client belongs to the caller. */
  async close(): Promise<void> {}

  /** Notes a call on `key` about to be sent; returns its number. */
  #begin(key: string): number {
    const n = ++this.#calls;
    this.#last.set(key, n);
    return n;
  }

  /** Call `n` on `key` settled: its key is forgotten unless a later call holds it. */
  #end(key: string, n: number): void {
    if (this.#last.get(key) === n) this.#last.delete(key);
  }

  /**
   * Runs `script` on `key` for call `n`. On `NOSCRIPT` the scripts are loaded and it is
   * sent once more, but only while it is still the last call sent on `key`: a later call
   * (a delete, a newer save) already ran, and a resend would land after it. The check and
   * the resend happen in one synchronous step, so nothing can slip in between.
   */
  async #eval(script: LuaScript, key: string, n: number, ...args: Arg[]): Promise<unknown> {
    try {
      return await this.#client.callBuffer("EVALSHA", script.sha, 1, key, ...args);
    } catch (e) {
      if (!isNoScript(e)) throw e;
      await this.#loadScripts();
      if (this.#last.get(key) !== n) throw e;
    }
    return this.#client.callBuffer("EVALSHA", script.sha, 1, key, ...args);
  }

  /**
   * Sends `saves` as one pipeline and adds to `refused` the ids a greater fence kept. With
   * `missed`, the saves Redis answered `NOSCRIPT` go there and the first such error is
   * returned; any other error (any at all without `missed`) rejects.
   */
  async #pipeline(
    saves: readonly SentSave[],
    refused: string[],
    missed?: SentSave[],
  ): Promise<Error | undefined> {
    const p = this.#client.pipeline();
    for (const s of saves) p.callBuffer("EVALSHA", SAVE.sha, 1, s.key, s.value, s.ttl, s.fence);
    const replies = await p.exec();
    if (replies === null) throw new Error("pipeline discarded");
    let noScript: Error | undefined;
    for (let k = 0; k < saves.length; k++) {
      const [err, reply] = replies[k]!;
      if (err === null) {
        if (reply !== 1) refused.push(saves[k]!.id);
      } else if (missed !== undefined && isNoScript(err)) {
        missed.push(saves[k]!);
        noScript ??= err;
      } else {
        throw err;
      }
    }
    return noScript;
  }

  /**
   * Loads both scripts (`SCRIPT LOAD`). Calls that met `NOSCRIPT` together share one load
   * and resume in the order they failed, so their resends keep their order too.
   */
  #loadScripts(): Promise<unknown> {
    this.#loading ??= Promise.all([
      this.#client.script("LOAD", SAVE.lua),
      this.#client.script("LOAD", LOAD.lua),
    ]).finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }
}
