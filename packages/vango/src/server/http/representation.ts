/**
 * One resource, several representations by content coding: the bodies compressed ahead
 * of time (brotli and gzip, kept only when smaller than the original), the choice among
 * them by `Accept-Encoding` (RFC 9110 §12.5.3), an ETag per coding and the
 * `If-None-Match` check (weak comparison, §13.1.2). Used by the client bundle and by
 * static files; zstd is never offered, as node:zlib on Node 20 cannot produce it.
 */
import type { ServerResponse } from "node:http";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { appendVary } from "../security/cors.ts";

export const ContentCoding = { br: "br", gzip: "gzip", identity: "identity" } as const;
export type ContentCoding = (typeof ContentCoding)[keyof typeof ContentCoding];

/** The compressed bodies of one resource; a coding is absent when it saved nothing. */
export interface Encoded {
  readonly br: Buffer | undefined;
  readonly gzip: Buffer | undefined;
}

// The callback forms run in libuv's thread pool, so compressing never blocks the event loop.
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Compresses `body` as brotli (at `brotliQuality`, text mode) and gzip (level 9), both off
 * the event loop; a result not smaller than `body` is dropped. A coding in `given` (bytes
 * compressed ahead of time, such as `vango build`'s) is taken as it is, not compressed
 * again; it too is kept only when smaller.
 * @example const { br, gzip } = await precompress(Buffer.from(code), 11);
 */
export async function precompress(
  body: Buffer,
  brotliQuality: number,
  given: { readonly br?: Buffer | undefined; readonly gzip?: Buffer | undefined } = {},
): Promise<Encoded> {
  const [br, gzipped] = await Promise.all([
    given.br ??
      brotli(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: brotliQuality,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
        },
      }),
    given.gzip ?? gz(body, { level: 9 }),
  ]);
  return {
    br: br.byteLength < body.byteLength ? br : undefined,
    gzip: gzipped.byteLength < body.byteLength ? gzipped : undefined,
  };
}

/** The body of `coding` in `encoded` (`undefined` for identity or a coding not kept). */
export function encodedBody(encoded: Encoded, coding: ContentCoding): Buffer | undefined {
  return coding === "identity" ? undefined : encoded[coding];
}

/** True when `encoded` holds at least one compressed body, i.e. responses vary by coding. */
export function isNegotiable(encoded: Encoded): boolean {
  return encoded.br !== undefined || encoded.gzip !== undefined;
}

/** A qvalue as RFC 9110 §12.4.2 spells it: 0, 0.5, 1, 1.000 (at most three decimals). */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The weight the client gives `identity` when it does not name it (or `*`): acceptable,
 * but below every coding it did list (`gzip;q=0.1` still means "rather gzip").
 */
const IMPLICIT_IDENTITY = 0.0001;

/**
 * The coding to answer with: the highest q among those `encoded` holds (and identity);
 * on equal q, br before gzip before identity. No header means identity (what every
 * browser sends the header for, and what proxies stripping it expect). When nothing
 * offered is acceptable (`identity;q=0` with no listed coding we have), the header is
 * disregarded and identity sent, as §12.5.3 allows, rather than a 406 for a script.
 * @example negotiateCoding("gzip, deflate, br, zstd", encoded) // "br" (never "zstd")
 */
export function negotiateCoding(header: string | undefined, encoded: Encoded): ContentCoding {
  if (header === undefined) return "identity";
  const weights = parseAcceptEncoding(header);
  const star = weights.get("*");
  const weightOf = (c: ContentCoding): number =>
    weights.get(c) ?? star ?? (c === "identity" ? IMPLICIT_IDENTITY : 0);
  let best: ContentCoding = "identity";
  let bestWeight = 0;
  for (const c of [ContentCoding.br, ContentCoding.gzip, ContentCoding.identity]) {
    if (c !== "identity" && encoded[c] === undefined) continue;
    const w = weightOf(c);
    if (w > bestWeight) {
      best = c;
      bestWeight = w;
    }
  }
  return best;
}

/**
 * `Accept-Encoding` as coding → q (names lower-cased, `x-gzip` read as gzip per
 * §8.4.1.3). A member with a malformed qvalue is ignored; a repeated name keeps its
 * first weight.
 */
export function parseAcceptEncoding(header: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const member of header.split(",")) {
    const [rawName = "", ...params] = member.split(";");
    let name = rawName.trim().toLowerCase();
    if (name === "") continue;
    if (name === "x-gzip") name = "gzip";
    let q: number | undefined = 1;
    for (const p of params) {
      const eq = p.indexOf("=");
      if (eq === -1 || p.slice(0, eq).trim().toLowerCase() !== "q") continue;
      const v = p.slice(eq + 1).trim();
      q = QVALUE.test(v) ? Number(v) : undefined;
    }
    if (q !== undefined && !out.has(name)) out.set(name, q);
  }
  return out;
}

/**
 * The ETag of one coding's representation: `base` for identity, else the coding appended
 * inside the quotes. Each coding's bytes differ, so each needs its own tag (a cache that
 * revalidates a gzip copy must not be told its bytes equal the brotli ones).
 * @example etagFor('W/"3f-18c"', "br") // 'W/"3f-18c-br"'
 */
export function etagFor(base: string, coding: ContentCoding): string {
  return coding === "identity" ? base : `${base.slice(0, -1)}-${coding}"`;
}

/**
 * True when `If-None-Match` (`header`) matches `etag` by weak comparison (§13.1.2: `W/`
 * prefixes do not matter), or is `*`.
 * @example ifNoneMatch('"a", W/"b"', '"b"') // true
 */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  const opaque = etag.startsWith("W/") ? etag.slice(2) : etag;
  for (const part of header.split(",")) {
    const t = part.trim();
    if ((t.startsWith("W/") ? t.slice(2) : t) === opaque) return true;
  }
  return false;
}

/**
 * Sets the validator headers of the chosen coding: `Vary: Accept-Encoding` (on 304s and
 * identity answers too, RFC 9110 §15.4.5: a 304 carries the Vary a 200 would) and the
 * coding's `ETag`, which it returns. `Content-Encoding` belongs to the 200 only
 * ({@link setContentEncoding}): a 304 sends no representation metadata beyond these.
 * @example setCodingHeaders(res, "br", '"abc"', true) // '"abc-br"'
 */
export function setCodingHeaders(
  res: ServerResponse,
  coding: ContentCoding,
  etagBase: string,
  negotiable: boolean,
): string {
  const etag = etagFor(etagBase, coding);
  // Appended: CORS may already have set `Vary: Origin`.
  if (negotiable) appendVary(res, "Accept-Encoding");
  res.setHeader("ETag", etag);
  return etag;
}

/**
 * Sets `Content-Encoding` of a 200 (none for identity).
 * @example setContentEncoding(res, "gzip")
 */
export function setContentEncoding(res: ServerResponse, coding: ContentCoding): void {
  if (coding !== "identity") res.setHeader("Content-Encoding", coding);
}
