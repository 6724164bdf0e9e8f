import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_STATE_LIMITS,
  decodeState,
  encodeState,
  StateCodec,
  StateError,
  type StateType,
} from "../../src/state/codec.ts";

class Money {
  constructor(
    readonly cents: bigint,
    readonly currency: string,
  ) {}
}
const MoneyType: StateType<Money> = {
  name: "Money",
  is: (v): v is Money => v instanceof Money,
  encode: (m) => ({ cents: m.cents, currency: m.currency }),
  decode: (d) => {
    const { cents, currency } = d as { cents: bigint; currency: string };
    return new Money(cents, currency);
  },
};

const roundTrip = (v: unknown, codec = new StateCodec()) => codec.decode(codec.encode(v));

/** The error `fn` throws, as `[code, path]`. */
function refusal(fn: () => unknown): [string, string] {
  try {
    fn();
  } catch (e) {
    if (e instanceof StateError) return [e.code, e.path];
    throw e;
  }
  throw new Error("did not throw");
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytesOf = (s: string) => new TextEncoder().encode(s);

describe("StateCodec: values", () => {
  it("round-trips JSON values and the types JSON lacks, nested", () => {
    const value = {
      n: 1.5,
      s: "héllo \u{1F600} \ud800",
      b: [true, false, null],
      big: 12345678901234567890n,
      neg: -42n,
      when: new Date(1_700_000_000_123),
      bad: new Date(Number.NaN),
      specials: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0],
      map: new Map<unknown, unknown>([
        ["a", new Set([1, 2])],
        [3, { deep: [new Date(0)] }],
        [null, undefined],
      ]),
      nested: { list: [[[{ x: [] }]]], empty: {} },
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toStrictEqual(value);
    expect(Object.is(back.specials[3], -0)).toBe(true);
    expect(Object.is(back.specials[4], 0)).toBe(true);
    expect(back.map.get("a")).toBeInstanceOf(Set);
  });

  it("keeps undefined properties, undefined items and holes (as undefined)", () => {
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
    const back = roundTrip({ a: undefined, list: [undefined, 1, , 3] }) as {
      a: undefined;
      list: unknown[];
    };
    expect(Object.hasOwn(back, "a")).toBe(true);
    expect(back.list).toHaveLength(4);
    expect(Object.hasOwn(back.list, 2)).toBe(true);
    expect(back.list).toStrictEqual([undefined, 1, undefined, 3]);
    expect(roundTrip(undefined)).toBeUndefined();
  });

  it("keeps `$` and `__proto__` keys as data, never as a tag or a prototype", () => {
    const proto = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as object;
    const value = { $: "d", v: 5, inner: { $: { $: "u" } }, proto };
    const back = roundTrip(value) as typeof value;
    expect(back).toStrictEqual(value);
    expect(Object.getPrototypeOf(back.proto)).toBe(Object.prototype);
    expect(Object.hasOwn(back.proto, "__proto__")).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("decodes null-prototype objects as plain objects", () => {
    const o = Object.assign(Object.create(null) as object, { a: 1 });
    const back = roundTrip({ o }) as { o: object };
    expect(back.o).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(back.o)).toBe(Object.prototype);
  });

  it("stores a shared (acyclic) reference twice", () => {
    const shared = { n: 1 };
    const back = roundTrip({ a: shared, b: shared }) as { a: object; b: object };
    expect(back).toEqual({ a: { n: 1 }, b: { n: 1 } });
    expect(back.a).not.toBe(back.b);
  });

  it("uses registered types, whose encodings may hold other special values", () => {
    const codec = new StateCodec({ types: [MoneyType] });
    const value = { cart: new Map([["sku-1", new Money(1999n, "EUR")]]) };
    const bytes = codec.encode(value);
    expect(text(bytes)).toBe(
      '[1,{"cart":{"$":"m","v":["sku-1",{"$":"c","n":"Money","v":{"cents":{"$":"b","v":"1999"},"currency":"EUR"}}]}}]',
    );
    const back = codec.decode(bytes) as typeof value;
    expect(back.cart.get("sku-1")).toBeInstanceOf(Money);
    expect(back).toStrictEqual(value);
  });

  it("encodes plain JSON as plain JSON (readable in redis-cli / psql)", () => {
    expect(text(encodeState({ count: 3, text: "hi", items: [1, 2] }))).toBe(
      '[1,{"count":3,"text":"hi","items":[1,2]}]',
    );
  });

  it("keeps a typical counter+text checkpoint small", () => {
    const checkpoint = {
      route: "/",
      url: "/?tab=2",
      seq: 42,
      components: { "0:App/0:Counter": [7], "0:App/1:Echo": ["hello, world"] },
    };
    const bytes = encodeState(checkpoint);
    expect(bytes.length).toBeLessThanOrEqual(128);
    expect(decodeState(bytes)).toEqual(checkpoint);
  });
});

describe("StateCodec: refusals name the path", () => {
  const codec = new StateCodec();

  it("refuses functions and symbols", () => {
    expect(refusal(() => codec.encode({ counter: { onClick: () => 1 } }))).toEqual([
      "state_unserializable",
      "counter.onClick",
    ]);
    expect(refusal(() => codec.encode({ a: [1, Symbol("x")] }))).toEqual([
      "state_unserializable",
      "a[1]",
    ]);
    expect(refusal(() => codec.encode(() => 1))).toEqual(["state_unserializable", ""]);
  });

  it("refuses class instances without a type, naming the class", () => {
    class Thing {}
    const items = [1, 2, 3, new Thing()];
    let err: unknown;
    try {
      codec.encode({ counter: { items } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).code).toBe("state_unserializable");
    expect((err as StateError).path).toBe("counter.items[3]");
    expect((err as StateError).message).toContain("Thing");
    expect(refusal(() => codec.encode({ u: new Uint8Array(2) }))).toEqual([
      "state_unserializable",
      "u",
    ]);
    expect(refusal(() => codec.encode({ p: Promise.resolve() }))).toEqual([
      "state_unserializable",
      "p",
    ]);
  });

  it("refuses cycles, not shared references", () => {
    const a: { self?: unknown; list: unknown[] } = { list: [] };
    a.list.push({ back: a });
    expect(refusal(() => codec.encode({ a }))).toEqual(["state_unserializable", "a.list[0].back"]);
    const m = new Map<string, unknown>();
    m.set("me", m);
    expect(refusal(() => codec.encode(m))).toEqual(["state_unserializable", '.get("me")']);
  });

  it("formats odd keys, Map entries and Set items", () => {
    const fn = () => 0;
    expect(refusal(() => codec.encode({ "a b": { "0": fn } }))).toEqual([
      "state_unserializable",
      '["a b"]["0"]',
    ]);
    expect(refusal(() => codec.encode({ cache: new Map([["k", fn]]) }))).toEqual([
      "state_unserializable",
      'cache.get("k")',
    ]);
    expect(refusal(() => codec.encode({ cache: new Map([[fn, 1]]) }))).toEqual([
      "state_unserializable",
      "cache.keys()[0]",
    ]);
    expect(refusal(() => codec.encode({ tags: new Set(["a", fn]) }))).toEqual([
      "state_unserializable",
      "tags.values()[1]",
    ]);
  });

  it("wraps a throwing type or getter, with the cause", () => {
    const Leaky: StateType<Money> = { ...MoneyType, encode: () => ({ f: () => 1 }) };
    const leaky = new StateCodec({ types: [Leaky] });
    expect(refusal(() => leaky.encode({ price: new Money(1n, "EUR") }))).toEqual([
      "state_unserializable",
      "price.f",
    ]);
    const Throwing: StateType<Money> = {
      ...MoneyType,
      encode: () => {
        throw new Error("boom");
      },
    };
    let err: StateError | undefined;
    try {
      new StateCodec({ types: [Throwing] }).encode([new Money(1n, "EUR")]);
    } catch (e) {
      err = e as StateError;
    }
    expect([err?.code, err?.path, (err?.cause as Error | undefined)?.message]).toEqual([
      "state_unserializable",
      "[0]",
      "boom",
    ]);
    const getter = {
      get bad(): number {
        throw new Error("getter");
      },
    };
    expect(refusal(() => codec.encode({ o: getter }))).toEqual(["state_unserializable", "o.bad"]);
  });
});

describe("StateCodec: limits", () => {
  /** A value `levels` containers deep, with `leaf` innermost. */
  const nest = (levels: number, leaf: unknown): unknown => {
    let v: unknown = leaf;
    for (let i = 0; i < levels; i++) v = i % 2 ? { k: v } : [v];
    return v;
  };

  it("encodes exactly maxDepth levels, and refuses one more with the path", () => {
    const codec = new StateCodec({ limits: { maxDepth: 8 } });
    for (const leaf of [1, undefined, Number.NaN, 5n]) {
      expect(roundTrip(nest(8, leaf), codec)).toStrictEqual(nest(8, leaf));
    }
    expect(refusal(() => codec.encode(nest(9, 1)))).toEqual([
      "state_limit_exceeded",
      "[0].k[0].k[0].k[0].k",
    ]);
    expect(refusal(() => codec.encode(nest(8, new Date(0))))).toEqual([
      "state_limit_exceeded",
      "k[0].k[0].k[0].k[0]",
    ]);
  });

  it("refuses to decode deeper than maxDepth (a document written with other limits)", () => {
    const deep = new StateCodec({ limits: { maxDepth: 100 } }).encode(nest(20, 1));
    expect(refusal(() => new StateCodec({ limits: { maxDepth: 19 } }).decode(deep))).toEqual([
      "state_limit_exceeded",
      "",
    ]);
    expect(new StateCodec({ limits: { maxDepth: 20 } }).decode(deep)).toEqual(nest(20, 1));
    const hostile = bytesOf(`[1,${"[".repeat(100_000)}${"]".repeat(100_000)}]`);
    expect(refusal(() => decodeState(hostile))).toEqual(["state_limit_exceeded", ""]);
    const tagged = bytesOf(`[1,${'{"$":"s","v":['.repeat(70)}${"]}".repeat(70)}]`);
    expect(refusal(() => decodeState(tagged))).toEqual(["state_limit_exceeded", ""]);
  });

  it("refuses over maxBytes both ways, before parsing", () => {
    const codec = new StateCodec({ limits: { maxBytes: 64 } });
    expect(refusal(() => codec.encode({ s: "x".repeat(100) }))).toEqual([
      "state_limit_exceeded",
      "",
    ]);
    expect(refusal(() => codec.encode({ s: "é".repeat(30) }))).toEqual([
      "state_limit_exceeded",
      "",
    ]);
    expect(codec.encode({ s: "x".repeat(50) }).length).toBe(62);
    expect(refusal(() => codec.decode(bytesOf(`[1,"${"x".repeat(70)}"]`)))).toEqual([
      "state_limit_exceeded",
      "",
    ]);
    expect(DEFAULT_STATE_LIMITS).toEqual({ maxBytes: 1 << 20, maxDepth: 64 });
    expect(codec.limits).toEqual({ maxBytes: 64, maxDepth: 64 });
  });

  it("refuses nonsensical options with RangeError", () => {
    expect(() => new StateCodec({ limits: { maxDepth: 0 } })).toThrow(RangeError);
    expect(() => new StateCodec({ limits: { maxDepth: 5000 } })).toThrow(RangeError);
    expect(() => new StateCodec({ limits: { maxBytes: 1.5 } })).toThrow(RangeError);
    expect(() => new StateCodec({ types: [MoneyType, MoneyType] })).toThrow(RangeError);
    expect(() => new StateCodec({ types: [{ ...MoneyType, name: "" }] })).toThrow(RangeError);
  });
});

describe("StateCodec: decoding hostile bytes", () => {
  const codec = new StateCodec({ types: [MoneyType] });
  const invalid = (s: string | Uint8Array) =>
    refusal(() => codec.decode(typeof s === "string" ? bytesOf(s) : s))[0];

  it("answers state_invalid for every malformed document", () => {
    const cases = [
      new Uint8Array([0xff, 0xfe]),
      "",
      "{",
      "[1]",
      "[2,1]",
      '{"v":1}',
      "[1,2,3]",
      '[1,{"$":"zz"}]',
      '[1,{"$":5}]',
      '[1,{"$":"n","v":"1"}]',
      '[1,{"$":"b","v":"1.5"}]',
      '[1,{"$":"b","v":"01"}]',
      '[1,{"$":"b"}]',
      '[1,{"$":"d","v":"2020"}]',
      '[1,{"$":"m","v":[1]}]',
      '[1,{"$":"m","v":{}}]',
      '[1,{"$":"s","v":1}]',
      '[1,{"$":"o","v":[1]}]',
      '[1,{"$":"o"}]',
      '[1,{"$":"c","n":"Nope","v":1}]',
      '[1,{"$":"c","v":1}]',
      '[1,{"$":"c","n":"Money","v":null}]',
    ];
    for (const c of cases) expect(invalid(c), String(c)).toBe("state_invalid");
    expect(refusal(() => codec.decode("[1,1]" as unknown as Uint8Array))[0]).toBe("state_invalid");
  });

  it("throws nothing but StateError for random bytes, random JSON and mutated documents", () => {
    const valid = codec.encode({
      a: [1, new Date(5), new Map([[1, new Set([2n])]])],
      m: new Money(5n, "EUR"),
      u: undefined,
    });
    const onlyStateErrors = (bytes: Uint8Array) => {
      try {
        codec.decode(bytes);
      } catch (e) {
        if (!(e instanceof StateError)) throw e;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), onlyStateErrors), { numRuns: 2000 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const b = valid.slice();
          for (const [i, x] of edits) b[i] = x;
          onlyStateErrors(b);
        },
      ),
      { numRuns: 3000 },
    );
    const tagged = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({
          $: fc.constantFrom("u", "n", "b", "d", "m", "s", "o", "c", "x"),
          v: tie("node"),
          n: fc.constantFrom("Money", "Other", 1),
        }),
        fc.array(tie("node"), { maxLength: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(tagged, (v) => onlyStateErrors(bytesOf(JSON.stringify([1, v])))),
      { numRuns: 3000 },
    );
  });
});

describe("StateCodec: property", () => {
  const leaf = fc.oneof(
    fc.string(),
    fc.double(),
    fc.bigInt(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: false }),
  );
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("v"), { maxLength: 5 }),
      fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("$", "__proto__")), tie("v"), {
        maxKeys: 5,
        noNullPrototype: true,
      }),
      fc.array(fc.tuple(leaf, tie("v")), { maxLength: 4 }).map((es) => new Map(es)),
      fc.array(leaf, { maxLength: 4 }).map((xs) => new Set(xs)),
    ),
  })).v;

  it("decode(encode(v)) equals v for generated values", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(v)).toStrictEqual(v);
      }),
      { numRuns: 1500 },
    );
  });
});
