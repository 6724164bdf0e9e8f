/**
 * Redaction and truncation of values before they reach a log line. Keys are matched by
 * name at any depth (so `*.password`, `a.b.c.token` and `headers["set-cookie"]` are all
 * covered without listing paths), strings are scrubbed of e-mail addresses, bearer
 * credentials and secret query parameters, and large strings and arrays are cut.
 */

export const REDACTED = "[REDACTED]";
export const REDACTED_EMAIL = "[EMAIL]";

/** Normalised key names (lower case, no `-`/`_`) whose values are always redacted. */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  "authorization",
  "proxyauthorization",
  "cookie",
  "cookies",
  "setcookie",
  "token",
  "tokens",
  "password",
  "passwords",
  "passwd",
  "secret",
  "secrets",
  "csrf",
  "xcsrftoken",
  "apikey",
  "xapikey",
  "privatekey",
  "jwt",
]);
/** Suffixes that mark a key as secret (`resumeToken`, `client_secret`, `dbPassword`). */
const SECRET_SUFFIXES = ["token", "tokens", "secret", "password", "csrf"];

const normalize = (key: string): string => key.toLowerCase().replace(/[-_]/g, "");

export interface SanitizeOptions {
  /** Strings longer than this many characters are cut (default 2048). */
  maxStringLength: number;
  /** Arrays longer than this keep their first items only (default 50). */
  maxArrayLength: number;
  /** Deeper nesting is replaced by `"[Depth]"` (default 8). */
  maxDepth: number;
  /** Extra key names to redact (any case, `-`/`_` ignored). */
  extraKeys: ReadonlySet<string>;
}

export const DEFAULT_SANITIZE: SanitizeOptions = {
  maxStringLength: 2048,
  maxArrayLength: 50,
  maxDepth: 8,
  extraKeys: new Set(),
};

/** Whether values under `key` are redacted. */
export function isSecretKey(key: string, extra: ReadonlySet<string> = DEFAULT_SANITIZE.extraKeys) {
  const k = normalize(key);
  if (SECRET_KEYS.has(k) || extra.has(k)) return true;
  for (const s of SECRET_SUFFIXES) if (k.endsWith(s)) return true;
  return false;
}

/** Builds the `extraKeys` set from user-supplied names. */
export function secretKeySet(names: readonly string[] = []): ReadonlySet<string> {
  return new Set(names.map(normalize));
}

// Bounded quantifiers and truncation before matching keep these linear on hostile input.
const EMAIL =
  /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const SECRET_PARAM =
  /([?&;](?:[A-Za-z0-9_-]*(?:token|secret|password|passwd|csrf|api[_-]?key|sig|signature)))=[^&\s#;"']*/gi;

/**
 * Cuts `s` to `max` characters and removes e-mail addresses, `Bearer …` credentials and
 * secret query parameters.
 * @example sanitizeString("mail bob@example.com?token=x") // "mail [EMAIL]?token=[REDACTED]"
 */
export function sanitizeString(s: string, max = DEFAULT_SANITIZE.maxStringLength): string {
  let out = s.length > max ? `${s.slice(0, max)}…[truncated ${s.length - max} chars]` : s;
  if (out.includes("@")) out = out.replace(EMAIL, REDACTED_EMAIL);
  if (out.includes("=")) out = out.replace(SECRET_PARAM, `$1=${REDACTED}`);
  if (/bearer|basic/i.test(out)) out = out.replace(BEARER, `$1 ${REDACTED}`);
  return out;
}

/**
 * Returns a sanitised copy of `value`: secret keys redacted at any depth, strings
 * scrubbed and cut, arrays cut, cycles and excessive depth replaced by markers, errors
 * turned into `{ type, message, stack, code? }`.
 * @example sanitize({ user: { password: "x" } }) // { user: { password: "[REDACTED]" } }
 */
export function sanitize(value: unknown, opts: SanitizeOptions = DEFAULT_SANITIZE): unknown {
  return walk(value, opts, 0, new WeakSet());
}

function walk(value: unknown, o: SanitizeOptions, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return sanitizeString(value, o.maxStringLength);
  if (typeof value !== "object" || value === null) {
    return typeof value === "bigint" ? value.toString() : value;
  }
  if (seen.has(value)) return "[Circular]";
  if (depth >= o.maxDepth) return "[Depth]";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const n = Math.min(value.length, o.maxArrayLength);
      const out: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = walk(value[i], o, depth + 1, seen);
      if (value.length > n) out.push(`[…${value.length - n} more items]`);
      return out;
    }
    if (value instanceof Error) {
      const e = value as Error & { code?: unknown; cause?: unknown };
      const out: Record<string, unknown> = {
        type: e.name,
        message: sanitizeString(e.message, o.maxStringLength),
        stack: e.stack === undefined ? undefined : sanitizeString(e.stack, o.maxStringLength * 4),
      };
      if (e.code !== undefined) out.code = walk(e.code, o, depth + 1, seen);
      if (e.cause !== undefined) out.cause = walk(e.cause, o, depth + 1, seen);
      return out;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return walk(toJSON.call(value), o, depth, seen);
    if (value instanceof Map) return walk(Object.fromEntries(value), o, depth, seen);
    if (value instanceof Set) return walk([...value], o, depth, seen);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      out[key] =
        v !== undefined && v !== null && isSecretKey(key, o.extraKeys)
          ? REDACTED
          : walk(v, o, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
