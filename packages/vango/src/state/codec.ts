/**
 * The state codec: turns the values a session persists (its signals' values) into bytes
 * for a `SessionStore`, and those bytes back into values.
 *
 * The encoding is JSON text (UTF-8) of `[1, value]` — `1` is the format version — where
 * every value JSON cannot carry is an object with a `"$"` tag:
 *
 * | value                        | encoded as                                  |
 * | ---------------------------- | ------------------------------------------- |
 * | `undefined`, array holes     | `{"$":"u"}`                                 |
 * | `NaN`, `±Infinity`, `-0`     | `{"$":"n","v":"NaN"}`                       |
 * | `BigInt`                     | `{"$":"b","v":"123"}`                       |
 * | `Date`                       | `{"$":"d","v":1700000000000}` (`null`: invalid date) |
 * | `Map`                        | `{"$":"m","v":[k1,v1,k2,v2]}`               |
 * | `Set`                        | `{"$":"s","v":[a,b]}`                       |
 * | a registered custom type     | `{"$":"c","n":"Money","v":<its encoding>}`  |
 * | a plain object with a `$` key | `{"$":"o","v":{…}}` (the inner `$` is data) |
 *
 * Why JSON text and not a binary format like the wire protocol's: V8's native
 * `JSON.stringify`/`JSON.parse` do the byte work, so the JavaScript walk only checks and
 * tags values; a typical counter+text checkpoint encodes in a few µs (BENCHMARKS.md,
 * "Session state"), and stored checkpoints stay readable with `redis-cli`/`psql`.
 *
 * Refused, with `state_unserializable` and the path (`counter.items[3]`): functions,
 * symbols, cycles (a shared reference that is not a cycle is stored twice and decodes as
 * two copies), and class instances no registered {@link StateType} claims. Symbol-keyed
 * and non-enumerable properties are not state (as in JSON). Null-prototype objects decode
 * as plain objects.
 *
 * Both directions are limit-checked (`maxBytes`, `maxDepth`; a value that encodes always
 * decodes with the same limits), and `decode` throws nothing but a {@link StateError}.
 */
import { createError } from "../errors/create-error.ts";
import { ERRORS } from "../protocol/errors.ts";

type StateErrorCode = "state_unserializable" | "state_invalid" | "state_limit_exceeded";

const StateErrorBase = /* @__PURE__ */ createError<StateErrorCode>(
  "StateError",
  (code) => ERRORS[code].status,
);

/**
 * The only error the codec throws: `state_unserializable` (encode), `state_invalid`
 * (decode) or `state_limit_exceeded` (either). Match on `code`; `path` says where.
 * @example
 * try { codec.encode(state) } catch (e) { if (e instanceof StateError) log.warn({ code: e.code, path: e.path }) }
 */
export class StateError extends StateErrorBase {
  /** Where in the value the problem is (`counter.items[3]`); `""` for the root or the bytes. */
  readonly path: string;

  constructor(code: StateErrorCode, path: string, detail: string, options?: ErrorOptions) {
    super(code, path === "" ? detail : `${detail} at ${path}`, options);
    this.path = path;
  }
}

/**
 * How a class the codec does not know is persisted. `encode` returns any value the codec
 * can encode (it may contain Dates, Maps, other custom types); `decode` gets that value
 * back, already decoded. The `name` is stored with every value: renaming a type orphans
 * the state saved under the old name.
 * @example
 * const MoneyType: StateType<Money> = {
 *   name: "Money",
 *   is: (v): v is Money => v instanceof Money,
 *   encode: (m) => [m.cents, m.currency],
 *   decode: (d) => { const [c, cur] = d as [number, string]; return new Money(c, cur) },
 * };
 */
export interface StateType<T> {
  readonly name: string;
  is(value: unknown): value is T;
  encode(value: T): unknown;
  decode(data: unknown): T;
}

export interface StateLimits {
  /** Largest encoding in bytes, checked before decoding (default 1 MiB). */
  readonly maxBytes: number;
  /** Deepest nesting of containers (arrays, objects, Maps, Sets, custom types; default 64). */
  readonly maxDepth: number;
}

export const DEFAULT_STATE_LIMITS: StateLimits = Object.freeze({
  maxBytes: 1 << 20,
  maxDepth: 64,
});

/** Above this the encode and decode walks (recursive) could exhaust the stack. */
const HARD_MAX_DEPTH = 1024;
const FORMAT_VERSION = 1;

/** A {@link StateType} of any `T` (what a list of types holds). */
export interface AnyStateType {
  readonly name: string;
  is(value: unknown): boolean;
  encode(value: never): unknown;
  decode(data: unknown): unknown;
}

export interface StateCodecOptions {
  /** Custom types, consulted for objects that are not plain objects, arrays, Dates, Maps or Sets. */
  readonly types?: readonly AnyStateType[];
  readonly limits?: Partial<StateLimits>;
}

const Tag = {
  Undefined: "u",
  Number: "n",
  BigInt: "b",
  Date: "d",
  Map: "m",
  Set: "s",
  Object: "o",
  Custom: "c",
} as const;

const UNDEFINED = Object.freeze({ $: Tag.Undefined });
const BIGINT_SHAPE = /^-?(?:0|[1-9][0-9]*)$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A refusal on its way up the encode walk: each container it passes adds its key, so the
 * path is built only when something is refused (the success path records nothing).
 */
class Refusal {
  readonly code: StateErrorCode;
  readonly detail: string;
  readonly cause: unknown;
  /** Path segments, innermost first. */
  readonly keys: (string | number)[];

  constructor(code: StateErrorCode, detail: string, cause?: unknown) {
    this.code = code;
    this.detail = detail;
    this.cause = cause;
    this.keys = [];
  }
}

/** Adds `key` to a refusal passing through; anything else (a throwing getter) becomes one. */
function at(e: unknown, key: string | number): Refusal {
  const r = e instanceof Refusal ? e : new Refusal("state_unserializable", "reading it threw", e);
  r.keys.push(key);
  return r;
}

/** `counter.items[3]`, `cache.get("a b")`: keys are formatted only for an error. */
function formatPath(keys: readonly (string | number)[]): string {
  let out = "";
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    if (typeof k === "number") out += `[${k}]`;
    else if (k.startsWith("\0")) out += k.slice(1);
    else if (IDENTIFIER.test(k)) out += out === "" ? k : `.${k}`;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

/** A Map entry's path segment (`.get("k")`), marked so `formatPath` keeps it as is. */
function mapKey(k: unknown): string {
  const shown =
    typeof k === "string" || typeof k === "number" || typeof k === "boolean"
      ? JSON.stringify(k)
      : "…";
  return `\0.get(${shown})`;
}

function setValue(o: Record<string, unknown>, key: string, v: unknown): void {
  // `o.__proto__ = v` would set the prototype instead of a property (and lose the data).
  if (key === "__proto__") {
    Object.defineProperty(o, key, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else o[key] = v;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function describeValue(v: object): string {
  const ctor = (v as { constructor?: { name?: unknown } }).constructor;
  const name = typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "an unknown class";
  return `an instance of ${name} (register a StateType for it)`;
}

function checkLimits(limits: StateLimits): void {
  const { maxBytes, maxDepth } = limits;
  if (!Number.isInteger(maxBytes) || maxBytes < 16 || maxBytes > 2 ** 31 - 1) {
    throw new RangeError("state codec: maxBytes must be an integer in [16, 2^31)");
  }
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > HARD_MAX_DEPTH) {
    throw new RangeError(`state codec: maxDepth must be an integer in [1, ${HARD_MAX_DEPTH}]`);
  }
}

/**
 * Encodes and decodes persisted state. One instance per set of custom types; it keeps no
 * state between calls, so it is safe to share (and re-entrant from a type's codec).
 * @example
 * const codec = new StateCodec({ types: [MoneyType] });
 * const bytes = codec.encode({ count: 3, seen: new Set(["a"]), at: new Date() });
 * const state = codec.decode(bytes) as { count: number; seen: Set<string>; at: Date };
 */
export class StateCodec {
  readonly #types: readonly StateType<unknown>[];
  readonly #byName: ReadonlyMap<string, StateType<unknown>>;
  readonly #maxBytes: number;
  readonly #maxDepth: number;

  constructor(options: StateCodecOptions = {}) {
    const limits = { ...DEFAULT_STATE_LIMITS, ...options.limits };
    checkLimits(limits);
    this.#maxBytes = limits.maxBytes;
    this.#maxDepth = limits.maxDepth;
    const types = (options.types ?? []) as readonly StateType<unknown>[];
    const byName = new Map<string, StateType<unknown>>();
    for (const t of types) {
      if (typeof t?.name !== "string" || t.name === "") {
        throw new RangeError("state codec: a StateType needs a non-empty name");
      }
      if (typeof t.is !== "function" || typeof t.encode !== "function") {
        throw new RangeError(`state codec: StateType "${t.name}" needs is, encode and decode`);
      }
      if (typeof t.decode !== "function") {
        throw new RangeError(`state codec: StateType "${t.name}" needs is, encode and decode`);
      }
      if (byName.has(t.name)) throw new RangeError(`state codec: two StateTypes named "${t.name}"`);
      byName.set(t.name, t);
    }
    this.#types = [...types];
    this.#byName = byName;
  }

  /** The limits in force (defaults merged with the options). */
  get limits(): StateLimits {
    return { maxBytes: this.#maxBytes, maxDepth: this.#maxDepth };
  }

  /**
   * `value` as bytes; throws `state_unserializable` (with `path`) or `state_limit_exceeded`.
   * @example const bytes = codec.encode({ counter: { count: 1, items: [1, 2] } });
   */
  encode(value: unknown): Uint8Array {
    let tree: unknown;
    try {
      tree = this.#enc(value, 0, []);
    } catch (e) {
      const r =
        e instanceof Refusal ? e : new Refusal("state_unserializable", "reading it threw", e);
      const options = r.cause === undefined ? undefined : { cause: r.cause };
      throw new StateError(r.code, formatPath(r.keys), r.detail, options);
    }
    const text = JSON.stringify([FORMAT_VERSION, tree]);
    // UTF-8 never has fewer bytes than UTF-16 code units: refuse before encoding the text.
    if (text.length > this.#maxBytes) throw this.#tooLarge(text.length, "at least ");
    const bytes = encoder.encode(text);
    if (bytes.length > this.#maxBytes) throw this.#tooLarge(bytes.length, "");
    return bytes;
  }

  /**
   * The value `bytes` encode; throws only {@link StateError} (`state_invalid`,
   * `state_limit_exceeded`), whatever the bytes.
   * @example const state = codec.decode(await store.load(id));
   */
  decode(bytes: Uint8Array): unknown {
    if (!(bytes instanceof Uint8Array)) throw invalid("not a byte array");
    if (bytes.length > this.#maxBytes) throw this.#tooLarge(bytes.length, "");
    let doc: unknown;
    try {
      doc = JSON.parse(decoder.decode(bytes));
    } catch (e) {
      throw new StateError("state_invalid", "", "not UTF-8 JSON", { cause: e });
    }
    if (!Array.isArray(doc) || doc.length !== 2) throw invalid("not a state document");
    if (doc[0] !== FORMAT_VERSION) throw invalid(`format version ${String(doc[0])}`);
    try {
      return this.#dec(doc[1], 0);
    } catch (e) {
      if (e instanceof StateError) throw e;
      throw new StateError("state_invalid", "", "decoding failed", { cause: e });
    }
  }

  #tooLarge(n: number, qualifier: string): StateError {
    return new StateError(
      "state_limit_exceeded",
      "",
      `${qualifier}${n} bytes > maxBytes ${this.#maxBytes}`,
    );
  }

  #enc(v: unknown, depth: number, stack: object[]): unknown {
    switch (typeof v) {
      case "string":
      case "boolean":
        return v;
      case "number":
        if (Number.isFinite(v) && (v !== 0 || 1 / v > 0)) return v;
        return { $: Tag.Number, v: v === 0 ? "-0" : String(v) };
      case "undefined":
        return UNDEFINED;
      case "bigint":
        return { $: Tag.BigInt, v: v.toString() };
      case "function":
        throw new Refusal("state_unserializable", "a function");
      case "symbol":
        throw new Refusal("state_unserializable", "a symbol");
    }
    if (v === null) return null;
    const o = v as object;
    if (depth >= this.#maxDepth) {
      throw new Refusal("state_limit_exceeded", `nesting deeper than maxDepth ${this.#maxDepth}`);
    }
    // Ancestors only (a linear scan: paths are short, and a Set would cost more per level).
    if (stack.includes(o)) throw new Refusal("state_unserializable", "a cycle");
    stack.push(o);
    let out: unknown;
    if (Array.isArray(o) && Object.getPrototypeOf(o) === Array.prototype) {
      out = this.#encArray(o, depth, stack);
    } else {
      const proto = Object.getPrototypeOf(o);
      if (proto === Object.prototype || proto === null) out = this.#encObject(o, depth, stack);
      else if (proto === Date.prototype) {
        const t = (o as Date).getTime();
        out = { $: Tag.Date, v: Number.isNaN(t) ? null : t };
      } else if (proto === Map.prototype)
        out = this.#encMap(o as Map<unknown, unknown>, depth, stack);
      else if (proto === Set.prototype) out = this.#encSet(o as Set<unknown>, depth, stack);
      else out = this.#encCustom(o, depth, stack);
    }
    stack.pop();
    return out;
  }

  /**
   * `a` as JSON can carry it. Copy on write: an array whose elements JSON carries as they
   * are is returned itself, so a checkpoint of plain data copies nothing.
   */
  #encArray(a: readonly unknown[], depth: number, stack: object[]): readonly unknown[] {
    const n = a.length;
    let out: unknown[] | null = null;
    let i = 0;
    try {
      for (; i < n; i++) {
        const v = a[i];
        // A hole reads as undefined and encodes as a tag: it is copied, never skipped.
        const e = this.#enc(v, depth + 1, stack);
        if (out !== null) out[i] = e;
        else if (e !== v) {
          out = a.slice(0, n);
          out[i] = e;
        }
      }
    } catch (e) {
      throw at(e, i);
    }
    return out ?? a;
  }

  /** `o` as JSON can carry it; copy on write, as {@link #encArray}. */
  #encObject(o: object, depth: number, stack: object[]): unknown {
    const src = o as Record<string, unknown>;
    const keys = Object.keys(src);
    let out: Record<string, unknown> | null = null;
    let escaped = false;
    let key = "";
    try {
      for (let i = 0; i < keys.length; i++) {
        key = keys[i]!;
        if (key === "$") escaped = true;
        const v = src[key];
        const e = this.#enc(v, depth + 1, stack);
        if (out === null && e !== v) {
          out = {};
          for (let j = 0; j < i; j++) setValue(out, keys[j]!, src[keys[j]!]);
        }
        if (out !== null) setValue(out, key, e);
      }
    } catch (e) {
      throw at(e, key);
    }
    const plain = out ?? src;
    return escaped ? { $: Tag.Object, v: plain } : plain;
  }

  #encMap(m: Map<unknown, unknown>, depth: number, stack: object[]): unknown {
    const out = new Array<unknown>(m.size * 2);
    let i = 0;
    for (const [k, v] of m) {
      try {
        out[i] = this.#enc(k, depth + 1, stack);
      } catch (e) {
        throw at(e, `\0.keys()[${i >> 1}]`);
      }
      try {
        out[i + 1] = this.#enc(v, depth + 1, stack);
      } catch (e) {
        throw at(e, mapKey(k));
      }
      i += 2;
    }
    return { $: Tag.Map, v: out };
  }

  #encSet(s: Set<unknown>, depth: number, stack: object[]): unknown {
    const out = new Array<unknown>(s.size);
    let i = 0;
    try {
      for (const v of s) {
        out[i] = this.#enc(v, depth + 1, stack);
        i++;
      }
    } catch (e) {
      throw at(e, `\0.values()[${i}]`);
    }
    return { $: Tag.Set, v: out };
  }

  #encCustom(o: object, depth: number, stack: object[]): unknown {
    const types = this.#types;
    for (let i = 0; i < types.length; i++) {
      const t = types[i]!;
      let data: unknown;
      try {
        if (!t.is(o)) continue;
        data = t.encode(o);
      } catch (e) {
        throw new Refusal("state_unserializable", `StateType "${t.name}" threw`, e);
      }
      return { $: Tag.Custom, n: t.name, v: this.#enc(data, depth + 1, stack) };
    }
    throw new Refusal("state_unserializable", describeValue(o));
  }

  /** Decodes in place: the parsed document is fresh, so containers are reused, not copied. */
  #dec(v: unknown, depth: number): unknown {
    if (typeof v !== "object" || v === null) return v;
    if (Array.isArray(v)) {
      this.#checkDepth(depth);
      this.#decItems(v, depth + 1);
      return v;
    }
    const o = v as Record<string, unknown>;
    if (Object.hasOwn(o, "$")) return this.#decTagged(o, depth);
    this.#checkDepth(depth);
    this.#decFields(o, depth + 1);
    return o;
  }

  /** Containers count as the encoder counts them: tags of primitives (`undefined`, `NaN`) do not. */
  #checkDepth(depth: number): void {
    if (depth < this.#maxDepth) return;
    throw new StateError(
      "state_limit_exceeded",
      "",
      `nesting deeper than maxDepth ${this.#maxDepth}`,
    );
  }

  #decItems(a: unknown[], depth: number): void {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x === "object" && x !== null) {
        const d = this.#dec(x, depth);
        if (d !== x) a[i] = d;
      }
    }
  }

  #decFields(o: Record<string, unknown>, depth: number): void {
    for (const key of Object.keys(o)) {
      const x = o[key];
      if (typeof x === "object" && x !== null) {
        const d = this.#dec(x, depth);
        if (d !== x) setValue(o, key, d);
      }
    }
  }

  /** A `{"$": tag}` object at `depth` (its contents sit one level deeper, as encoded). */
  #decTagged(o: Record<string, unknown>, depth: number): unknown {
    const v = o.v;
    switch (o.$) {
      case Tag.Undefined:
        return undefined;
      case Tag.Number:
        if (v === "NaN") return Number.NaN;
        if (v === "Infinity") return Number.POSITIVE_INFINITY;
        if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
        if (v === "-0") return -0;
        throw invalid("bad number tag");
      case Tag.BigInt:
        if (typeof v !== "string" || !BIGINT_SHAPE.test(v)) throw invalid("bad bigint tag");
        return BigInt(v);
      case Tag.Date:
        this.#checkDepth(depth);
        if (v === null) return new Date(Number.NaN);
        if (typeof v !== "number" || !Number.isFinite(v)) throw invalid("bad date tag");
        return new Date(v);
      case Tag.Map: {
        if (!Array.isArray(v) || v.length % 2 !== 0) throw invalid("bad map tag");
        this.#checkDepth(depth);
        this.#decItems(v, depth + 1);
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < v.length; i += 2) m.set(v[i], v[i + 1]);
        return m;
      }
      case Tag.Set: {
        if (!Array.isArray(v)) throw invalid("bad set tag");
        this.#checkDepth(depth);
        this.#decItems(v, depth + 1);
        return new Set(v);
      }
      case Tag.Object: {
        if (typeof v !== "object" || v === null || Array.isArray(v)) {
          throw invalid("bad object tag");
        }
        this.#checkDepth(depth);
        this.#decFields(v as Record<string, unknown>, depth + 1);
        return v;
      }
      case Tag.Custom: {
        const t = typeof o.n === "string" ? this.#byName.get(o.n) : undefined;
        if (t === undefined) throw invalid(`unknown StateType ${JSON.stringify(o.n)}`);
        this.#checkDepth(depth);
        const data = this.#dec(v, depth + 1);
        try {
          return t.decode(data);
        } catch (e) {
          throw new StateError("state_invalid", "", `StateType "${t.name}" threw`, { cause: e });
        }
      }
      default:
        throw invalid(`unknown tag ${JSON.stringify(o.$)}`);
    }
  }
}

function invalid(detail: string): StateError {
  return new StateError("state_invalid", "", detail);
}

const defaultCodec = /* @__PURE__ */ new StateCodec();

/**
 * Encodes with the default codec (no custom types, default limits).
 * @example await store.save(id, encodeState({ count: 1 }), 60_000);
 */
export function encodeState(value: unknown): Uint8Array {
  return defaultCodec.encode(value);
}

/**
 * Decodes with the default codec.
 * @example const bytes = await store.load(id); if (bytes) state = decodeState(bytes);
 */
export function decodeState(bytes: Uint8Array): unknown {
  return defaultCodec.decode(bytes);
}
