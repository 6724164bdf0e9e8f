/**
 * What an audit row's `metadata` may hold: the caller's object, with secrets and personal
 * data redacted by rules and cut to at most {@link MAX_METADATA_BYTES} of JSON.
 *
 * Rules, in order: the log sanitizer's (values under secret-looking keys — `password`,
 * `token`, `*Secret`, `cookie`, … and the app's extra `keys` — become `[REDACTED]`;
 * e-mail addresses inside strings `[EMAIL]`; `Bearer …` credentials and secret query
 * parameters are scrubbed); then the app's `patterns` (each match `[REDACTED]`); strings
 * are cut to 256 characters, arrays to 20 items, nesting to depth 4. Postgres `jsonb`
 * refuses NUL and lone UTF-16 surrogates (a string cut inside an emoji): both are
 * replaced. If the JSON is still over the cap, top-level keys are dropped from the last
 * one and `"_truncated": true` is added.
 */
import { REDACTED, sanitize, secretKeySet } from "../../observability/log-sanitize.ts";

/** Largest `metadata` JSON written, in UTF-8 bytes. */
export const MAX_METADATA_BYTES = 2048;

export interface AuditRedaction {
  /** Key names whose values are always redacted, besides the built-in secret names. */
  readonly keys?: readonly string[];
  /** Patterns redacted inside every string (use the `g` flag; e.g. phone numbers). */
  readonly patterns?: readonly RegExp[];
}

/** Rules compiled once per audit log. */
export interface CompiledRedaction {
  readonly keys: ReadonlySet<string>;
  readonly patterns: readonly RegExp[];
}

export function compileRedaction(r: AuditRedaction = {}): CompiledRedaction {
  const patterns = (r.patterns ?? []).map((p) =>
    p.global ? p : new RegExp(p.source, `${p.flags}g`),
  );
  return { keys: secretKeySet(r.keys ? [...r.keys] : []), patterns };
}

const LIMITS = { maxStringLength: 256, maxArrayLength: 20, maxDepth: 4 };

/**
 * The `metadata` JSON for a row (`null` for none).
 * @example auditMetadata({ email: "a@b.io", password: "x" }, compileRedaction()) // '{"email":"[EMAIL]","password":"[REDACTED]"}'
 */
export function auditMetadata(meta: unknown, rules: CompiledRedaction): string | null {
  if (meta === undefined || meta === null) return null;
  const clean = scrub(sanitize(meta, { ...LIMITS, extraKeys: rules.keys }), rules.patterns);
  const obj: Record<string, unknown> =
    typeof clean === "object" && clean !== null && !Array.isArray(clean)
      ? (clean as Record<string, unknown>)
      : { value: clean };
  const json = JSON.stringify(obj);
  if (Buffer.byteLength(json) <= MAX_METADATA_BYTES) return json;
  const keys = Object.keys(obj);
  const kept: Record<string, unknown> = { ...obj, _truncated: true };
  for (let i = keys.length - 1; i >= 0; i--) {
    delete kept[keys[i]!];
    const out = JSON.stringify(kept);
    if (Buffer.byteLength(out) <= MAX_METADATA_BYTES) return out;
  }
  return JSON.stringify({ _truncated: true });
}

/**
 * A text column's value: NUL and lone surrogates replaced (Postgres refuses them), cut to
 * `max` characters; `undefined`/empty → `null`.
 */
export function auditText(s: string | undefined, max: number): string | null {
  if (s === undefined || s === "") return null;
  return wellFormed(s.length > max ? s.slice(0, max) : s);
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `String.prototype.toWellFormed` (ES2024, outside this project's lib), and no NUL. */
function wellFormed(s: string): string {
  const w = s.replace(LONE_SURROGATE, "\uFFFD");
  return w.includes("\0") ? w.replaceAll("\0", "\uFFFD") : w;
}

function scrub(v: unknown, patterns: readonly RegExp[]): unknown {
  if (typeof v === "string") {
    let s = wellFormed(v);
    for (const p of patterns) s = s.replace(p, REDACTED);
    return s;
  }
  if (Array.isArray(v)) return v.map((x) => scrub(x, patterns));
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[wellFormed(k)] = scrub(x, patterns);
    return out;
  }
  return v;
}
