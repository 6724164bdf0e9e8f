/**
 * Decode limits. Every count, length and depth read from the wire is checked against
 * these before anything is allocated for it.
 */

export interface Limits {
  /** Max UTF-8 bytes of one string (default 4 MiB, clamped to 16 MiB). */
  readonly maxString: number;
  /** Max items of one collection: patches, children, attributes, form fields, array/object entries. */
  readonly maxItems: number;
  /** Max nesting of wire nodes (Insert/Replace/FullResync trees). */
  readonly maxVNodeDepth: number;
  /** Max nesting of structured values inside patches (`Dispatch` payloads). */
  readonly maxPatchDepth: number;
  /** Max nesting of hook/custom event payloads. */
  readonly maxHookDepth: number;
  /** Max bytes of one frame. */
  readonly maxFrameBytes: number;
}

/** Hard cap on `maxString`: a larger configured value is clamped. */
export const HARD_MAX_STRING = 16 * 1024 * 1024;
/** Hard cap on every depth limit, so decoding recursion can never overflow the stack. */
export const HARD_MAX_DEPTH = 1024;

export const DEFAULT_LIMITS: Limits = /* @__PURE__ */ Object.freeze({
  maxString: 4 * 1024 * 1024,
  maxItems: 100_000,
  maxVNodeDepth: 256,
  maxPatchDepth: 128,
  maxHookDepth: 64,
  maxFrameBytes: 16 * 1024 * 1024,
});

/**
 * `maxItems` a server applies to the frames clients send unless configured otherwise.
 * An array of up to ~16,380 items fits V8's regular heap pages; a longer one goes to the
 * large-object space, whose fresh pages cost ≥ 0.5 ms to map on a small VM (measured), so
 * a 64 KiB frame could then take milliseconds to decode. Forms and hook payloads stay
 * far below it; clients keep the protocol default for the server's (trusted) frames.
 */
export const CLIENT_FRAME_MAX_ITEMS = 16_000;

const resolved = /* @__PURE__ */ new WeakSet<Limits>([DEFAULT_LIMITS]);

/**
 * Fills defaults and applies the hard caps. Pass the result to `decodeFrame` on hot paths
 * to skip re-resolving per frame.
 * @example
 * const limits = resolveLimits({ maxFrameBytes: 64 * 1024 });
 * decodeFrame(bytes, limits);
 */
export function resolveLimits(partial?: Partial<Limits>): Limits {
  if (partial === undefined) return DEFAULT_LIMITS;
  if (resolved.has(partial as Limits)) return partial as Limits;
  const d = DEFAULT_LIMITS;
  const out: Limits = Object.freeze({
    maxString: cap(partial.maxString ?? d.maxString, HARD_MAX_STRING),
    maxItems: cap(partial.maxItems ?? d.maxItems, Number.MAX_SAFE_INTEGER),
    maxVNodeDepth: cap(partial.maxVNodeDepth ?? d.maxVNodeDepth, HARD_MAX_DEPTH),
    maxPatchDepth: cap(partial.maxPatchDepth ?? d.maxPatchDepth, HARD_MAX_DEPTH),
    maxHookDepth: cap(partial.maxHookDepth ?? d.maxHookDepth, HARD_MAX_DEPTH),
    maxFrameBytes: cap(partial.maxFrameBytes ?? d.maxFrameBytes, Number.MAX_SAFE_INTEGER),
  });
  resolved.add(out);
  return out;
}

function cap(v: number, hard: number): number {
  return v >= 0 ? Math.min(Math.floor(v), hard) : 0;
}
