/**
 * Password hashing with `node:crypto` scrypt: a random 16-byte salt per password, the
 * parameters stored with the hash in PHC string format
 * (`$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, base64 without padding) so they can be raised
 * later without invalidating stored hashes, and a constant-time comparison.
 *
 * Default cost: N = 2^15, r = 8, p = 1 — 32 MiB and ~60–130 ms per hash on this
 * project's 2-core CI machine (BENCHMARKS.md, "Auth"), run on libuv's thread pool so the
 * event loop keeps serving. OWASP's floor is N = 2^17 (128 MiB): pass `{ ln: 17 }` where
 * login volume and memory allow. Passwords are NFKC-normalised first (NIST SP 800-63B
 * §5.1.1.2), so the same password typed on two keyboards verifies.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt parameters: N = 2^`ln`, block size `r`, parallelization `p`. */
export interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ ln: 15, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Longest password accepted, in UTF-8 bytes (a bound on the work one request can ask for). */
export const MAX_PASSWORD_BYTES = 1024;
const PHC =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{16,})$/;

function b64(buf: Buffer): string {
  return buf.toString("base64").replace(/=+$/, "");
}

function derive(password: string, salt: Buffer, p: ScryptParams, len: number): Promise<Buffer> {
  const N = 2 ** p.ln;
  return new Promise((resolve, reject) => {
    // Node refuses above 32 MiB unless told: allow what these parameters need, no more.
    const maxmem = 128 * N * p.r * (p.p + 1) + 1024 * 1024;
    scrypt(password, salt, len, { N, r: p.r, p: p.p, maxmem }, (err, key) => {
      if (err !== null) reject(err);
      else resolve(key);
    });
  });
}

function checkParams(p: ScryptParams): void {
  if (!Number.isInteger(p.ln) || p.ln < 10 || p.ln > 22) throw new RangeError("scrypt ln: 10…22");
  if (!Number.isInteger(p.r) || p.r < 1 || p.r > 32) throw new RangeError("scrypt r: 1…32");
  if (!Number.isInteger(p.p) || p.p < 1 || p.p > 16) throw new RangeError("scrypt p: 1…16");
}

function normalized(password: string): string | undefined {
  const n = password.normalize("NFKC");
  return Buffer.byteLength(n) > MAX_PASSWORD_BYTES ? undefined : n;
}

/**
 * Hashes `password` with a fresh salt.
 * @example const stored = await hashPassword("correct horse battery staple");
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<string> {
  checkParams(params);
  const pw = normalized(password);
  if (pw === undefined) throw new RangeError(`password over ${MAX_PASSWORD_BYTES} bytes`);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pw, salt, params, KEY_BYTES);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/**
 * True when `password` matches `stored` (from {@link hashPassword}); the comparison takes
 * the same time wherever the bytes differ. A `stored` value that is not such a hash is a
 * `RangeError` (a corrupt user record, not a wrong password).
 * @example if (await verifyPassword(form.get("password") ?? "", user.passwordHash)) …
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (m === null) throw new RangeError("not a $scrypt$ password hash");
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  checkParams(params);
  const salt = Buffer.from(m[4]!, "base64");
  const expected = Buffer.from(m[5]!, "base64");
  const pw = normalized(password);
  // An over-long password still costs one derivation, so its refusal takes as long.
  const key = await derive(pw ?? "", salt, params, expected.length);
  return pw !== undefined && timingSafeEqual(key, expected);
}
