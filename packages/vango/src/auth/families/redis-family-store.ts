/**
 * Families in Redis, shared by every instance: one hash per family
 * (`<prefix>fam:<id>` = `sub`, `cur`, `prev`, `rot`, `rv`, expiring with the sign-in),
 * a sorted set of each user's families (`<prefix>uf:<sub>`, scored by expiry) for "sign
 * out everywhere", and `SET NX` keys for one-time ids. Rotation and revocation are Lua
 * scripts: atomic (two instances refreshing with one token cannot both rotate), one
 * round trip, timed by the Redis server's clock (instances with skewed clocks agree on
 * the grace window), and they `PUBLISH` each revocation on `<prefix>revoked`, so every
 * instance's subscriber hears of it.
 *
 * The scripts touch keys of one family or one user only, but `revokeUser` reads family
 * keys it finds in the user's set: on Redis Cluster give the prefix a hash tag
 * (`{vango-auth}:`) so all of them share a slot.
 */
import {
  checkId,
  type FamilyStore,
  type RevocationListener,
  type RotateResult,
  type Rotation,
} from "./family-store.ts";

/** The subscriber connection (ioredis `Redis` in subscriber mode fits). */
export interface RedisFamilySubscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: "message", listener: (channel: string, message: string) => void): unknown;
  on(event: "ready" | "close", listener: () => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
  disconnect(): void;
}

/** What the store needs from a Redis client (ioredis `Redis` fits). */
export interface RedisFamilyClient {
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
  set(key: string, value: string, px: "PX", ms: number, nx: "NX"): Promise<"OK" | null>;
  /** A second connection with the same options, for the subscription. */
  duplicate(): RedisFamilySubscriber;
}

export interface RedisFamilyStoreOptions {
  /** The client for commands; the store never closes it (it closes its own subscriber). */
  readonly client: RedisFamilyClient;
  /** Prefix of every key and of the channel (default `"vango:auth:"`). */
  readonly prefix?: string;
}

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: family, user set. ARGV: sub, jti, expMs, family id. */
const CREATE_LUA = `${NOW}
redis.call('HSET', KEYS[1], 'sub', ARGV[1], 'cur', ARGV[2], 'prev', '', 'rot', '0', 'rv', '0')
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], last[2])
return 1`;

/** KEYS: family. ARGV: presented, next, graceMs, channel, family id. {outcome, current}. */
const ROTATE_LUA = `local f = redis.call('HMGET', KEYS[1], 'cur', 'prev', 'rot', 'rv')
if not f[1] then return {'unknown'} end
if f[4] == '1' then return {'revoked'} end
${NOW}
if f[1] == ARGV[1] then
  redis.call('HSET', KEYS[1], 'cur', ARGV[2], 'prev', ARGV[1], 'rot', now)
  return {'rotated', ARGV[2]}
end
if f[2] == ARGV[1] and now - tonumber(f[3]) <= tonumber(ARGV[3]) then return {'grace', f[1]} end
redis.call('HSET', KEYS[1], 'rv', '1')
redis.call('PUBLISH', ARGV[4], ARGV[5])
return {'reused'}`;

/** KEYS: family. ARGV: channel, family id. */
const REVOKE_LUA = `local rv = redis.call('HGET', KEYS[1], 'rv')
if rv ~= '0' then return 0 end
redis.call('HSET', KEYS[1], 'rv', '1')
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1`;

/** KEYS: user set. ARGV: family key prefix, channel. */
const REVOKE_USER_LUA = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local out = {}
for _, fam in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local k = ARGV[1] .. fam
  if redis.call('HGET', k, 'rv') == '0' then
    redis.call('HSET', k, 'rv', '1')
    redis.call('PUBLISH', ARGV[2], fam)
    table.insert(out, fam)
  end
end
return out`;

/** KEYS: families. 1 for each revoked one. */
const REVOKED_LUA = `local out = {}
for i, k in ipairs(KEYS) do
  if redis.call('HGET', k, 'rv') == '1' then out[i] = 1 else out[i] = 0 end
end
return out`;

type Cmd<A extends unknown[], R> = (...args: A) => Promise<R>;

interface Commands {
  vangoAuthCreate: Cmd<[string, string, string, string, number, string], number>;
  vangoAuthRotate: Cmd<[string, string, string, number, string, string], [Rotation, string?]>;
  vangoAuthRevoke: Cmd<[string, string, string], number>;
  vangoAuthRevokeUser: Cmd<[string, string, string], string[]>;
  vangoAuthRevoked: Cmd<[number, ...string[]], number[]>;
}

/**
 * @example
 * const families = new RedisFamilyStore({ client: new Redis(process.env.REDIS_URL!) });
 */
export class RedisFamilyStore implements FamilyStore {
  readonly #client: RedisFamilyClient;
  readonly #cmd: Commands;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #listeners = new Set<RevocationListener>();
  #subscriber: RedisFamilySubscriber | undefined;

  constructor(options: RedisFamilyStoreOptions) {
    const c = options.client;
    this.#client = c;
    this.#prefix = options.prefix ?? "vango:auth:";
    this.#channel = `${this.#prefix}revoked`;
    c.defineCommand("vangoAuthCreate", { lua: CREATE_LUA, numberOfKeys: 2 });
    c.defineCommand("vangoAuthRotate", { lua: ROTATE_LUA, numberOfKeys: 1 });
    c.defineCommand("vangoAuthRevoke", { lua: REVOKE_LUA, numberOfKeys: 1 });
    c.defineCommand("vangoAuthRevokeUser", { lua: REVOKE_USER_LUA, numberOfKeys: 1 });
    // No numberOfKeys: the key count is the first argument (one key per family asked).
    c.defineCommand("vangoAuthRevoked", { lua: REVOKED_LUA });
    const raw = c as unknown as Record<keyof Commands, (...a: unknown[]) => Promise<unknown>>;
    const bind = <K extends keyof Commands>(k: K) => raw[k].bind(c) as unknown as Commands[K];
    this.#cmd = {
      vangoAuthCreate: bind("vangoAuthCreate"),
      vangoAuthRotate: bind("vangoAuthRotate"),
      vangoAuthRevoke: bind("vangoAuthRevoke"),
      vangoAuthRevokeUser: bind("vangoAuthRevokeUser"),
      vangoAuthRevoked: bind("vangoAuthRevoked"),
    };
  }

  async create(fam: string, sub: string, jti: string, expMs: number): Promise<void> {
    checkId("family", fam);
    checkId("subject", sub);
    checkId("jti", jti);
    await this.#cmd.vangoAuthCreate(
      this.#fam(fam),
      this.#user(sub),
      sub,
      jti,
      Math.ceil(expMs),
      fam,
    );
  }

  async rotate(
    fam: string,
    presented: string,
    next: string,
    graceMs: number,
  ): Promise<RotateResult> {
    const [outcome, current] = await this.#cmd.vangoAuthRotate(
      this.#fam(fam),
      presented,
      next,
      graceMs,
      this.#channel,
      fam,
    );
    return { outcome, current };
  }

  async revoke(fam: string): Promise<boolean> {
    return (await this.#cmd.vangoAuthRevoke(this.#fam(fam), this.#channel, fam)) === 1;
  }

  revokeUser(sub: string): Promise<string[]> {
    return this.#cmd.vangoAuthRevokeUser(this.#user(sub), `${this.#prefix}fam:`, this.#channel);
  }

  async revoked(fams: readonly string[]): Promise<boolean[]> {
    if (fams.length === 0) return [];
    const r = await this.#cmd.vangoAuthRevoked(fams.length, ...fams.map((f) => this.#fam(f)));
    return r.map((v) => v === 1);
  }

  async useOnce(id: string, ttlMs: number): Promise<boolean> {
    checkId("one-time id", id);
    return (
      (await this.#client.set(`${this.#prefix}once:${id}`, "1", "PX", Math.ceil(ttlMs), "NX")) ===
      "OK"
    );
  }

  /** The first subscriber opens the subscription connection; the last one closes it. */
  subscribe(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    this.#subscriber ??= this.#connect();
    return () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
      this.#subscriber?.disconnect();
      this.#subscriber = undefined;
    };
  }

  close(): Promise<void> {
    this.#listeners.clear();
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
    return Promise.resolve();
  }

  /** The subscriber connection: messages to the listeners, interruptions as lost/resync. */
  #connect(): RedisFamilySubscriber {
    const sub = this.#client.duplicate();
    let subscribed = false;
    let interrupted = false;
    const ask = (): void => {
      sub.subscribe(this.#channel).then(
        () => {
          if (!subscribed) {
            subscribed = true;
            if (interrupted) for (const l of this.#listeners) l.resync();
          }
        },
        // Not connected yet (or again): the next 'ready' asks again.
        () => {},
      );
    };
    sub.on("error", () => {}); // it reconnects by itself; 'close'/'ready' tell the listeners
    sub.on("message", (channel, fam) => {
      if (channel === this.#channel) for (const l of this.#listeners) l.revoked(fam);
    });
    sub.on("close", () => {
      if (!subscribed) return;
      subscribed = false;
      interrupted = true;
      for (const l of this.#listeners) l.lost();
    });
    sub.on("ready", ask);
    ask();
    return sub;
  }

  #fam(fam: string): string {
    checkId("family", fam);
    return `${this.#prefix}fam:${fam}`;
  }

  #user(sub: string): string {
    return `${this.#prefix}uf:${sub}`;
  }
}
