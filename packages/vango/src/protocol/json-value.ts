/**
 * Codec for JSON-like values (hook/custom event payloads, `Dispatch` patch payloads).
 * Tag byte, then: nothing (null/false/true), zigzag varint (integers in [-2^52, 2^52)
 * except -0), f64 (every other number), string, or a counted array/object.
 */
import { HARD_MAX_DEPTH } from "./limits.ts";
import type { JsonValue } from "./patch.ts";
import { depth, malformed, type Reader, unknown } from "./reader.ts";
import { invalid, type Writer } from "./writer.ts";

export type { JsonValue } from "./patch.ts";

export const JsonTag = {
  Null: 0,
  False: 1,
  True: 2,
  Int: 3,
  F64: 4,
  String: 5,
  Array: 6,
  Object: 7,
} as const;

const INT_MAX = 2 ** 52;

function isWireInt(v: number): boolean {
  return Number.isInteger(v) && v >= -INT_MAX && v < INT_MAX && !Object.is(v, -0);
}

/** Encodes `v`; cycles or nesting past the hard depth cap are `depth_exceeded`. */
export function writeJson(w: Writer, v: JsonValue, level = 0): void {
  if (v === null) w.u8(JsonTag.Null);
  else if (v === false) w.u8(JsonTag.False);
  else if (v === true) w.u8(JsonTag.True);
  else if (typeof v === "number") {
    if (isWireInt(v)) {
      w.u8(JsonTag.Int);
      w.sint(v);
    } else {
      w.u8(JsonTag.F64);
      w.f64(v);
    }
  } else if (typeof v === "string") {
    w.u8(JsonTag.String);
    w.str(v);
  } else if (typeof v === "object") {
    if (level >= HARD_MAX_DEPTH) throw depth();
    if (Array.isArray(v)) {
      const arr = v as readonly JsonValue[];
      w.u8(JsonTag.Array);
      w.uint(arr.length);
      for (let i = 0; i < arr.length; i++) writeJson(w, arrayItem(arr, i), level + 1);
    } else {
      const obj = v as { readonly [key: string]: JsonValue };
      const keys = Object.keys(obj);
      w.u8(JsonTag.Object);
      w.uint(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        w.str(k, true);
        writeJson(w, obj[k] as JsonValue, level + 1);
      }
    }
  } else {
    invalid();
  }
}

function arrayItem(arr: readonly JsonValue[], i: number): JsonValue {
  const item = arr[i];
  if (item === undefined) invalid();
  return item;
}

/**
 * Decodes a value whose containers nest at most `max` deep (a scalar is depth 0,
 * `[]` depth 1). Object keys are own properties even for `__proto__`; duplicate keys
 * are `frame_malformed`.
 */
export function readJson(r: Reader, max: number, level = 0): JsonValue {
  const tag = r.u8();
  switch (tag) {
    case JsonTag.Null:
      return null;
    case JsonTag.False:
      return false;
    case JsonTag.True:
      return true;
    case JsonTag.Int:
      return r.sint();
    case JsonTag.F64: {
      const v = r.f64();
      if (isWireInt(v)) throw malformed();
      return v;
    }
    case JsonTag.String:
      return r.str();
    case JsonTag.Array: {
      if (level >= max) throw depth();
      return readArray(r, max, level + 1, r.count(1));
    }
    case JsonTag.Object: {
      if (level >= max) throw depth();
      const n = r.count(2);
      const obj: Record<string, JsonValue> = {};
      for (let i = 0; i < n; i++) {
        const k = r.str();
        if (Object.hasOwn(obj, k)) throw malformed();
        setOwn(obj, k, readJson(r, max, level + 1));
      }
      return obj;
    }
    default:
      throw unknown();
  }
}

/** Split out of `readJson` so V8 optimises the item loop on its own (measured 2x). */
function readArray(r: Reader, max: number, level: number, n: number): JsonValue[] {
  // n was checked against maxItems and the bytes left (≥ 1 byte per item).
  const arr = new Array<JsonValue>(n);
  const b = r.buf;
  for (let i = 0; i < n; i++) {
    // Inline the one-byte scalars: arrays of flags/nulls are the densest payloads.
    const tag = r.pos < r.end ? b[r.pos]! : -1;
    if (tag === JsonTag.Null) arr[i] = null;
    else if (tag === JsonTag.False) arr[i] = false;
    else if (tag === JsonTag.True) arr[i] = true;
    else {
      arr[i] = readJson(r, max, level);
      continue;
    }
    r.pos++;
  }
  return arr;
}

/** Assigns an own property; `__proto__` would otherwise hit the prototype setter. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else obj[key] = value;
}
