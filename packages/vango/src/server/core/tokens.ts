/**
 * Unguessable identifiers: session ids and resume tokens are 144 bits from the CSPRNG,
 * base64url-encoded (24 characters, safe in cookies and JSON without escaping).
 */
import { randomBytes } from "node:crypto";

const TOKEN_BYTES = 18;

/**
 * Returns a fresh random token (144 bits, base64url).
 * @example const sid = randomToken(); // "q3V0dGVyZmx5X3N0cmVhbTE"
 */
export function randomToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{24}$/;

/** True when `s` has the shape of a token from {@link randomToken} (cheap pre-check). */
export function isTokenShaped(s: string): boolean {
  return TOKEN_SHAPE.test(s);
}
